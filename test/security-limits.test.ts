import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorBodySchema } from '../src/protocol/index.ts';
import { json, startTestServer, type TestServer } from './support/sluice.ts';

const KEY_A = 'limits-key-tenant-a';
const KEY_B = 'limits-key-tenant-b';
const ALLOWED = 'https://app.example.com';
const OTHER = 'https://evil.example.net';

describe('security: rate limits per key', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({
      api_keys: [
        { key: KEY_A, tenant: 'a' },
        { key: KEY_B, tenant: 'b' },
      ],
      rate_limit: { max: 3, window_ms: 60_000 },
    });
  });
  after(async () => {
    await t.close();
  });

  test('past the limit a key gets 429 rate_limited with Retry-After; another key and /health do not', async () => {
    const a = { authorization: `Bearer ${KEY_A}` };
    for (let i = 0; i < 3; i++) assert.equal((await json(`${t.url}/api/agents`, { headers: a })).status, 200);
    const limited = await json(`${t.url}/api/agents`, { headers: { ...a, 'accept-language': 'fr' } });
    assert.equal(limited.status, 429);
    const { error } = errorBodySchema.parse(limited.body);
    assert.equal(error.code, 'rate_limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(
      Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60,
      `Retry-After ${retryAfter}`,
    );
    assert.match(error.message, new RegExp(`${retryAfter} secondes`), 'the message says how long, in French');

    // Same tenant through X-API-Key: the same budget.
    assert.equal((await json(`${t.url}/api/agents`, { headers: { 'x-api-key': KEY_A } })).status, 429);
    assert.equal(
      (await json(`${t.url}/api/agents`, { headers: { authorization: `Bearer ${KEY_B}` } })).status,
      200,
    );
    for (let i = 0; i < 5; i++) assert.equal((await json(`${t.url}/health`)).status, 200);
  });

  test('an SSE stream counts once, at open', async () => {
    const b = { authorization: `Bearer ${KEY_B}` };
    // B has used 1 of 3 above: one stream, then one JSON call, then the limit.
    const stream = await fetch(`${t.url}/api/agents/assistant/chat/stream`, {
      method: 'POST',
      headers: { ...b, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ message: 'count to three' }),
    });
    assert.equal(stream.status, 200);
    await stream.text();
    assert.equal((await json(`${t.url}/api/agents`, { headers: b })).status, 200);
    assert.equal((await json(`${t.url}/api/agents`, { headers: b })).status, 429);
  });
});

describe('security: CORS from the allowlist', () => {
  let t: TestServer;
  let open: TestServer;
  before(async () => {
    t = await startTestServer({ cors_origins: [ALLOWED] });
    open = await startTestServer({});
  });
  after(async () => {
    await t.close();
    await open.close();
  });

  test('an allowed origin gets CORS headers; another origin gets none', async () => {
    const allowed = await fetch(`${t.url}/api/agents`, { headers: { origin: ALLOWED } });
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers.get('access-control-allow-origin'), ALLOWED);
    assert.match(allowed.headers.get('vary') ?? '', /origin/i);
    await allowed.text();
    const other = await fetch(`${t.url}/api/agents`, { headers: { origin: OTHER } });
    assert.equal(other.status, 200);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    await other.text();
  });

  test('preflight for a streaming POST: allowed origin gets methods and headers; another does not', async () => {
    const preflight = (origin: string) =>
      fetch(`${t.url}/api/agents/assistant/chat/stream`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, authorization, last-event-id',
        },
      });
    const ok = await preflight(ALLOWED);
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), ALLOWED);
    assert.match(ok.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(ok.headers.get('access-control-allow-headers') ?? '', /authorization/);
    await ok.text();
    const refused = await preflight(OTHER);
    assert.equal(refused.headers.get('access-control-allow-origin'), null);
    await refused.text();
  });

  test('SSE responses carry the CORS headers for an allowed origin only', async () => {
    for (const [origin, expected] of [
      [ALLOWED, ALLOWED],
      [OTHER, null],
    ] as const) {
      const response = await fetch(`${t.url}/api/agents/assistant/chat/stream`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ message: 'what is 2+2?' }),
      });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
      assert.equal(response.headers.get('access-control-allow-origin'), expected, origin);
      if (expected)
        assert.match(response.headers.get('access-control-expose-headers') ?? '', /x-sluice-run-id/);
      assert.match(await response.text(), /^data: /m);
    }
  });

  test('with no origins configured there are no CORS headers at all', async () => {
    const response = await fetch(`${open.url}/api/agents`, { headers: { origin: ALLOWED } });
    assert.equal(response.headers.get('access-control-allow-origin'), null);
    await response.text();
  });
});
