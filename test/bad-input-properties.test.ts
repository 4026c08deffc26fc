import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { API_AREAS, type ApiOperation } from '../src/http/openapi/index.ts';
import { ERRORS, type ErrorCode, errorBodySchema } from '../src/protocol/index.ts';
import { createSseDecoder } from '../src/sse/index.ts';
import {
  accept,
  acceptLanguage,
  anyValue,
  contentType,
  DEEP,
  deepJson,
  documentedFields,
  fieldNames,
  headerValue,
  illFormedText,
  lastEventId,
  rawBody,
} from './support/bad-input.ts';
import { createSession, json, startTestServer, type TestServer } from './support/sluice.ts';

/**
 * Property: whatever a client sends to any described operation (arbitrary JSON, wrong types in
 * each documented field, huge strings, 10,000-level nesting, lone surrogates, garbage headers,
 * query strings and path parameters), the server answers below 500 and every error carries an
 * error table code with the table's status, in the operation's documented error shape. The
 * operations come from the OpenAPI description, so a new endpoint is covered without edits here.
 */

const SEED = 20_261_122;
const RUNS_PER_OPERATION = 24;
const BODY_LIMIT = 256 * 1024;
const UNKNOWN_UUID = '0193a000-0000-7000-8000-000000000000';
const OPERATIONS = API_AREAS.flatMap((area) => area.operations);

interface Fixture {
  sessionId: string;
  runId: string;
}

/** A generated request: how to fill path parameters, the query, headers and a raw body. */
interface BadRequest {
  param: 'known' | 'unknown' | { raw: string };
  query: string;
  headers: Record<string, string>;
  body: string | undefined;
}

function paramValue(path: string, name: string, fx: Fixture, which: BadRequest['param']): string {
  if (typeof which === 'object') return which.raw;
  const known = which === 'known';
  if (path.startsWith('/api/sessions/:id')) return encodeURIComponent(known ? fx.sessionId : UNKNOWN_UUID);
  if (path.startsWith('/api/runs/:id')) return encodeURIComponent(known ? fx.runId : UNKNOWN_UUID);
  return known ? (name === 'file' ? 'index.js' : 'assistant') : 'nobody';
}

const rawParam: fc.Arbitrary<BadRequest['param']> = fc.oneof(
  { arbitrary: fc.constant('known' as const), weight: 3 },
  fc.constant('unknown' as const),
  fc
    .oneof(
      fc.constantFrom('%', '%zz', '%ED%A0%80', '%00', '..%2F..%2Fetc%2Fpasswd', 'a'.repeat(5000), '%C0%AF'),
      fc.string({ maxLength: 30 }).map(queryEncode),
    )
    .map((raw) => ({ raw })),
);

/** Percent-encodes as UTF-8; lone surrogates (which encodeURIComponent refuses) become the raw bytes of one. */
function queryEncode(value: string): string {
  return value
    .split(/([\ud800-\udfff])/)
    .map((part, index) => (index % 2 === 1 ? '%ED%A0%80' : encodeURIComponent(part)))
    .join('');
}

/** Query strings: the example's, documented keys with wrong values, repeats, broken escapes. */
function queryArb(operation: ApiOperation): fc.Arbitrary<string> {
  const example = new URLSearchParams(operation.examples?.[0]?.query ?? {}).toString();
  const keys = [...fieldNames(operation.query), 'limit', 'cursor', 'language', 'x'];
  const pair = fc
    .tuple(
      fc.constantFrom(...keys),
      fc.oneof(
        anyValue.map((value) => queryEncode(typeof value === 'string' ? value : JSON.stringify(value))),
        fc.constantFrom('%', '%zz', '%ED%A0%80', '', 'a'.repeat(10_000), '-1', '1e999', 'true'),
      ),
    )
    .map(([key, value]) => `${key}=${value}`);
  return fc.oneof(
    fc.constant(example),
    fc.array(pair, { maxLength: 4 }).map((pairs) => [example, ...pairs].filter(Boolean).join('&')),
    fc.constantFrom('%', '&&&', '=', 'a[b]=1', '__proto__[x]=1', 'a=1&a=2&a=3'),
  );
}

/** The example body with one field replaced: `value` is JSON text spliced in verbatim. */
function withField(example: unknown, field: string, valueJson: string): string {
  const base = example && typeof example === 'object' && !Array.isArray(example) ? example : {};
  return JSON.stringify({ ...base, [field]: '\u0000splice\u0000' }).replace(
    JSON.stringify('\u0000splice\u0000'),
    () => valueJson,
  );
}

/** The example with every string in it (at any depth) replaced by `text`. */
function everyString(example: unknown, text: string): unknown {
  if (typeof example === 'string') return text;
  if (Array.isArray(example)) return example.map((item) => everyString(item, text));
  if (example && typeof example === 'object')
    return Object.fromEntries(Object.entries(example).map(([key, value]) => [key, everyString(value, text)]));
  return example;
}

function bodyArb(operation: ApiOperation): fc.Arbitrary<string | undefined> {
  if (operation.method === 'GET') return fc.constant(undefined);
  const example = operation.examples?.[0]?.body;
  const fields = [...documentedFields(operation.body), 'unknown_field'];
  const field = fc.constantFrom(...fields);
  const huge = 'x'.repeat(BODY_LIMIT / 2);
  return fc.oneof(
    fc.constant(example === undefined ? undefined : JSON.stringify(example)),
    rawBody,
    fc.tuple(field, anyValue).map(([name, value]) => withField(example, name, JSON.stringify(value))),
    fc.tuple(field, illFormedText).map(([name, value]) => withField(example, name, JSON.stringify(value))),
    illFormedText.map((text) => JSON.stringify(everyString(example ?? {}, text))),
    field.map((name) => withField(example, name, JSON.stringify(huge))),
    field.map((name) => withField(example, name, deepJson(DEEP, 'object'))),
    field.map((name) => withField(example, name, deepJson(DEEP, 'array'))),
    fc.constant(JSON.stringify({ message: 'x'.repeat(BODY_LIMIT) })),
  );
}

function headersArb(operation: ApiOperation, withBody: boolean): fc.Arbitrary<Record<string, string>> {
  const documented = Object.fromEntries(fieldNames(operation.headers).map((name) => [name, headerValue]));
  return fc.record(
    {
      ...documented,
      'last-event-id': lastEventId,
      'accept-language': acceptLanguage,
      accept,
      authorization: headerValue,
      ...(withBody ? { 'content-type': contentType } : {}),
    },
    { requiredKeys: [] },
  );
}

function requestArb(operation: ApiOperation): fc.Arbitrary<BadRequest> {
  return bodyArb(operation).chain((body) =>
    fc.record({
      param: rawParam,
      query: queryArb(operation),
      headers: headersArb(operation, body !== undefined).map((headers) => ({
        ...(operation.examples?.[0]?.headers ?? {}),
        ...(body !== undefined && !('content-type' in headers) ? { 'content-type': 'application/json' } : {}),
        ...headers,
      })),
      body: fc.constant(body),
    }),
  );
}

interface Answer {
  status: number;
  type: string;
  text: string;
}

async function send(
  base: string,
  operation: ApiOperation,
  request: BadRequest,
  fx: Fixture,
): Promise<Answer> {
  const path = operation.path.replace(/:(\w+)/g, (_whole, name: string) =>
    paramValue(operation.path, name, fx, request.param),
  );
  const response = await fetch(base + path + (request.query ? `?${request.query}` : ''), {
    method: operation.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    signal: AbortSignal.timeout(30_000),
  });
  return {
    status: response.status,
    type: (response.headers.get('content-type') ?? '').split(';')[0] ?? '',
    text: await response.text(),
  };
}

/** Every data frame of an event stream is JSON or `[DONE]`. */
function assertWellFormedStream(text: string, where: string): void {
  const decoder = createSseDecoder((message) => {
    if (message.data === '' || message.data === '[DONE]') return;
    assert.doesNotThrow(() => JSON.parse(message.data), `${where}: frame ${message.data.slice(0, 200)}`);
  });
  decoder.push(text);
  decoder.flush();
}

function assertAnswer(operation: ApiOperation, answer: Answer, where: string): void {
  assert.ok(answer.status < 500, `${where}: ${answer.status} ${answer.text.slice(0, 300)}`);
  if (answer.status < 400) {
    if (answer.type === 'text/event-stream') assertWellFormedStream(answer.text, where);
    else if (answer.type === 'application/json') JSON.parse(answer.text);
    return;
  }
  assert.equal(answer.type, 'application/json', `${where}: ${answer.status} ${answer.text.slice(0, 200)}`);
  const body = JSON.parse(answer.text) as { jsonrpc?: unknown; error?: { code?: unknown } };
  // The MCP transport answers its own protocol errors in JSON-RPC's shape (documented as such).
  if (operation.path === '/mcp' && body.jsonrpc === '2.0') return;
  const parsed = (operation.errorBody ?? errorBodySchema).parse(body) as { error: { code: string } };
  const code = parsed.error.code;
  assert.ok(code in ERRORS, `${where}: ${code} is not in the error table`);
  assert.equal(ERRORS[code as ErrorCode].status, answer.status, `${where}: ${code}`);
}

function describeRequest(request: BadRequest): string {
  const body = request.body === undefined ? '' : ` body=${request.body.slice(0, 120)}`;
  return `param=${JSON.stringify(request.param).slice(0, 60)} query=${request.query.slice(0, 80)} headers=${JSON.stringify(request.headers).slice(0, 200)}${body}`;
}

describe('bad input, property-based, over every described operation', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ body_limit: BODY_LIMIT, rate_limit: { max: 1_000_000, window_ms: 60_000 } });
    mkdirSync(t.config.documents_dir, { recursive: true });
    writeFileSync(`${t.config.documents_dir}/contract.txt`, 'Invoice: 3 chairs at 40 USD, due 2026-03-15.');
  });
  after(async () => {
    await t.close();
  });

  async function fixture(): Promise<Fixture> {
    const sessionId = await createSession(t.url);
    const { body: run } = await json<{ id: string }>(`${t.url}/api/sessions/${sessionId}/runs`, {
      body: { message: 'what is 2+2?' },
    });
    await t.server.ctx.runs.settled(run.id);
    return { sessionId, runId: run.id };
  }

  for (const operation of OPERATIONS) {
    const name = `${operation.method} ${operation.path}`;
    test(`${name}: never a 5xx, always an error table code`, async () => {
      const fx = await fixture();
      await fc.assert(
        fc.asyncProperty(requestArb(operation), async (request) => {
          const where = `${name} ${describeRequest(request)}`;
          assertAnswer(operation, await send(t.url, operation, request, fx), where);
        }),
        { numRuns: RUNS_PER_OPERATION, seed: SEED, endOnFailure: true },
      );
    });
  }

  test('the server still answers afterwards', async () => {
    assert.equal((await json(`${t.url}/health`)).status, 200);
  });
});
