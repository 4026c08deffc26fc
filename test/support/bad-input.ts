import fc from 'fast-check';
import { z } from 'zod';

/**
 * Generators of hostile requests for test/bad-input-properties.test.ts. Everything here builds
 * what a client can actually send: header values are byte strings without CR, LF or NUL (fetch
 * refuses the rest before they reach a socket), bodies are raw text.
 */

/** Nesting deeper than any parser should recurse into: 10,000 levels. */
export const DEEP = 10_000;

/** A JSON text of `depth` nested arrays (`[[[...]]]`), or objects with `key`. */
export function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? '['.repeat(depth) + ']'.repeat(depth)
    : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** A string of lone surrogates and text around them: valid UTF-16 it is not. */
export const loneSurrogates: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)),
      fc.string({ maxLength: 4 }),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((parts) => `${parts.join('')}\ud800`);

/** Text PostgreSQL cannot store as is: lone surrogates or U+0000. */
export const illFormedText: fc.Arbitrary<string> = fc.oneof(
  loneSurrogates,
  fc.string({ maxLength: 6 }).map((text) => `${text}\u0000${text}`),
);

/** Any value of a type, for "the wrong type in this field". */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, '', [], {}),
  fc.integer(),
  fc.string({ maxLength: 20 }),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
  illFormedText,
);

/** A byte-string header value (0x20-0x7e and 0x80-0xff), as fetch lets through. */
export const headerValue: fc.Arbitrary<string> = fc
  .string({
    unit: fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
      fc.integer({ min: 0x80, max: 0xff }).map((code) => String.fromCharCode(code)),
    ),
    maxLength: 40,
  })
  .map((value) => value.trim());

export const lastEventId: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('-1', '0', '1e3', '0x10', '99999999999999999999999', 'NaN', '1.5', ' 3', 'abc', '', '2:5'),
  fc.integer().map(String),
  headerValue,
);

export const acceptLanguage: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '*',
    'xx',
    'zh-Hant-TW;q=0.1, en;q=abc',
    ';;;',
    'en;q=2',
    'q=0.5',
    ',,,',
    'ja-'.repeat(500),
  ),
  headerValue,
);

export const contentType: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'application/JSON',
    'application/json;;;',
    'text/plain',
    'text/event-stream',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
    '*/*',
  ),
  headerValue,
);

export const accept: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'application/json',
    'text/event-stream',
    '*/*',
    'text/html',
    'image/png',
    'text/event-stream;q=0',
  ),
  headerValue,
);

/** Raw bodies that are not (quite) JSON, or JSON a parser may choke on. */
export const rawBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    '{"broken',
    'null',
    '[]',
    '"text"',
    '1e400',
    '{"__proto__": {"polluted": true}}',
    '{"constructor": {"prototype": {"polluted": true}}}',
    '\ufeff{}',
    deepJson(DEEP, 'array'),
    deepJson(DEEP, 'object'),
  ),
  fc.string({ maxLength: 50 }),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  illFormedText.map((text) => JSON.stringify({ message: text })),
);

/** The top-level field names a body schema documents (an object schema's keys), else none. */
export function documentedFields(schema: z.ZodType | undefined): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  return [];
}

/** Documented query or header names of an operation part (a zod object), lower-cased for headers. */
export function fieldNames(schema: z.ZodObject | undefined): string[] {
  return schema ? Object.keys(schema.shape) : [];
}
