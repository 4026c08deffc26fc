/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
}

/** Model name (lowercase) to price. */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * List prices of common models (standard tier, uncached input), as published by their vendors in
 * 2025. Deployments override or extend them from the config file's `prices` (see mergePrices).
 */
export const DEFAULT_PRICES: PriceTable = Object.freeze({
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  'deepseek-chat': { input: 0.28, output: 0.42 },
  'deepseek-reasoner': { input: 0.28, output: 0.42 },
  'qwen-plus': { input: 0.4, output: 1.2 },
  'qwen-turbo': { input: 0.05, output: 0.2 },
  demo: { input: 0, output: 0 },
});

/** Characters after which a longer name is a variant of a listed one (`gpt-4o-2024-08-06`, `qwen-plus:latest`). */
const VARIANT_SEPARATORS = new Set(['-', ':', '@']);

/**
 * The price of a model: an exact entry, else the longest entry the name extends at a separator
 * (so `gpt-4o-mini-2024-07-18` is `gpt-4o-mini`, never `gpt-4o`), else the same after dropping
 * a `vendor/` prefix (`openai/gpt-4o`). Unknown models have no price.
 */
export function priceOf(model: string, table: PriceTable = DEFAULT_PRICES): ModelPrice | undefined {
  const name = model.trim().toLowerCase();
  const found = lookup(name, table);
  if (found || !name.includes('/')) return found;
  return lookup(name.slice(name.lastIndexOf('/') + 1), table);
}

function lookup(name: string, table: PriceTable): ModelPrice | undefined {
  if (Object.hasOwn(table, name)) return table[name];
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    const isVariant = name.startsWith(key) && VARIANT_SEPARATORS.has(name.charAt(key.length));
    if (isVariant && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : table[best];
}

/** Cost in USD, rounded to 1e-8 so sums of many small costs stay free of float noise. Unknown model: 0. */
export function costOf(model: string, inputTokens: number, outputTokens: number, table?: PriceTable): number {
  const price = priceOf(model, table);
  if (!price) return 0;
  const usd = (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
  return Math.round(usd * 1e8) / 1e8;
}

/**
 * A new table with `overrides` on top of `base`. Names are matched lowercase; an override
 * replaces a model's whole price. Throws on a negative or non-finite price, naming the model.
 */
export function mergePrices(base: PriceTable, overrides: Readonly<Record<string, ModelPrice>>): PriceTable {
  const merged: Record<string, ModelPrice> = { ...base };
  for (const [model, price] of Object.entries(overrides)) {
    for (const side of ['input', 'output'] as const) {
      const value = price[side];
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new RangeError(
          `The ${side} price of "${model}" must be a number of USD per million tokens, 0 or more.`,
        );
      }
    }
    merged[model.trim().toLowerCase()] = { input: price.input, output: price.output };
  }
  return Object.freeze(merged);
}
