import type { FastifyInstance } from 'fastify';
import { SluiceError } from '../protocol/index.ts';

/**
 * Request input is made fit to store before any route sees it. Text PostgreSQL cannot store
 * becomes U+FFFD: U+0000 (text and jsonb refuse it) and lone UTF-16 surrogates (jsonb refuses
 * their `\uD800` escapes; text columns would turn them into U+FFFD anyway), so what a stream
 * echoes live equals what is stored. JSON nested deeper than MAX_JSON_DEPTH is refused with
 * `validation_failed`: storing it would overflow the stack in JSON.stringify.
 */

export const MAX_JSON_DEPTH = 64;

// U+0000, a high surrogate not followed by a low one, a low surrogate not preceded by a high one.
const ILL_FORMED = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function wellFormed(text: string): string {
  return text.replace(ILL_FORMED, '\ufffd');
}

/**
 * Makes every string of a parsed JSON value well formed, keys included, in place (a string at
 * the top is returned replaced). Iterative, so any depth is walked; throws `validation_failed`
 * past MAX_JSON_DEPTH levels of arrays and objects.
 */
export function wellFormedValue(value: unknown, where = 'body'): unknown {
  if (typeof value === 'string') return wellFormed(value);
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, depth] = next;
    if (node === null || typeof node !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) {
      const message = `${where} nests deeper than ${MAX_JSON_DEPTH} levels`;
      throw new SluiceError('validation_failed', { issues: message }, { issues: [{ path: '', message }] });
    }
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) {
        const item: unknown = node[index];
        if (typeof item === 'string') node[index] = wellFormed(item);
        else pending.push([item, depth + 1]);
      }
      continue;
    }
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      const fixedKey = wellFormed(key);
      if (fixedKey !== key) {
        delete record[key];
        record[fixedKey] = item;
      }
      if (typeof item === 'string') record[fixedKey] = wellFormed(item);
      else pending.push([item, depth + 1]);
    }
  }
  return value;
}

/** Applies `wellFormedValue` to every request's body, query and path parameters. */
export function registerWellFormedText(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    request.body = wellFormedValue(request.body);
    wellFormedValue(request.query, 'query');
    wellFormedValue(request.params, 'params');
  });
}
