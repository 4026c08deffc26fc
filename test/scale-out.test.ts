import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CanonicalEvent } from '../src/protocol/index.ts';
import { type FollowedRun, followRun } from './support/resuming-reader.ts';
import { servicesUnavailable, sharedServices } from './support/services.ts';
import { createSession, json } from './support/sluice.ts';
import { type SluiceProcess, startSluiceProcess } from './support/sluice-process.ts';
import { readStream } from './support/sse.ts';

/** ~280 chunks: about 5 s at the pace below, so a run is live while the test acts on it. */
const LONG = 'write a long detailed text about lighthouses';
const SHORT = 'what is 5*5?';
const LEASE_TTL_MS = 2000;
/** Bounds every wait on the processes; only a broken implementation gets near it. */
const DEADLINE_MS = 30_000;

const found = await sharedServices();
if ('reason' in found) {
  servicesUnavailable('scale-out tests across two Sluice processes', found.reason);
} else {
  const { services } = found;
  const dir = mkdtempSync(join(tmpdir(), 'sluice-scale-'));
  const configFile = join(dir, 'sluice.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      leases: { ttl_ms: LEASE_TTL_MS, renew_ms: 400 },
      runs: { shutdown_grace_ms: 1500, retention_ms: 120_000 },
    }),
  );
  const env = {
    ...services.env,
    SLUICE_CONFIG: configFile,
    SLUICE_DEMO_PACE: '60',
    SLUICE_DATA_DIR: join(dir, 'data'),
    SLUICE_DOCUMENTS_DIR: join(dir, 'documents'),
  };
  const processes: SluiceProcess[] = [];
  const start = async () => {
    const started = await startSluiceProcess({ env });
    processes.push(started);
    return started;
  };

  describe('scale-out: Sluice processes sharing PostgreSQL and Redis', () => {
    let a: SluiceProcess;
    let b: SluiceProcess;
    before(async () => {
      // Started together: both migrate the fresh schema at once, which the advisory lock serialises.
      [a, b] = await Promise.all([start(), start()]);
    });
    after(async () => {
      for (const p of processes) p.kill('SIGKILL');
      await Promise.all(processes.map((p) => p.exited));
      await services.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    test('a run started on A is joined on B with Last-Event-ID: the missing events, then the live tail', async () => {
      const session = await createSession(a.url);
      const first = await readStream(`${a.url}/api/sessions/${session}/runs`, {
        body: { message: LONG },
        until: (events) => events.length >= 10,
      });
      // The last event this client saw (a read may bring a few more than asked for).
      const k = first.events.length;
      const runId = first.events[0]?.run_id as string;
      const { body: live } = await json<{ status: string }>(`${b.url}/api/runs/${runId}`);
      assert.equal(live.status, 'running', 'B sees the run A is running');

      const rest = await readStream(`${b.url}/api/runs/${runId}/events`, {
        headers: { 'last-event-id': String(k) },
      });
      assert.deepEqual(
        rest.events.map((e) => e.seq),
        rest.events.map((_, i) => k + 1 + i),
      );
      const end = rest.events.at(-1);
      assert.equal(end?.event_type, 'conversation_end');
      assert.equal(end?.event_type === 'conversation_end' && end.data.status, 'completed');
      const full = await readStream(`${a.url}/api/runs/${runId}/events`);
      assert.deepEqual([...first.events, ...rest.events], full.events, 'nothing lost, nothing repeated');
    });

    test('a cancel sent to B stops the run on A', async () => {
      const session = await createSession(b.url);
      const { status, body: run } = await json<{ id: string }>(`${a.url}/api/sessions/${session}/runs`, {
        body: { message: LONG },
      });
      assert.equal(status, 202);
      const watching = readStream(`${a.url}/api/runs/${run.id}/events`);
      // Wait until A has streamed a few chunks, so the cancel lands mid-answer.
      await readStream(`${b.url}/api/runs/${run.id}/events`, { until: (events) => events.length >= 5 });
      const cancel = await json<{ cancel_requested: boolean }>(`${b.url}/api/runs/${run.id}/cancel`, {
        method: 'POST',
      });
      assert.equal(cancel.status, 202);
      assert.equal(cancel.body.cancel_requested, true);
      const events = (await withDeadline(watching, 'the cancelled stream to end')).events;
      const end = events.at(-1);
      assert.equal(end?.event_type === 'conversation_end' && end.data.status, 'cancelled');
      const chunks = events.filter((e) => e.event_type === 'assistant_message_chunk').length;
      assert.ok(chunks < 200, `the answer stopped early (${chunks} chunks)`);
      const { body: stored } = await json<{ status: string }>(`${b.url}/api/runs/${run.id}`);
      assert.equal(stored.status, 'cancelled');
    });

    test('SIGKILL on A mid-run: B marks the run interrupted once its lease expires, and its clients get an error and a clean end', async () => {
      const doomed = await start();
      const session = await createSession(doomed.url);
      const { body: run } = await json<{ id: string }>(`${doomed.url}/api/sessions/${session}/runs`, {
        body: { message: LONG },
      });
      const clients = [
        readStream(`${b.url}/api/runs/${run.id}/events`),
        readStream(`${b.url}/api/runs/${run.id}/events`, { headers: { 'last-event-id': '1' } }),
      ];
      await readStream(`${b.url}/api/runs/${run.id}/events`, { until: (events) => events.length >= 5 });
      doomed.kill('SIGKILL');
      await doomed.exited;

      const streams = await withDeadline(Promise.all(clients), 'the joined clients to be told');
      for (const [i, stream] of streams.entries()) {
        const seqs = stream.events.map((e) => e.seq);
        assert.deepEqual(
          seqs,
          seqs.map((_, j) => j + 1 + i),
          'contiguous',
        );
        const [error, end] = stream.events.slice(-2);
        assert.equal(error?.event_type === 'error' && error.data.code, 'run_interrupted');
        assert.equal(end?.event_type === 'conversation_end' && end.data.status, 'interrupted');
      }
      const { body: stored } = await json<{ status: string; error_code: string }>(
        `${b.url}/api/runs/${run.id}`,
      );
      assert.equal(stored.status, 'interrupted');
      assert.equal(stored.error_code, 'run_interrupted');
      // The session is free again, on any instance.
      const next = await json(`${b.url}/api/sessions/${session}/runs`, { body: { message: SHORT } });
      assert.equal(next.status, 202);
    });

    test('SIGTERM on A during 20 live streams: each client gets its whole log, from A or by resuming on B', async () => {
      const leaving = await start();
      const follows: Array<Promise<FollowedRun>> = [];
      let streaming = 0;
      const onStreaming = () => {
        streaming++;
      };
      const startedOnB: string[] = [];
      // Ten runs on A, streamed from A: short ones finish within the grace period, long ones do not.
      for (let i = 0; i < 10; i++) {
        const session = await createSession(leaving.url);
        follows.push(
          followRun({
            first: {
              base: leaving.url,
              url: `${leaving.url}/api/sessions/${session}/runs`,
              init: {
                method: 'POST',
                headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
                body: JSON.stringify({ message: i % 2 === 0 ? SHORT : LONG }),
              },
            },
            resumeBase: b.url,
            onStreaming,
          }),
        );
      }
      // Ten runs on B, streamed from A: A hands these streams off at once.
      for (let i = 0; i < 10; i++) {
        const session = await createSession(b.url);
        const { body: run } = await json<{ id: string }>(`${b.url}/api/sessions/${session}/runs`, {
          body: { message: LONG },
        });
        startedOnB.push(run.id);
        follows.push(
          followRun({
            runId: run.id,
            first: {
              base: leaving.url,
              url: `${leaving.url}/api/runs/${run.id}/events`,
              init: { headers: { accept: 'text/event-stream' } },
            },
            resumeBase: b.url,
            onStreaming,
          }),
        );
      }
      // Every stream is open on A.
      await until(() => streaming === 20, 'A to stream to all 20 clients');

      leaving.kill('SIGTERM');
      const refused = await untilDraining(leaving.url);
      assert.equal(refused.status, 503);
      assert.equal(refused.body.error.code, 'shutting_down');

      const followed = await withDeadline(Promise.all(follows), 'every client to reach conversation_end');
      assert.deepEqual(await withDeadline(leaving.exited, 'A to exit'), { code: 0, signal: null });

      for (const run of followed) {
        const full = (await readStream(`${b.url}/api/runs/${run.runId}/events`)).events;
        assert.deepEqual(
          seqsOf(run.events),
          range(1, full.length),
          `run ${run.runId}: each seq once, in order`,
        );
        assert.deepEqual(run.events, full, `run ${run.runId}: exactly the stored log`);
        const end = full.at(-1);
        const status = end?.event_type === 'conversation_end' ? end.data.status : undefined;
        const { body: stored } = await json<{ status: string }>(`${b.url}/api/runs/${run.runId}`);
        assert.equal(stored.status, status, 'the store agrees with the log');
        if (startedOnB.includes(run.runId)) {
          assert.equal(status, 'completed');
          assert.deepEqual(run.connections, [leaving.url, b.url], 'handed off to B once');
          assert.deepEqual(run.cutoffs, [{ code: 'shutting_down', retry: 1000 }], 'told to resume elsewhere');
        } else {
          // A delivers its own runs' ends before it closes, or hands the stream off if they are late.
          assert.ok(status === 'completed' || status === 'interrupted', `status ${status}`);
          assert.equal(run.connections[0], leaving.url);
        }
      }
    });
  });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** After SIGTERM: polls A's /health until it says draining, then asks A for a new run. */
async function untilDraining(url: string) {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const health = await fetch(`${url}/health`);
    await health.body?.cancel();
    if (health.status === 503) break;
    if (Date.now() > deadline) throw new Error('A never reported draining');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const session = await createSession(url);
  return json<{ error: { code: string } }>(`${url}/api/sessions/${session}/runs`, {
    body: { message: SHORT },
  });
}

async function withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), DEADLINE_MS);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function seqsOf(events: CanonicalEvent[]): number[] {
  return events.map((e) => e.seq);
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}
