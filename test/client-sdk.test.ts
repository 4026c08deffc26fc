import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ApiError,
  AuthenticationError,
  ConflictError,
  ConnectionError,
  GoneError,
  NotFoundError,
  RunFailedError,
  SluiceClient,
  SluiceClientError,
  type SluiceClientOptions,
  StreamInterruptedError,
  ValidationError,
} from '../src/client/index.ts';
import type { CanonicalEvent } from '../src/protocol/index.ts';
import { type CutProxy, startCutProxy } from './support/cut-proxy.ts';
import { startTestServer, type TestServer } from './support/sluice.ts';
import { readStream } from './support/sse.ts';

const LONG = 'write a long detailed text about lighthouses';
const UNKNOWN = '0193a000-0000-7000-8000-000000000000';
/** Resumes come fast in tests; the server's `retry: 3000` is capped by maxDelayMs. */
const FAST: SluiceClientOptions['retry'] = { initialDelayMs: 1, maxDelayMs: 20, maxAttempts: 10 };

function seqsFrom1(events: CanonicalEvent[]): number[] {
  return events.map((_, i) => i + 1);
}

describe('client SDK against a real server', () => {
  let t: TestServer;
  let proxy: CutProxy;
  before(async () => {
    // A real pace, so runs are still live while connections are cut under them.
    t = await startTestServer({ demo_pace: 400 });
    proxy = await startCutProxy(t.url);
  });
  after(async () => {
    await proxy.close();
    await t.close();
  });

  async function fullLog(runId: string): Promise<CanonicalEvent[]> {
    return (await readStream(`${t.url}/api/runs/${runId}/events`)).events;
  }

  test('acceptance 3: connections killed mid-run, the iterator still yields every event exactly once, in order', async () => {
    const client = new SluiceClient({ baseUrl: proxy.url, retry: FAST });
    const session = await client.createSession();
    const stream = await client.startRun(session.id, { message: LONG });
    assert.equal(stream.sessionId, session.id);
    const acceptedBefore = proxy.accepted;
    // Cut after these counts of events, alternating FIN and RST; 30 and 31 cut a fresh resume.
    const cutAfter = new Set([3, 12, 30, 31, 80, 150]);
    const events: CanonicalEvent[] = [];
    let cuts = 0;
    // A cut right after another may find the client not yet reconnected: only cuts that closed a
    // connection count as interruptions the SDK had to recover from.
    let effective = 0;
    for await (const event of stream) {
      events.push(event);
      if (cutAfter.has(events.length)) {
        if (proxy.cut({ reset: cuts % 2 === 1 }) > 0) effective++;
        cuts++;
      }
    }
    assert.equal(cuts, cutAfter.size, 'every cut happened before the run ended');
    assert.ok(effective >= 4, `at least 4 cuts closed a live connection (${effective})`);
    assert.ok(proxy.accepted - acceptedBefore >= effective, 'each effective cut was followed by a resume');
    assert.deepEqual(
      events.map((e) => e.seq),
      seqsFrom1(events),
    );
    assert.equal(events.at(-1)?.event_type, 'conversation_end');
    assert.deepEqual(events, await fullLog(stream.runId));
    assert.equal(stream.lastEventId, events.length);
    const result = await stream.result();
    assert.equal(result.status, 'completed');
    assert.equal(result.events.length, events.length);
  });

  test('text() returns the answer: the last assistant message', async () => {
    const client = new SluiceClient({ baseUrl: t.url });
    const session = await client.createSession();
    const stream = await client.startRun(session.id, { message: 'what is 6*7?' });
    const text = await stream.text();
    const log = await fullLog(stream.runId);
    const ends = log.filter((e) => e.event_type === 'assistant_message_end');
    assert.ok(ends.length >= 2, 'a tool step, then the answer');
    const last = ends.at(-1);
    assert.equal(text, last?.event_type === 'assistant_message_end' ? last.data.complete_message : undefined);
    assert.match(text, /42/);
  });

  test('joinRun: a second client joins a live run after event k and gets k+1..n', async () => {
    const client = new SluiceClient({ baseUrl: t.url });
    const session = await client.createSession();
    const first = await client.startRun(session.id, { message: LONG });
    const seen: CanonicalEvent[] = [];
    for await (const event of first) {
      seen.push(event);
      if (seen.length === 5) break;
    }
    assert.equal(first.lastEventId, 5);
    const joined = await client.joinRun(first.runId, { after: first.lastEventId });
    assert.equal(joined.sessionId, session.id);
    const rest = (await joined.result()).events;
    assert.equal(rest[0]?.seq, 6);
    assert.deepEqual([...seen, ...rest], await fullLog(first.runId));
  });

  test('cancel through the SDK: the stream ends with conversation_end, status cancelled', async () => {
    const client = new SluiceClient({ baseUrl: t.url });
    const session = await client.createSession();
    const stream = await client.startRun(session.id, { message: LONG });
    const events: CanonicalEvent[] = [];
    for await (const event of stream) {
      events.push(event);
      if (events.length === 10) {
        const answer = await stream.cancel();
        assert.equal(answer.cancel_requested, true);
      }
    }
    const end = events.at(-1);
    assert.equal(end?.event_type, 'conversation_end');
    assert.equal(end?.event_type === 'conversation_end' ? end.data.status : undefined, 'cancelled');
    assert.equal((await client.getRun(stream.runId)).status, 'cancelled');

    const second = await client.startRun(session.id, { message: LONG });
    const outcome = second.text().then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await client.cancelRun(second.runId);
    const error = await outcome;
    assert.ok(error instanceof RunFailedError, 'text() of a cancelled run throws');
    assert.equal(error.result.status, 'cancelled');
  });

  test('close() ends the iterator quietly and the run goes on', async () => {
    const client = new SluiceClient({ baseUrl: t.url });
    const session = await client.createSession();
    const stream = await client.startRun(session.id, { message: LONG });
    let count = 0;
    for await (const _event of stream) {
      count++;
      if (count === 3) stream.close();
    }
    assert.equal(count, 3);
    assert.equal((await client.getRun(stream.runId)).status, 'running');
    await client.cancelRun(stream.runId);
  });

  test('HTTP errors map to the classes of the hierarchy', async () => {
    const client = new SluiceClient({ baseUrl: t.url });
    const check = async (promise: Promise<unknown>, type: typeof ApiError, status: number, code: string) => {
      const error = await promise.then(
        () => assert.fail(`expected ${type.name}`),
        (e: unknown) => e,
      );
      assert.ok(error instanceof type, `${String(error)} is a ${type.name}`);
      assert.ok(error instanceof ApiError && error instanceof SluiceClientError);
      assert.equal(error.status, status);
      assert.equal(error.code, code);
      assert.ok(error.serverMessage.length > 0);
    };
    await check(client.createSession({ language: 'xx' }), ValidationError, 400, 'unsupported_language');
    await check(client.createSession({ agent_id: 'nobody' }), NotFoundError, 404, 'agent_not_found');
    await check(client.getSession(UNKNOWN), NotFoundError, 404, 'session_not_found');
    await check(client.getRun(UNKNOWN), NotFoundError, 404, 'run_not_found');
    await check(client.joinRun(UNKNOWN), NotFoundError, 404, 'run_not_found');
    await check(client.startRun(UNKNOWN, { message: 'hi' }), NotFoundError, 404, 'session_not_found');
    const session = await client.createSession();
    await check(
      client.updateSession(session.id, {} as { title: string }),
      ValidationError,
      400,
      'validation_failed',
    );
    const busy = await client.startRun(session.id, { message: LONG });
    await check(client.startRun(session.id, { message: 'again' }), ConflictError, 409, 'session_busy');
    await busy.cancel();
    await busy.result();

    const closed = await startCutProxy(t.url);
    await closed.close();
    const offline = new SluiceClient({ baseUrl: closed.url });
    const error = await offline.listAgents().then(
      () => assert.fail('expected ConnectionError'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ConnectionError);
    assert.ok(error.cause instanceof Error);
  });

  test('session and agent calls return the documented shapes', async () => {
    const client = new SluiceClient({ baseUrl: t.url, headers: { 'accept-language': 'fr' } });
    const session = await client.createSession({ title: 'first' });
    assert.equal(session.language, 'fr');
    const renamed = await client.renameSession(session.id, 'second');
    assert.equal(renamed.title, 'second');
    await (await client.startRun(session.id, { message: 'bonjour' })).result();
    const detail = await client.getSession(session.id);
    assert.equal(detail.active_run_id, null);
    assert.deepEqual(
      detail.messages.map((m) => m.role),
      ['user', 'assistant'],
    );
    const page = await client.listSessions({ limit: 1 });
    assert.equal(page.items.length, 1);
    assert.equal(typeof page.next_cursor, 'string');
    const agents = await client.listAgents();
    assert.ok(agents.some((a) => a.id === 'assistant'));
    assert.equal((await client.getAgent('assistant')).id, 'assistant');
    await client.deleteSession(session.id);
    await assert.rejects(client.getSession(session.id), NotFoundError);
  });

  test('resume attempts are bounded: after maxAttempts the iterator throws StreamInterruptedError', async () => {
    const local = await startCutProxy(t.url);
    let requests = 0;
    const client = new SluiceClient({
      baseUrl: local.url,
      retry: { initialDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 },
      fetch: (input, init) => {
        requests++;
        return fetch(input, init);
      },
    });
    const session = await new SluiceClient({ baseUrl: t.url }).createSession();
    const stream = await client.startRun(session.id, { message: LONG });
    const events: CanonicalEvent[] = [];
    const error = await (async () => {
      for await (const event of stream) {
        events.push(event);
        if (events.length === 4) {
          local.refuse(true);
          local.cut();
        }
      }
    })().then(
      () => assert.fail('expected StreamInterruptedError'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof StreamInterruptedError);
    assert.equal(error.attempts, 3);
    assert.equal(error.runId, stream.runId);
    assert.equal(error.lastEventId, events.length);
    assert.ok(error.cause instanceof ConnectionError);
    assert.equal(requests, 1 + 3, 'the POST, then three resume attempts');
    assert.deepEqual(events, (await fullLog(stream.runId)).slice(0, events.length));
    await local.close();
    await new SluiceClient({ baseUrl: t.url }).cancelRun(stream.runId);
  });

  test('a connection gone silent is resumed after idleTimeoutMs', async () => {
    const local = await startCutProxy(t.url);
    const client = new SluiceClient({ baseUrl: local.url, retry: FAST, idleTimeoutMs: 1500 });
    const session = await client.createSession();
    const stream = await client.startRun(session.id, { message: LONG });
    const events: CanonicalEvent[] = [];
    for await (const event of stream) {
      events.push(event);
      if (events.length === 8) local.freeze();
    }
    assert.deepEqual(events, await fullLog(stream.runId));
    assert.ok(local.accepted >= 2);
    await local.close();
  });
});

describe('client SDK: API keys and expired logs', () => {
  let t: TestServer;
  const key = 'sdk-test-key-1';
  before(async () => {
    t = await startTestServer({
      demo_pace: 400,
      api_keys: [{ key, tenant: 'sdk' }],
      runs: { retention_ms: 1000 },
    });
  });
  after(async () => {
    await t.close();
  });

  test('a missing or wrong key is an AuthenticationError; the right one works', async () => {
    for (const apiKey of [undefined, 'not-the-key']) {
      const client = new SluiceClient({ baseUrl: t.url, ...(apiKey ? { apiKey } : {}) });
      const error = await client.listSessions().then(
        () => assert.fail('expected AuthenticationError'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof AuthenticationError);
      assert.equal(error.code, 'unauthorized');
    }
    const page = await new SluiceClient({ baseUrl: t.url, apiKey: key }).listSessions();
    assert.deepEqual(page.items, []);
  });

  test('a resume that finds the log expired ends the iterator with GoneError', async () => {
    const proxy = await startCutProxy(t.url);
    const client = new SluiceClient({
      baseUrl: proxy.url,
      apiKey: key,
      retry: { initialDelayMs: 20, maxDelayMs: 50, maxAttempts: 1000 },
    });
    const direct = new SluiceClient({ baseUrl: t.url, apiKey: key });
    const session = await client.createSession();
    const stream = await client.startRun(session.id, { message: LONG });
    const events: CanonicalEvent[] = [];
    const outcome = (async () => {
      for await (const event of stream) {
        events.push(event);
        if (events.length === 1) {
          proxy.refuse(true);
          proxy.cut();
        }
      }
    })();
    // While the client cannot get through, the run ends and its log expires.
    for (let i = 0; ; i++) {
      const expired = await direct.joinRun(stream.runId).then(
        (joined) => {
          joined.close();
          return false;
        },
        (e: unknown) => e instanceof GoneError,
      );
      if (expired) break;
      assert.ok(i < 200, 'the log expires within retention');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    proxy.refuse(false);
    const error = await outcome.then(
      () => assert.fail('expected GoneError'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof GoneError, String(error));
    assert.equal(error.code, 'run_log_expired');
    const run = await direct.getRun(stream.runId);
    assert.equal(run.status, 'completed');
    assert.ok(events.length < run.last_seq, 'the stream was cut mid-run');
    await proxy.close();
  });
});
