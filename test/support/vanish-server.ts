import assert from 'node:assert/strict';
import { request as httpRequest, type ServerResponse } from 'node:http';
import { MemoryEventBus } from '../../src/bus/index.ts';
import type { SluiceExtension } from '../../src/index.ts';
import type { RunStatus } from '../../src/protocol/index.ts';
import type { RunRecord } from '../../src/store/index.ts';
import { startTestServer, type TestServer } from './sluice.ts';

/** Requests carrying this header are held after their body was read, until their client is gone. */
export const HOLD_HEADER = 'x-test-hold-until-gone';
/** Requests carrying this header have their server-side response kept, under the header's value. */
export const TAG_HEADER = 'x-test-tag';

export interface VanishServer extends TestServer {
  bus: MemoryEventBus;
  /** Log lines at level error or above since the server started. */
  errors: string[];
  /** The run started in `sessionId` (seen in its conversation_start), forgotten once taken. */
  takeRun(sessionId: string): string | undefined;
  /** The server-side response of the live request tagged `tag` (TAG_HEADER). */
  response(tag: string): ServerResponse | undefined;
  /** Whether the request tagged `tag` is held (HOLD_HEADER): its body was read, its route not run. */
  holding(tag: string): boolean;
}

/**
 * startTestServer with an extension that lets tests see inside: which run each session started,
 * the raw response of a tagged request (to see a socket back up), and a hold that keeps a request
 * whose body was read from reaching its route until its client has gone (HOLD_HEADER), so "the
 * client left before the response head" is deterministic. Errors the server logs are collected.
 */
export async function startVanishServer(
  overrides: Record<string, unknown> = {},
  extensions: SluiceExtension[] = [],
): Promise<VanishServer> {
  const runs = new Map<string, string>();
  const responses = new Map<string, ServerResponse>();
  const held = new Set<string>();
  const errors: string[] = [];
  const probe: SluiceExtension = {
    name: 'vanish-probe',
    onEvent(event) {
      if (event.event_type === 'conversation_start') runs.set(event.session_id, event.run_id);
    },
    register(app) {
      app.addHook('onRequest', async (request, reply) => {
        const tag = request.headers[TAG_HEADER];
        if (typeof tag !== 'string') return;
        responses.set(tag, reply.raw);
        reply.raw.once('close', () => responses.delete(tag));
      });
      app.addHook('preHandler', async (request) => {
        if (request.headers[HOLD_HEADER] === undefined) return;
        const socket = request.raw.socket;
        const tag = String(request.headers[TAG_HEADER]);
        held.add(tag);
        await new Promise<void>((resolve) => {
          if (socket.destroyed) return resolve();
          const timer = setTimeout(resolve, 10_000);
          socket.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
        });
        held.delete(tag);
      });
    },
  };
  const t = await startTestServer(
    { rate_limit: { max: 1_000_000, window_ms: 60_000 }, ...overrides },
    {
      extensions: [probe, ...extensions],
      logger: { level: 'error', stream: { write: (line: string) => errors.push(line) } },
    },
  );
  // The app's bus wraps the memory bus (observeAppends), and answers for it.
  const bus = t.server.ctx.bus;
  assert.ok(bus instanceof MemoryEventBus, 'these tests need the in-process bus');
  return {
    ...t,
    bus,
    errors,
    takeRun(sessionId) {
      const runId = runs.get(sessionId);
      runs.delete(sessionId);
      return runId;
    },
    response: (tag) => responses.get(tag),
    holding: (tag) => held.has(tag),
  };
}

/** Polls `probe` until it returns a value other than undefined; fails after `timeoutMs`. */
export async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * One request on a connection of its own (no keep-alive pool), so the test's own sockets never
 * count among open handles afterwards.
 */
export function oneShot<T = Record<string, unknown>>(
  url: string,
  init: { method?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: init.method ?? (payload === undefined ? 'GET' : 'POST'),
        agent: false,
        timeout: 10_000,
        headers: payload === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : undefined) as T }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer in 10 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export async function newSession(t: TestServer, body: Record<string, unknown> = {}): Promise<string> {
  const { status, body: session } = await oneShot<{ id: string }>(`${t.url}/api/sessions`, { body });
  assert.equal(status, 201);
  return session.id;
}

const FINAL = new Set<RunStatus>(['completed', 'failed', 'cancelled', 'interrupted']);

/**
 * What must hold after any client vanished: the run (if one started) reaches `status` and is
 * stored so; no stream stays counted open; the heartbeat wheel is empty; the bus holds no
 * subscription for the run; nothing was logged as an error; /health answers 200.
 */
export async function assertRecovered(
  t: VanishServer,
  expected: { runId: string; status: RunStatus } | { sessionId: string; noRun: true },
): Promise<RunRecord | undefined> {
  const { ctx } = t.server;
  let run: RunRecord | undefined;
  if ('runId' in expected) {
    run = await until(async () => {
      const stored = await ctx.store.getRun(expected.runId);
      return stored && FINAL.has(stored.status) ? stored : undefined;
    }, `run ${expected.runId} to reach a final stored status`);
    assert.equal(run.status, expected.status, `run ended ${run.status}, expected ${expected.status}`);
    assert.equal(ctx.runs.isRunning(expected.runId), false);
  }
  await until(
    () => (ctx.streams.open === 0 && ctx.wheel.size === 0 ? true : undefined),
    'open streams and heartbeat handles to drop to 0',
  ).catch((error: Error) => {
    throw new Error(`${error.message}: open ${ctx.streams.open}, wheel ${ctx.wheel.size}`);
  });
  if ('runId' in expected) assert.equal(t.bus.subscriberCount(expected.runId), 0, 'bus subscriptions');
  else {
    assert.equal(t.takeRun(expected.sessionId), undefined, 'no run started');
    assert.equal(await ctx.store.findActiveRun(expected.sessionId), undefined);
    assert.deepEqual(await ctx.store.listMessages(expected.sessionId), []);
  }
  assert.equal(t.bus.subscriberCount(), 0, 'no bus subscription at all');
  assert.deepEqual(t.errors.splice(0), [], 'errors logged');
  const health = await oneShot<{ status: string }>(`${t.url}/health`);
  assert.equal(health.status, 200);
  assert.equal(health.body.status, 'ok');
  return run;
}
