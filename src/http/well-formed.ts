import type { FastifyInstance } from 'fastify';

/**
 * Request text that PostgreSQL cannot store becomes U+FFFD before any route sees it: U+0000
 * (text and jsonb refuse it) and lone UTF-16 surrogates (jsonb refuses their `\uD800` escapes;
 * text columns would turn them into U+FFFD anyway). Replacing them at the door keeps what a
 * stream echoes live equal to what is stored, and keeps such input from ending as a 500.
 */

// U+0000, a high surrogate not followed by a low one, a low surrogate not preceded by a high one.
const ILL_FORMED = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function wellFormed(text: string): string {
  return text.replace(ILL_FORMED, '\ufffd');
}

/**
 * Makes every string of a parsed JSON value well formed, keys included, in place (a string at
 * the top is returned replaced). Iterative: bodies may nest 10,000 levels deep.
 */
export function wellFormedValue(value: unknown): unknown {
  if (typeof value === 'string') return wellFormed(value);
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const node = pending.pop();
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) {
        const item: unknown = node[index];
        if (typeof item === 'string') node[index] = wellFormed(item);
        else if (item !== null && typeof item === 'object') pending.push(item);
      }
    } else if (node !== null && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const item = record[key];
        const fixedKey = wellFormed(key);
        if (fixedKey !== key) {
          delete record[key];
          record[fixedKey] = item;
        }
        if (typeof item === 'string') record[fixedKey] = wellFormed(item);
        else if (item !== null && typeof item === 'object') pending.push(item);
      }
    }
  }
  return value;
}

/** Applies `wellFormedValue` to every request's body, query and path parameters. */
export function registerWellFormedText(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    request.body = wellFormedValue(request.body);
    wellFormedValue(request.query);
    wellFormedValue(request.params);
  });
}
