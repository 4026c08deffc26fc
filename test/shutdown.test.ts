import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createSession, json, startTestServer } from './support/sluice.ts';
import { readStream } from './support/sse.ts';

const LONG = 'write a long detailed text about lighthouses';

describe('graceful shutdown (one process, in-process bus)', () => {
  test('close() refuses new runs with 503, lets short runs finish, interrupts the rest after the grace period', async () => {
    const t = await startTestServer({ demo_pace: 60, runs: { shutdown_grace_ms: 2500 } });
    const longSession = await createSession(t.url);
    const shortSession = await createSession(t.url);
    // The long run takes seconds: once it is active, it is live when close() comes.
    const long = readStream(`${t.url}/api/sessions/${longSession}/runs`, { body: { message: LONG } });
    await waitFor(() => t.server.ctx.runs.activeCount === 1, 'the long run to start');
    // The short one is created (running) before close() and needs well under the grace period.
    const { body: shortRun } = await json<{ id: string }>(`${t.url}/api/sessions/${shortSession}/runs`, {
      body: { message: 'what is 5*5?' },
    });
    const short = readStream(`${t.url}/api/runs/${shortRun.id}/events`);

    const closing = t.close();
    const refused = await json<{ error: { code: string } }>(`${t.url}/api/sessions/${shortSession}/runs`, {
      body: { message: 'one more' },
    });
    assert.equal(refused.status, 503);
    assert.equal(refused.body.error.code, 'shutting_down');
    const health = await json<{ status: string }>(`${t.url}/health`);
    assert.equal(health.status, 503);
    assert.equal(health.body.status, 'draining');

    const [longEvents, shortEvents] = [(await long).events, (await short).events];
    await closing;
    const shortEnd = shortEvents.at(-1);
    assert.equal(shortEnd?.event_type === 'conversation_end' && shortEnd.data.status, 'completed');
    const [error, end] = longEvents.slice(-2);
    assert.equal(error?.event_type === 'error' && error.data.code, 'run_interrupted');
    assert.equal(end?.event_type === 'conversation_end' && end.data.status, 'interrupted');
    assert.deepEqual(
      longEvents.map((e) => e.seq),
      longEvents.map((_, i) => i + 1),
    );
  });
});

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
