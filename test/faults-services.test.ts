import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { type CanonicalEvent, canonicalEventSchema } from '../src/protocol/index.ts';
import { type CutProxy, proxiedUrl, startCutProxy } from './support/cut-proxy.ts';
import { readRawStream } from './support/raw-sse.ts';
import { type SharedServices, servicesUnavailable, sharedServices } from './support/services.ts';
import { createSession, json, startTestServer, type TestServer } from './support/sluice.ts';

/**
 * PostgreSQL and Redis dropped and restored under a live run, through a loopback TCP proxy in
 * front of each (RST for the cut, connections closed on accept while "down"). Every scenario ends
 * with: a stream that ends cleanly, a stored run status that says what happened, a server that
 * closes, and no timers or sockets left behind.
 */

/** About 290 chunks at 100 tokens/s: a run lasts ~3 s, long enough to cut under it. */
const PACE = 100;
const LONG = 'write a detailed text about rivers';
const SHORT = 'what is 5*5?';
/** The Redis outage bound for the long-outage scenario (redis.max_outage_ms). */
const OUTAGE_BOUND_MS = 2000;
/** Bounds every wait; only a broken implementation gets near it. */
const DEADLINE_MS = 30_000;

const found = await sharedServices();
if ('reason' in found) {
  servicesUnavailable('faults: PostgreSQL and Redis connections dropped and restored mid-run', found.reason);
} else {
  const { services } = found;

  describe('faults: PostgreSQL and Redis dropped and restored mid-run', () => {
    after(() => services.cleanup());

    test('PostgreSQL reset mid-run, back 1 s later: the stream finishes, the run is stored once as completed, the session goes on', async () => {
      await scenario(services, 'postgres', async ({ t, proxy }) => {
        const session = await createSession(t.url);
        let cut = -1;
        let outage: Promise<{ status: number; code: string | undefined }> | undefined;
        const first = await readRun(`${t.url}/api/sessions/${session}/runs`, {
          body: { message: LONG },
          until: (events) => {
            if (cut === -1 && events.length >= 20) {
              proxy.refuse(true);
              // The pool's idle connections die under it: its 'error' events must not crash the process.
              cut = proxy.cut({ reset: true });
              const runId = events[0]?.run_id ?? '';
              outage = (async () => {
                const during = await json<{ error?: { code: string } }>(`${t.url}/api/runs/${runId}`);
                await sleep(1000);
                proxy.refuse(false);
                return { status: during.status, code: during.body.error?.code };
              })();
            }
            return false;
          },
        });
        assert.ok(cut >= 1, `the pool had idle connections to cut (${cut})`);
        assert.deepEqual(await outage, { status: 503, code: 'store_unavailable' }, 'a read while down: 503');
        assertWhole(first.events);
        assert.equal(first.cutoff, undefined);
        const end = lastEnd(first.events);
        assert.equal(end.status, 'completed');

        const runId = first.events[0]?.run_id ?? '';
        const stored = await storedRun(t.url, runId);
        assert.equal(stored.status, 'completed');
        assert.equal(stored.last_seq, first.events.length, 'the store names the log’s last event');
        await assertMessagesOnce(t.url, session, runId);
        // The session is free and the pool reconnects: the next run works end to end.
        const next = await readRun(`${t.url}/api/sessions/${session}/runs`, { body: { message: SHORT } });
        assert.equal(lastEnd(next.events).status, 'completed');
      });
    });

    test('PostgreSQL down while the run saves its result, back 2 s later: the save is retried, the stream ends after it, nothing is stored twice; runs started meanwhile get 503 store_unavailable', async () => {
      await scenario(services, 'postgres', async ({ t, proxy }) => {
        const session = await createSession(t.url);
        const other = await createSession(t.url);
        let down = false;
        let restoredAt = 0;
        let restore: Promise<void> | undefined;
        const refusedStarts: Array<Promise<{ status: number; code: string | undefined }>> = [];
        const first = await readRun(`${t.url}/api/sessions/${session}/runs`, {
          body: { message: LONG },
          until: (events) => {
            if (!down && events.length >= 20) {
              // Down from mid-answer (the agent needs no database) until after the answer ended.
              down = true;
              proxy.refuse(true);
              proxy.cut({ reset: true });
              refusedStarts.push(
                json<{ error?: { code: string } }>(`${t.url}/api/sessions/${other}/runs`, {
                  body: { message: SHORT },
                }).then(({ status, body }) => ({ status, code: body.error?.code })),
              );
            }
            if (down && !restore && events.some((e) => e.event_type === 'assistant_message_end')) {
              restore = sleep(2000).then(() => {
                restoredAt = Date.now();
                proxy.refuse(false);
              });
            }
            return false;
          },
        });
        await restore;
        assert.ok(restoredAt > 0, 'the answer ended while the database was down');
        assert.deepEqual(await Promise.all(refusedStarts), [{ status: 503, code: 'store_unavailable' }]);
        assertWhole(first.events);
        const end = first.events.at(-1);
        assert.equal(lastEnd(first.events).status, 'completed');
        assert.ok(
          Date.parse(end?.timestamp ?? '') >= restoredAt,
          'conversation_end went out once the result was saved, after the database came back',
        );
        assert.equal(
          first.events.filter((e) => e.event_type === 'error').length,
          0,
          'a save that succeeded on retry is no error',
        );

        const runId = first.events[0]?.run_id ?? '';
        const stored = await storedRun(t.url, runId);
        assert.equal(stored.status, 'completed');
        assert.equal(stored.last_seq, first.events.length);
        await assertMessagesOnce(t.url, session, runId);
        const next = await readRun(`${t.url}/api/sessions/${other}/runs`, { body: { message: SHORT } });
        assert.equal(lastEnd(next.events).status, 'completed', 'once back, runs start again');
      });
    });

    test('Redis (bus and leases) reset mid-run, back 1 s later: the client gets every event once, in order, to conversation_end; the run is stored completed', async () => {
      await scenario(services, 'redis', async ({ t, proxy }) => {
        const session = await createSession(t.url);
        let cut = -1;
        let restore: Promise<void> | undefined;
        const first = await readRun(`${t.url}/api/sessions/${session}/runs`, {
          body: { message: LONG },
          until: (events) => {
            if (cut === -1 && events.length >= 20) {
              proxy.refuse(true);
              cut = proxy.cut({ reset: true });
              restore = sleep(1000).then(() => proxy.refuse(false));
            }
            return false;
          },
        });
        await restore;
        assert.ok(cut >= 3, `the bus's writer, reader and subscriber connections were cut (${cut})`);
        const runId = first.events[0]?.run_id ?? '';
        // Either the stream rode the outage out, or it was cut off with a retryable error frame
        // and a resume from its Last-Event-ID brings the rest.
        const events = [...first.events];
        if (first.cutoff) {
          assert.equal(first.cutoff.code, 'bus_unavailable');
          assert.equal(first.cutoff.lastEventId, events.at(-1)?.seq);
          events.push(...(await resumeToEnd(t.url, runId, first.cutoff.lastEventId)));
        }
        assertWhole(events);
        assert.equal(lastEnd(events).status, 'completed');
        const log = await readRun(`${t.url}/api/runs/${runId}/events`);
        assert.deepEqual(events, log.events, 'what the client got is exactly the stored log');
        const stored = await storedRun(t.url, runId);
        assert.equal(stored.status, 'completed');
        assert.equal(stored.last_seq, events.length);
        await assertMessagesOnce(t.url, session, runId);
      });
    });

    test('Redis down longer than redis.max_outage_ms: the stream ends with a bus_unavailable error naming its last event, new runs get 503; once back, a resume brings the rest', async () => {
      await scenario(services, 'redis', async ({ t, proxy }) => {
        const session = await createSession(t.url);
        const other = await createSession(t.url);
        let down = false;
        const first = await readRun(`${t.url}/api/sessions/${session}/runs`, {
          body: { message: LONG },
          until: (events) => {
            if (!down && events.length >= 20) {
              down = true;
              proxy.refuse(true);
              proxy.cut({ reset: true });
            }
            return false;
          },
        });
        // The stream ended (readRun returned) while Redis was still down, and said why.
        const cutoff = first.cutoff;
        assert.ok(
          cutoff,
          `the stream ends with an error frame, not silently (last: ${first.events.at(-1)?.event_type})`,
        );
        assert.equal(cutoff.code, 'bus_unavailable');
        assert.equal(cutoff.retryable, true);
        assert.equal(cutoff.lastEventId, first.events.at(-1)?.seq);
        assert.equal(typeof cutoff.retry, 'number');
        assertWhole(first.events, { ended: false });

        const refused = await json<{ error?: { code: string } }>(`${t.url}/api/sessions/${other}/runs`, {
          body: { message: SHORT },
        });
        assert.equal(refused.status, 503);
        assert.equal(refused.body.error?.code, 'bus_unavailable');
        const runId = first.events[0]?.run_id ?? '';
        const resumedWhileDown = await json<{ error?: { code: string } }>(
          `${t.url}/api/runs/${runId}/events`,
          {
            headers: { 'last-event-id': String(cutoff.lastEventId) },
          },
        );
        assert.equal(resumedWhileDown.status, 503);
        assert.equal(resumedWhileDown.body.error?.code, 'bus_unavailable');
        // The run needs no Redis to finish and be saved: it is not left running.
        await until(async () => (await storedRun(t.url, runId)).status !== 'running', 'the run to end');
        assert.equal((await storedRun(t.url, runId)).status, 'completed');

        proxy.refuse(false);
        const events = [...first.events, ...(await resumeToEnd(t.url, runId, cutoff.lastEventId))];
        assertWhole(events);
        assert.equal(lastEnd(events).status, 'completed');
        assert.equal((await storedRun(t.url, runId)).last_seq, events.length);
      });
    });
  });
}

interface Scene {
  t: TestServer;
  proxy: CutProxy;
}

/**
 * Runs `body` against a Sluice server whose PostgreSQL (or Redis) is behind a cut proxy, then
 * closes the server (bounded) and the proxy, and checks that no timer or socket outlives them.
 */
async function scenario(
  services: SharedServices,
  through: 'postgres' | 'redis',
  body: (scene: Scene) => Promise<void>,
): Promise<void> {
  const before = resourceCounts();
  const proxy = await startCutProxy(through === 'postgres' ? services.databaseUrl : services.redisUrl);
  let t: TestServer | undefined;
  try {
    t = await startTestServer({
      demo_pace: PACE,
      database_url: through === 'postgres' ? proxiedUrl(services.databaseUrl, proxy) : services.databaseUrl,
      database_schema: services.schema,
      ...(through === 'redis'
        ? {
            redis_url: proxiedUrl(services.redisUrl, proxy),
            redis: { prefix: services.prefix, max_outage_ms: OUTAGE_BOUND_MS },
          }
        : {}),
      runs: { shutdown_grace_ms: 1000 },
    });
    await body({ t, proxy });
  } finally {
    proxy.refuse(false);
    if (t) await withDeadline(t.close(), 5000, 'server.close()');
    await proxy.close();
  }
  await untilSettled(before);
}

/** Timers and TCP sockets alive now. */
function resourceCounts(): { Timeout: number; TCPSocketWrap: number } {
  const counts = { Timeout: 0, TCPSocketWrap: 0 };
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind === 'Timeout' || kind === 'TCPSocketWrap') counts[kind]++;
  }
  return counts;
}

/**
 * Waits (bounded) until there are no more timers and sockets than before the scenario. Some
 * outlive their work by design for a few seconds (ioredis keeps a command's timeout timer until
 * it would fire); a leak stays.
 */
async function untilSettled(before: { Timeout: number; TCPSocketWrap: number }): Promise<void> {
  const deadline = Date.now() + 8000;
  for (;;) {
    const now = resourceCounts();
    if (now.Timeout <= before.Timeout && now.TCPSocketWrap <= before.TCPSocketWrap) return;
    if (Date.now() > deadline) {
      assert.fail(
        `resources left after the scenario: ${JSON.stringify(now)}, before: ${JSON.stringify(before)}`,
      );
    }
    await sleep(100);
  }
}

/** A connection-level error frame (no id, not in the log), as slow_consumer and shutting_down. */
interface Cutoff {
  code: string;
  retryable: boolean;
  lastEventId: number;
  retry: number | undefined;
}

interface RunRead {
  status: number;
  events: CanonicalEvent[];
  cutoff: Cutoff | undefined;
}

/** Reads a native stream to its end: the run's events (validated), and a cut-off frame if one came. */
async function readRun(
  url: string,
  options: {
    body?: unknown;
    headers?: Record<string, string>;
    until?: (events: CanonicalEvent[]) => boolean;
  } = {},
): Promise<RunRead> {
  const events: CanonicalEvent[] = [];
  let cutoff: Cutoff | undefined;
  let seen = 0;
  const absorb = (messages: Array<{ id: string | undefined; data: string; retry?: number }>) => {
    for (; seen < messages.length; seen++) {
      const message = messages[seen];
      if (!message?.data) continue;
      if (message.id !== undefined) {
        events.push(canonicalEventSchema.parse(JSON.parse(message.data)));
        continue;
      }
      const frame = JSON.parse(message.data) as {
        data: { code: string; retryable: boolean; error_details: { last_event_id: number } };
      };
      cutoff = {
        code: frame.data.code,
        retryable: frame.data.retryable,
        lastEventId: frame.data.error_details.last_event_id,
        retry: message.retry,
      };
    }
  };
  const { until, ...rest } = options;
  const raw = await withDeadline(
    readRawStream(url, {
      ...rest,
      until: (messages) => {
        absorb(messages);
        return until?.(events) ?? false;
      },
    }),
    DEADLINE_MS,
    `the stream ${url} to end`,
  );
  absorb(raw.messages);
  return { status: raw.status, events, cutoff };
}

/**
 * Resumes after `lastEventId` as a client would while the bus comes back: a 503 or a stream cut
 * off again is retried after the last event received, until conversation_end.
 */
async function resumeToEnd(url: string, runId: string, lastEventId: number): Promise<CanonicalEvent[]> {
  const events: CanonicalEvent[] = [];
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const after = events.at(-1)?.seq ?? lastEventId;
    const read = await readRun(`${url}/api/runs/${runId}/events`, {
      headers: { 'last-event-id': String(after) },
    });
    events.push(...read.events);
    if (events.at(-1)?.event_type === 'conversation_end') return events;
    if (Date.now() > deadline)
      throw new Error(`resume never reached conversation_end (last: ${read.status})`);
    await sleep(250);
  }
}

/** One conversation_start first, seq 1..n contiguous, and (unless `ended: false`) conversation_end last. */
function assertWhole(events: CanonicalEvent[], { ended = true } = {}): void {
  assert.deepEqual(
    events.map((e) => e.seq),
    events.map((_, i) => i + 1),
    'each seq once, in order, from 1',
  );
  assert.equal(events[0]?.event_type, 'conversation_start');
  const ends = events.filter((e) => e.event_type === 'conversation_end').length;
  assert.equal(ends, ended ? 1 : 0);
  if (ended) assert.equal(events.at(-1)?.event_type, 'conversation_end');
}

function lastEnd(events: CanonicalEvent[]): { status: string } {
  const end = events.at(-1);
  assert.equal(end?.event_type, 'conversation_end');
  return { status: end.event_type === 'conversation_end' ? end.data.status : '' };
}

async function storedRun(url: string, runId: string) {
  const { status, body } = await json<{ status: string; last_seq: number; error_code: string | null }>(
    `${url}/api/runs/${runId}`,
  );
  assert.equal(status, 200);
  return body;
}

/** The run's user and assistant messages are in the session exactly once each. */
async function assertMessagesOnce(url: string, sessionId: string, runId: string): Promise<void> {
  const { body } = await json<{
    messages: Array<{ id: string; run_id: string; role: string; position: number }>;
  }>(`${url}/api/sessions/${sessionId}`);
  const mine = body.messages.filter((m) => m.run_id === runId);
  assert.deepEqual(
    mine.map((m) => m.role),
    ['user', 'assistant'],
  );
  assert.equal(new Set(body.messages.map((m) => m.id)).size, body.messages.length, 'no message twice');
  assert.deepEqual(
    body.messages.map((m) => m.position),
    body.messages.map((_, i) => i + 1),
  );
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
