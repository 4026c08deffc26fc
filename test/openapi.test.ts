import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  API_AREAS,
  type ApiOperation,
  buildOpenApiDocument,
  type OpenApiDocument,
  openApiPath,
  type RequestExample,
  registeredRoutes,
} from '../src/http/openapi/index.ts';
import { WEB_DIST } from '../src/http/web-console.ts';
import { ERRORS, errorBodySchema } from '../src/protocol/index.ts';
import { createSseDecoder } from '../src/sse/index.ts';
import { createSession, json, startTestServer, type TestServer } from './support/sluice.ts';

/**
 * The document cannot drift from the server: every registered route is described (and the other
 * way round), and every described operation is called with its example and its answer checked
 * against the very zod schemas the document was generated from, undocumented fields included.
 */

const UNKNOWN_UUID = '0193a000-0000-7000-8000-000000000000';
const OPERATIONS = API_AREAS.flatMap((area) => area.operations);

interface Fixture {
  sessionId: string;
  runId: string;
}

/**
 * The value of a path parameter: one that exists (`known`) or one that does not. A new route
 * with a parameter not handled here fails with a message saying so.
 */
function paramValue(path: string, name: string, fixture: Fixture, known: boolean): string {
  if (path.startsWith('/api/sessions/:id') && name === 'id') return known ? fixture.sessionId : UNKNOWN_UUID;
  if (path.startsWith('/api/runs/:id') && name === 'id') return known ? fixture.runId : UNKNOWN_UUID;
  if (path.startsWith('/api/agents/:id') && name === 'id') return known ? 'assistant' : 'nobody';
  if (name === 'agent_id' || name === 'model') return known ? 'assistant' : 'nobody';
  if (path.startsWith('/api/ai-sdk/chat/:id') && name === 'id')
    return known ? 'openapi-chat' : 'no-such-chat';
  if (path === '/assets/:file' && name === 'file') return known ? consoleScript() : 'no-such-asset.js';
  throw new Error(`no fixture for :${name} in ${path}: add one to paramValue in test/openapi.test.ts`);
}

/** The built console's script (the test runner builds web/dist before the tests). */
function consoleScript(): string {
  const assets = join(WEB_DIST, 'assets');
  return (existsSync(assets) && readdirSync(assets).find((file) => file.endsWith('.js'))) || 'missing.js';
}

function urlOf(
  base: string,
  operation: ApiOperation,
  example: RequestExample,
  fixture: Fixture,
  known: boolean,
): string {
  const path = operation.path.replace(/:(\w+)/g, (_whole, name: string) =>
    encodeURIComponent(paramValue(operation.path, name, fixture, known)),
  );
  const query = new URLSearchParams(example.query ?? {}).toString();
  return base + path + (query ? `?${query}` : '');
}

async function send(
  base: string,
  operation: ApiOperation,
  example: RequestExample,
  fixture: Fixture,
  options: { known: boolean; accept?: string; rawBody?: string },
): Promise<{ status: number; type: string; text: string }> {
  const body = options.rawBody ?? (example.body === undefined ? undefined : JSON.stringify(example.body));
  const response = await fetch(urlOf(base, operation, example, fixture, options.known), {
    method: operation.method,
    headers: {
      ...(options.accept ? { accept: options.accept } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...example.headers,
    },
    ...(body === undefined ? {} : { body }),
  });
  return {
    status: response.status,
    type: (response.headers.get('content-type') ?? '').split(';')[0] ?? '',
    text: await response.text(),
  };
}

function sseData(text: string): string[] {
  const data: string[] = [];
  const decoder = createSseDecoder((message) => {
    if (message.data !== '' && message.data !== '[DONE]') data.push(message.data);
  });
  decoder.push(text);
  decoder.flush();
  return data;
}

/** Each example, asking for each kind of success body the operation documents. */
function requests(operation: ApiOperation): [RequestExample, string | undefined][] {
  return (operation.examples ?? [{}]).flatMap((example) =>
    accepts(operation).map((accept): [RequestExample, string | undefined] => [example, accept]),
  );
}

function accepts(operation: ApiOperation): (string | undefined)[] {
  const kinds = new Set<string | undefined>();
  for (const response of Object.values(operation.responses)) {
    if (response.json) kinds.add('application/json');
    if (response.events) kinds.add('text/event-stream');
    if (response.html) kinds.add('text/html');
    if (response.text) kinds.add(response.text);
  }
  return kinds.size > 0 ? [...kinds] : [undefined];
}

function documentedErrorCodes(document: OpenApiDocument, operation: ApiOperation, status: number): string {
  const responses = document.paths[openApiPath(operation.path)]?.[operation.method.toLowerCase()]
    ?.responses as Record<string, { description: string }> | undefined;
  return responses?.[String(status)]?.description ?? '';
}

describe('OpenAPI document at /docs', () => {
  let t: TestServer;
  let document: OpenApiDocument;
  before(async () => {
    t = await startTestServer({ demo_pace: 0 });
    document = buildOpenApiDocument(API_AREAS, { version: t.server.ctx.version });
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

  test('/docs/openapi.json is the generated document; /docs is Swagger UI served from its own files', async () => {
    const served = await json<OpenApiDocument>(`${t.url}/docs/openapi.json`);
    assert.equal(served.status, 200);
    assert.deepEqual(served.body, JSON.parse(JSON.stringify(document)));
    assert.equal((await json(`${t.url}/docs/json`)).status, 200);

    const page = await fetch(`${t.url}/docs`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const html = await page.text();
    assert.match(html, /swagger-ui/);
    const bundle = await fetch(`${t.url}/docs/static/swagger-ui-bundle.js`);
    assert.equal(bundle.status, 200, 'the UI needs no network beyond this server');
    await bundle.arrayBuffer();
  });

  test('every route the server registered is described, and every described route is registered', async () => {
    const routes = registeredRoutes(t.server.app).filter(
      (route) => route.method !== 'HEAD' && route.method !== 'OPTIONS' && !route.url.startsWith('/docs'),
    );
    assert.ok(
      routes.some((route) => route.method === 'GET' && route.url === '/health'),
      'routes are recorded',
    );
    const described = new Set(OPERATIONS.map((operation) => `${operation.method} ${operation.path}`));
    const registered = new Set(routes.map((route) => `${route.method} ${route.url}`));
    for (const route of registered) {
      assert.ok(
        described.has(route),
        `${route} is registered but not described: add it to src/http/openapi/`,
      );
    }
    for (const operation of described) {
      assert.ok(registered.has(operation), `${operation} is described but no such route is registered`);
    }
  });

  for (const operation of OPERATIONS) {
    test(`${operation.method} ${operation.path} answers as documented`, async () => {
      const fx = await fixture();
      for (const [example, accept] of requests(operation)) {
        const answer = await send(t.url, operation, example, fx, {
          known: true,
          ...(accept ? { accept } : {}),
        });
        const documented = operation.responses[answer.status];
        assert.ok(
          documented,
          `status ${answer.status} is not documented (asked ${accept}): ${answer.text.slice(0, 300)}`,
        );
        if (answer.type === 'application/json') {
          assert.ok(documented.json, `${answer.status} documents no JSON body`);
          const body = JSON.parse(answer.text) as unknown;
          // Parsing drops fields the schema does not know: equality means none was undocumented.
          assert.deepEqual(documented.json.parse(body), body);
        } else if (answer.type === 'text/event-stream') {
          assert.ok(documented.events, `${answer.status} documents no event stream`);
          const frames = sseData(answer.text);
          assert.ok(frames.length > 0, 'the stream carried events');
          for (const data of frames) {
            const value = JSON.parse(data) as unknown;
            assert.deepEqual(documented.events.parse(value), value);
          }
        } else if (answer.type === 'text/html') {
          assert.ok(documented.html, `${answer.status} documents no HTML`);
        } else if (documented.text !== undefined && answer.type === documented.text) {
          assert.ok(answer.text.length > 0, `${answer.status} has an empty ${answer.type} body`);
        } else {
          assert.equal(answer.text, '', `${answer.status} has an undocumented ${answer.type} body`);
          assert.ok(!documented.json && !documented.events && !documented.html);
        }
      }
    });
  }

  test('unknown ids and broken JSON answer documented error codes in the documented error shape', async () => {
    const fx = await fixture();
    for (const operation of OPERATIONS) {
      const cases: { known: boolean; rawBody?: string }[] = [];
      if (operation.path.includes(':')) cases.push({ known: false });
      if (operation.body) cases.push({ known: true, rawBody: '{"broken' });
      for (const options of cases) {
        const example = operation.examples?.[0] ?? {};
        const answer = await send(t.url, operation, example, fx, { ...options, accept: 'application/json' });
        const where = `${operation.method} ${operation.path} (${options.known ? 'broken JSON' : 'unknown id'})`;
        if (!options.known && answer.status < 400) {
          // Some routes answer an unknown id with success (204: nothing to resume).
          assert.ok(operation.responses[answer.status], `${where}: ${answer.status} is not documented`);
          continue;
        }
        assert.ok(answer.status >= 400, `${where}: ${answer.status}`);
        const body = JSON.parse(answer.text) as unknown;
        const shape = operation.errorBody ?? errorBodySchema;
        assert.deepEqual(shape.parse(body), body, where);
        if (operation.errorBody) continue;
        const { code } = errorBodySchema.parse(body).error;
        assert.equal(ERRORS[code].status, answer.status, where);
        assert.ok(
          documentedErrorCodes(document, operation, answer.status).includes(`\`${code}\``),
          `${where}: ${code}`,
        );
      }
    }
  });
});

describe('OpenAPI document: auth', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ demo_pace: 0, api_keys: [{ key: 'openapi-test-key', tenant: 'docs' }] });
  });
  after(async () => {
    await t.close();
  });

  test('operations marked auth answer 401 without a key; the others do not; /docs needs none', async () => {
    const fx = { sessionId: UNKNOWN_UUID, runId: UNKNOWN_UUID };
    for (const operation of OPERATIONS) {
      const example = operation.examples?.[0] ?? {};
      const answer = await send(t.url, operation, example, fx, { known: true, accept: 'application/json' });
      if (operation.auth === false)
        assert.notEqual(answer.status, 401, `${operation.method} ${operation.path}`);
      else
        assert.equal(
          answer.status,
          401,
          `${operation.method} ${operation.path}: ${answer.text.slice(0, 200)}`,
        );
    }
    assert.equal(await fetch(`${t.url}/docs/openapi.json`).then((r) => r.status), 200);
  });
});
