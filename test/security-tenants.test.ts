import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { API_AREAS, type ApiOperation, registeredRoutes } from '../src/http/openapi/index.ts';
import { errorBodySchema } from '../src/protocol/index.ts';
import { json, startTestServer, type TestServer } from './support/sluice.ts';

/**
 * Tenants: every route that is not public answers 401 `unauthorized` without a key and with a
 * wrong one, and what tenant A created (sessions, runs, AI SDK chats, agent-chat sessions, MCP
 * sessions) is to tenant B exactly what an id that never existed is: never 200, never A's data.
 */

const KEY_A = 'tenant-a-secret-key';
const KEY_B = 'tenant-b-secret-key';
const WRONG = 'not-a-configured-key';
const UNKNOWN_UUID = '0193a000-0000-7000-8000-000000000000';

/** Routes anyone may call, and why. Every other registered route needs a key. */
const PUBLIC: Record<string, string> = {
  'GET /health': 'load balancers and orchestrators probe it; it names only store/bus/LLM kinds',
  'GET /api/status': 'version, uptime and counts for the console; no secrets (security-secrets test)',
  'GET /': 'the console page: static HTML, the key is typed into it',
  'GET /test': 'the console page under its other name',
  'GET /assets/:file': "the console's static script and styles",
  'GET /metrics': 'Prometheus scrapes it; set metrics_token to require a bearer token',
  'GET /docs/*': 'Swagger UI and the OpenAPI document: public API description, no secrets',
};

function isPublic(method: string, url: string): boolean {
  return `${method} ${url}` in PUBLIC || url.startsWith('/docs');
}

const OPERATIONS = API_AREAS.flatMap((area) => area.operations);

interface Owned {
  sessionId: string;
  runId: string;
  chatId: string;
  planSessionId: string;
  mcpSessionId: string;
}

function pathOf(operation: ApiOperation, owned: Owned): string {
  return operation.path.replace(/:(\w+)/g, (_whole, name: string) => {
    if (operation.path.startsWith('/api/sessions/:id/status')) return owned.planSessionId;
    if (operation.path.startsWith('/api/sessions/:id')) return owned.sessionId;
    if (operation.path.startsWith('/api/runs/:id')) return owned.runId;
    if (operation.path.startsWith('/api/ai-sdk/chat/:id')) return owned.chatId;
    if (name === 'agent_id' || name === 'model' || name === 'id') return 'assistant';
    throw new Error(`no value for :${name} in ${operation.path}: add one to pathOf`);
  });
}

function headersFor(key: string, style: 'bearer' | 'x-api-key' = 'bearer'): Record<string, string> {
  return style === 'bearer' ? { authorization: `Bearer ${key}` } : { 'x-api-key': key };
}

async function call(
  base: string,
  operation: ApiOperation,
  owned: Owned,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  const example = operation.examples?.[0] ?? {};
  const query = new URLSearchParams(example.query ?? {}).toString();
  const body = example.body === undefined ? undefined : JSON.stringify(example.body);
  const response = await fetch(`${base}${pathOf(operation, owned)}${query ? `?${query}` : ''}`, {
    method: operation.method,
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...example.headers,
      ...(operation.path === '/mcp' && operation.method !== 'POST'
        ? { 'mcp-session-id': owned.mcpSessionId }
        : {}),
      ...headers,
    },
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, text: await response.text() };
}

describe('security: keys and tenants', () => {
  let t: TestServer;
  let owned: Owned;
  const a = headersFor(KEY_A);
  const b = headersFor(KEY_B);

  before(async () => {
    t = await startTestServer({
      api_keys: [
        { key: KEY_A, tenant: 'tenant-a' },
        { key: KEY_B, tenant: 'tenant-b' },
      ],
    });
    owned = await createOwnedByA(t.url);
  });
  after(async () => {
    await t.close();
  });

  async function createOwnedByA(url: string): Promise<Owned> {
    const session = await json<{ id: string }>(`${url}/api/sessions`, {
      body: { title: 'A private title' },
      headers: a,
    });
    assert.equal(session.status, 201);
    const run = await json<{ id: string }>(`${url}/api/sessions/${session.body.id}/runs`, {
      body: { message: 'what is 2+2?' },
      headers: a,
    });
    assert.equal(run.status, 202, JSON.stringify(run.body));
    await t.server.ctx.runs.settled(run.body.id);

    const chatId = 'tenant-a-chat';
    const chat = await fetch(`${url}/api/ai-sdk/chat`, {
      method: 'POST',
      headers: { ...a, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: chatId,
        trigger: 'submit-message',
        messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'what is 2+2?' }] }],
      }),
    });
    assert.equal(chat.status, 200);
    await chat.text();

    const planSessionId = 'tenant-a-plan';
    const plan = await fetch(`${url}/api/chat/agent`, {
      method: 'POST',
      headers: { ...a, 'content-type': 'application/json' },
      body: JSON.stringify({
        session_id: planSessionId,
        dialogue_history: [{ role: 'user', content: 'what is 2+2?' }],
      }),
    });
    assert.equal(plan.status, 200);
    await plan.text();

    const mcp = await fetch(`${url}/mcp`, {
      method: 'POST',
      headers: { ...a, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'security-test', version: '1' },
        },
      }),
    });
    assert.equal(mcp.status, 200);
    await mcp.text();
    const mcpSessionId = mcp.headers.get('mcp-session-id');
    assert.ok(mcpSessionId, 'the MCP session has an id');
    return { sessionId: session.body.id, runId: run.body.id, chatId, planSessionId, mcpSessionId };
  }

  test('every registered route is either listed public (with a reason) or described and tested here', () => {
    const described = new Set(OPERATIONS.map((operation) => `${operation.method} ${operation.path}`));
    const routes = registeredRoutes(t.server.app).filter(
      (route) => route.method !== 'HEAD' && route.method !== 'OPTIONS',
    );
    assert.ok(routes.length > 20, 'routes are recorded');
    for (const route of routes) {
      const name = `${route.method} ${route.url}`;
      assert.ok(
        isPublic(route.method, route.url) || described.has(name),
        `${name} is neither public nor tested`,
      );
    }
    for (const operation of OPERATIONS) {
      const name = `${operation.method} ${operation.path}`;
      assert.equal(operation.auth === false, isPublic(operation.method, operation.path), name);
    }
  });

  test('without a key, with a wrong key (bearer and X-API-Key): 401 unauthorized on every non-public route', async () => {
    const presented: [string, Record<string, string>][] = [
      ['no key', {}],
      ['wrong bearer key', headersFor(WRONG)],
      ['wrong X-API-Key', headersFor(WRONG, 'x-api-key')],
      ['a prefix of a real key', headersFor(KEY_A.slice(0, -1))],
      ['malformed Authorization', { authorization: KEY_A }],
    ];
    for (const operation of OPERATIONS) {
      if (operation.auth === false) continue;
      for (const [label, headers] of presented) {
        const answer = await call(t.url, operation, owned, headers);
        const where = `${operation.method} ${operation.path} (${label})`;
        assert.equal(answer.status, 401, `${where}: ${answer.text.slice(0, 200)}`);
        // Dialects with their own error shape (OpenAI, MCP's JSON-RPC) still carry the code.
        if (operation.errorBody) assert.match(answer.text, /unauthorized/, where);
        else assert.equal(errorBodySchema.parse(JSON.parse(answer.text)).error.code, 'unauthorized', where);
        assert.ok(!answer.text.includes(owned.sessionId), where);
      }
    }
  });

  test('a key in the query string is checked like one in the headers', async () => {
    const path = `/api/agents/assistant/chat/stream?message=hi`;
    const wrong = await fetch(`${t.url}${path}&token=${WRONG}`);
    assert.equal(wrong.status, 401);
    await wrong.text();
    const extract = await fetch(`${t.url}/v1/extract?document_path=x.txt&user_id=u1&api_key=${WRONG}`);
    assert.equal(extract.status, 401);
    await extract.text();
  });

  test("tenant B gets exactly what an unknown id gets for everything tenant A owns, and none of A's data", async () => {
    const unknown: Owned = {
      sessionId: UNKNOWN_UUID,
      runId: UNKNOWN_UUID,
      chatId: 'never-existed-chat',
      planSessionId: 'never-existed-plan',
      mcpSessionId: 'never-existed-mcp',
    };
    const secrets = [owned.sessionId, owned.runId, 'A private title', 'tenant-a'];
    let checked = 0;
    for (const operation of OPERATIONS) {
      if (operation.auth === false) continue;
      const owns =
        (operation.path.includes(':id') && !operation.path.startsWith('/api/agents/')) ||
        operation.path === '/mcp';
      if (!owns || (operation.path === '/mcp' && operation.method === 'POST')) continue;
      // Tenant B first: a destructive call must not have touched A's resource for A's check after.
      const asB = await call(t.url, operation, owned, b);
      const asBUnknown = await call(t.url, operation, unknown, b);
      const where = `${operation.method} ${operation.path}`;
      assert.notEqual(asB.status, 200, `${where}: ${asB.text.slice(0, 200)}`);
      assert.notEqual(asB.status, 201, where);
      assert.equal(asB.status, asBUnknown.status, `${where}: as for an unknown id`);
      // An error may echo the id B sent; anything else of A's must not appear.
      const sent = pathOf(operation, owned);
      for (const secret of secrets.filter((value) => !sent.includes(value)))
        assert.ok(!asB.text.includes(secret), `${where} shows ${secret}`);
      checked++;
    }
    assert.ok(checked >= 10, `checked ${checked} operations`);

    // A's things are all still there for A.
    assert.equal((await json(`${t.url}/api/sessions/${owned.sessionId}`, { headers: a })).status, 200);
    assert.equal((await json(`${t.url}/api/runs/${owned.runId}`, { headers: a })).status, 200);
    const stream = await fetch(`${t.url}/api/ai-sdk/chat/${owned.chatId}/stream`, { headers: a });
    assert.notEqual(stream.status, 404);
    await stream.text();
  });

  test("lists and stats of tenant B show nothing of tenant A's", async () => {
    const list = await json<{ items: { id: string }[] }>(`${t.url}/api/sessions`, { headers: b });
    assert.equal(list.status, 200);
    assert.ok(!list.body.items.some((s) => s.id === owned.sessionId));
    const listA = await json<{ items: { id: string }[] }>(`${t.url}/api/sessions`, { headers: a });
    assert.ok(
      listA.body.items.some((s) => s.id === owned.sessionId),
      'A sees its own session',
    );

    const statsB = await json<Record<string, unknown>>(`${t.url}/stats`, { headers: b });
    const statsA = await json<Record<string, unknown>>(`${t.url}/stats`, { headers: a });
    assert.equal(statsB.status, 200);
    assert.notDeepEqual(statsB.body, statsA.body, "B's stats are not A's");
    // B resetting its stats leaves A's alone.
    assert.equal((await json(`${t.url}/reset-stats`, { method: 'POST', headers: b })).status, 200);
    assert.deepEqual((await json(`${t.url}/stats`, { headers: a })).body, statsA.body);
  });

  test("B continuing A's AI SDK chat or agent-chat session by id starts B's own, without A's history", async () => {
    const chat = await fetch(`${t.url}/api/ai-sdk/chat`, {
      method: 'POST',
      headers: { ...b, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: owned.chatId,
        trigger: 'submit-message',
        messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'hello' }] }],
      }),
    });
    const text = await chat.text();
    assert.ok(!text.includes(owned.sessionId));
    const mine = await json<{ items: { id: string; metadata?: unknown }[] }>(`${t.url}/api/sessions`, {
      headers: b,
    });
    assert.ok(!mine.body.items.some((s) => s.id === owned.sessionId));
  });
});
