import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CanonicalEvent } from '../src/protocol/index.ts';
import { createSession, json, startTestServer, type TestServer } from './support/sluice.ts';
import { readStream } from './support/sse.ts';

const LONG = 'write a long detailed text about lighthouses';

describe('resume: GET /api/runs/{id}/events', () => {
  let t: TestServer;
  before(async () => {
    // A real pace, so a run is still live while the test reconnects.
    t = await startTestServer({ demo_pace: 400, runs: { retention_ms: 1000 } });
  });
  after(async () => {
    await t.close();
  });

  async function fullLog(runId: string): Promise<CanonicalEvent[]> {
    return (await readStream(`${t.url}/api/runs/${runId}/events`)).events;
  }

  test('a client that drops after event k and resumes with Last-Event-ID k gets k+1..n of a live run', async () => {
    const session = await createSession(t.url);
    const k = 7;
    const first = await readStream(`${t.url}/api/sessions/${session}/runs`, {
      body: { message: LONG },
      until: (events) => events.length >= k,
    });
    assert.equal(first.events.length, k);
    const runId = first.events[0]?.run_id as string;
    const { body: live } = await json<{ status: string }>(`${t.url}/api/runs/${runId}`);
    assert.equal(live.status, 'running', 'the run goes on without its client');

    const rest = await readStream(`${t.url}/api/runs/${runId}/events`, {
      headers: { 'last-event-id': String(k) },
    });
    assert.equal(rest.events[0]?.seq, k + 1);
    assert.deepEqual(
      rest.events.map((e) => e.seq),
      rest.events.map((_, i) => k + 1 + i),
    );
    assert.equal(rest.events.at(-1)?.event_type, 'conversation_end');
    // Together they are exactly the stored log: nothing lost, nothing repeated.
    assert.deepEqual([...first.events, ...rest.events], await fullLog(runId));
  });

  test('resuming a finished run within retention replays exactly the missing events; ?after= works too', async () => {
    const session = await createSession(t.url);
    const all = (
      await readStream(`${t.url}/api/sessions/${session}/runs`, { body: { message: 'what is 5*5?' } })
    ).events;
    const runId = all[0]?.run_id as string;
    const n = all.length;
    for (const k of [0, 1, Math.floor(n / 2), n - 1, n]) {
      const byHeader = await readStream(`${t.url}/api/runs/${runId}/events`, {
        headers: { 'last-event-id': String(k) },
      });
      assert.deepEqual(byHeader.events, all.slice(k), `Last-Event-ID ${k}`);
      const byQuery = await readStream(`${t.url}/api/runs/${runId}/events?after=${k}`);
      assert.deepEqual(byQuery.events, all.slice(k), `after=${k}`);
    }
  });

  test('an unknown run answers 404 and an expired log 410, at once', async () => {
    const unknown = await json<{ error: { code: string } }>(
      `${t.url}/api/runs/0193a000-0000-7000-8000-000000000000/events`,
      {
        headers: { accept: 'text/event-stream' },
      },
    );
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'run_not_found');
    const malformed = await json<{ error: { code: string } }>(`${t.url}/api/runs/not-a-run/events`);
    assert.equal(malformed.status, 404);

    const session = await createSession(t.url);
    const events = (await readStream(`${t.url}/api/sessions/${session}/runs`, { body: { message: 'hi' } }))
      .events;
    const runId = events[0]?.run_id as string;
    await new Promise((resolve) => setTimeout(resolve, 1300));
    const expired = await json<{ error: { code: string; message: string } }>(
      `${t.url}/api/runs/${runId}/events`,
      {
        headers: { accept: 'text/event-stream', 'last-event-id': '2' },
      },
    );
    assert.equal(expired.status, 410);
    assert.equal(expired.body.error.code, 'run_log_expired');
    // The run itself is still there, with its final state.
    const { status, body } = await json<{ status: string }>(`${t.url}/api/runs/${runId}`);
    assert.equal(status, 200);
    assert.equal(body.status, 'completed');
  });

  test('non-numeric, negative and future Last-Event-ID answer 400 invalid_last_event_id', async () => {
    const session = await createSession(t.url);
    const events = (await readStream(`${t.url}/api/sessions/${session}/runs`, { body: { message: 'hi' } }))
      .events;
    const runId = events[0]?.run_id as string;
    for (const bad of ['abc', '-1', '1.5', String(events.length + 1), '99999999999999999999', ' ']) {
      const response = await json<{ error: { code: string } }>(`${t.url}/api/runs/${runId}/events`, {
        headers: { 'last-event-id': bad },
      });
      assert.equal(response.status, 400, `Last-Event-ID ${JSON.stringify(bad)}`);
      assert.equal(response.body.error.code, 'invalid_last_event_id');
    }
    const query = await json<{ error: { code: string } }>(`${t.url}/api/runs/${runId}/events?after=x`);
    assert.equal(query.status, 400);
  });

  test('several clients joined to one run all receive the same complete log', async () => {
    const session = await createSession(t.url);
    const { body: run } = await json<{ id: string }>(`${t.url}/api/sessions/${session}/runs`, {
      body: { message: LONG },
    });
    const streams = await Promise.all(
      Array.from({ length: 5 }, () => readStream(`${t.url}/api/runs/${run.id}/events`)),
    );
    const reference = streams[0]?.events ?? [];
    assert.equal(reference.at(-1)?.event_type, 'conversation_end');
    for (const stream of streams) assert.deepEqual(stream.events, reference);
  });
});
