import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MemoryEventBus } from '../src/bus/index.ts';
import { configSchema } from '../src/config/index.ts';
import { createServer, type SluiceServer } from '../src/http/index.ts';
import { openStore } from '../src/store/index.ts';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream.ts';
import { createSession, json } from './support/sluice.ts';
import { readStream } from './support/sse.ts';

/**
 * Secrets stay out of logs and public answers: API keys (in headers and in the query string),
 * the OpenAI key, database and Redis passwords, and what users write.
 */

const API_KEY = 'sk-sluice-tenant-key-7f3a9c';
const OPENAI_KEY = 'sk-openai-upstream-key-b81e44';
const DB_PASSWORD = 'pg-password-5d2c77';
const REDIS_PASSWORD = 'redis-password-e90a13';
const MESSAGE = 'my-private-message-text-4c1f';
const SECRETS = [API_KEY, OPENAI_KEY, DB_PASSWORD, REDIS_PASSWORD];

interface Captured {
  lines: string[];
}

async function start(
  captured: Captured,
  upstream: FakeUpstream,
): Promise<{ server: SluiceServer; url: string }> {
  const config = configSchema.parse({
    host: '127.0.0.1',
    port: 0,
    data_dir: 'memory://',
    demo_pace: 0,
    mode: 'prod',
    log_level: 'info',
    api_keys: [{ key: API_KEY, tenant: 'acme' }],
    // Configured but not dialed: the test hands the server its own store and bus.
    database_url: `postgres://sluice:${DB_PASSWORD}@127.0.0.1:1/sluice`,
    redis_url: `redis://:${REDIS_PASSWORD}@127.0.0.1:1/0`,
    openai: { api_key: OPENAI_KEY, base_url: upstream.url, max_retries: 0 },
    agents: [
      { id: 'upstream', name: 'Upstream', system_prompt: 'You answer.', model: { provider: 'openai' } },
    ],
  });
  const server = await createServer(config, {
    store: await openStore({ dataDir: 'memory://' }),
    bus: new MemoryEventBus(),
    logger: { level: 'info', stream: { write: (line: string) => captured.lines.push(line) } },
  });
  return { server, url: await server.listen() };
}

describe('security: secrets', () => {
  const captured: Captured = { lines: [] };
  let upstream: FakeUpstream;
  let server: SluiceServer;
  let url: string;
  const auth = { authorization: `Bearer ${API_KEY}` };

  before(async () => {
    upstream = await startFakeUpstream();
    ({ server, url } = await start(captured, upstream));
  });
  after(async () => {
    await server.close();
    await server.ctx.store.close();
    await server.ctx.bus.close();
    await upstream.close();
  });

  test('no key, token or message text in any log line at info level', async () => {
    const session = await createSession(url, {}).catch(() => undefined);
    assert.equal(session, undefined, 'without a key the session is refused');
    const demo = await json<{ id: string }>(`${url}/api/sessions`, { body: {}, headers: auth });
    assert.equal(demo.status, 201);
    const ok = await readStream(`${url}/api/sessions/${demo.body.id}/runs`, {
      body: { message: MESSAGE },
      headers: auth,
    });
    assert.ok(ok.events.some((e) => e.event_type === 'conversation_end'));

    // A run against an upstream that fails: its error is logged, the key it used is not.
    upstream.enqueue({ kind: 'http-error', status: 500, message: `upstream broke on ${MESSAGE}` });
    const failing = await json<{ id: string }>(`${url}/api/sessions`, {
      body: { agent_id: 'upstream' },
      headers: { 'x-api-key': API_KEY },
    });
    const failed = await readStream(`${url}/api/sessions/${failing.body.id}/runs`, {
      body: { message: MESSAGE },
      headers: { 'x-api-key': API_KEY },
    });
    assert.ok(
      failed.events.some((e) => e.event_type === 'error'),
      'the upstream failure reached the client',
    );
    assert.equal(
      upstream.requests[0]?.headers.authorization,
      `Bearer ${OPENAI_KEY}`,
      'the key was sent upstream',
    );

    // Keys in the query string (EventSource clients), right and wrong ones.
    for (const query of [`token=${API_KEY}`, `access_token=${API_KEY}`, `token=${API_KEY}x`]) {
      const response = await fetch(`${url}/api/agents/assistant/chat/stream?message=${MESSAGE}&${query}`);
      await response.text();
    }
    const extract = await fetch(`${url}/v1/extract?document_path=none.txt&user_id=u&api_key=${API_KEY}`);
    await extract.text();
    await server.ctx.runs.drain(5_000);

    const records = captured.lines.map((line) => JSON.parse(line) as { level: number; msg?: string });
    assert.ok(
      records.some((r) => r.msg === 'incoming request'),
      'requests are logged at info level',
    );
    assert.ok(records.length > 10, `${records.length} log records`);
    for (const line of captured.lines) {
      const { level } = JSON.parse(line) as { level: number };
      if (level < 30) continue;
      for (const secret of [...SECRETS, MESSAGE]) {
        assert.ok(!line.includes(secret), `a log line holds ${secret}: ${line.slice(0, 400)}`);
      }
    }
  });

  test('/api/status, /health, /stats, /metrics, /docs/openapi.json and the console show no secrets', async () => {
    for (const path of ['/api/status', '/health', '/stats', '/metrics', '/docs/openapi.json', '/']) {
      const response = await fetch(`${url}${path}`, { headers: { ...auth, accept: 'application/json' } });
      const text = await response.text();
      assert.ok(response.status < 500 || path === '/health', `${path}: ${response.status}`);
      for (const secret of SECRETS) assert.ok(!text.includes(secret), `${path} shows ${secret}`);
    }
  });
});
