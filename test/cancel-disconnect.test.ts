import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSession, json, startTestServer, type TestServer } from './support/sluice.ts';
import { answerText, readStream } from './support/sse.ts';

const LONG = 'write a long detailed text about the sea';

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('cancel and disconnect (demo model)', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ demo_pace: 200 });
  });
  after(async () => {
    await t.close();
  });

  test('cancelling mid-stream ends the run cancelled, closes the stream cleanly, and saves the partial answer', async () => {
    const session = await createSession(t.url);
    let runId = '';
    const streaming = readStream(`${t.url}/api/sessions/${session}/runs`, {
      body: { message: LONG },
      until: (events) => {
        runId = events[0]?.run_id ?? '';
        return false;
      },
    });
    await waitFor(async () => (runId ? runId : undefined), 'the run to start');
    await waitFor(async () => {
      const { body } = await json<{ messages: unknown[] }>(`${t.url}/api/sessions/${session}`);
      return body ? true : undefined;
    }, 'session');
    await new Promise((resolve) => setTimeout(resolve, 150));
    const cancel = await json<{ cancel_requested: boolean }>(`${t.url}/api/runs/${runId}/cancel`, {
      method: 'POST',
    });
    assert.equal(cancel.status, 202);
    assert.equal(cancel.body.cancel_requested, true);
    const stream = await streaming;
    const last = stream.events.at(-1);
    assert.ok(last?.event_type === 'conversation_end', 'the stream ends with conversation_end');
    assert.equal(last.data.status, 'cancelled');
    const partial = answerText(stream.events);
    assert.ok(partial.length > 0, 'some text was streamed before the cancel');
    const { body: run } = await json<{ status: string; finish_reason: string }>(`${t.url}/api/runs/${runId}`);
    assert.equal(run.status, 'cancelled');
    assert.equal(run.finish_reason, 'cancelled');
    const { body } = await json<{
      messages: { role: string; content: string; metadata: { finish_reason?: string } }[];
    }>(`${t.url}/api/sessions/${session}`);
    const saved = body.messages.at(-1);
    assert.equal(saved?.role, 'assistant');
    assert.equal(saved?.content, partial);
    assert.equal(saved?.metadata.finish_reason, 'cancelled');
    // Cancelling again is harmless.
    const again = await json<{ cancel_requested: boolean }>(`${t.url}/api/runs/${runId}/cancel`, {
      method: 'POST',
    });
    assert.equal(again.status, 202);
    assert.equal(again.body.cancel_requested, false);
  });

  test('a client that disconnects does not stop the run; the final message is persisted', async () => {
    const session = await createSession(t.url);
    const first = await readStream(`${t.url}/api/sessions/${session}/runs`, {
      body: { message: 'write a detailed essay about clouds' },
      until: (events) => events.filter((e) => e.event_type === 'assistant_message_chunk').length >= 3,
    });
    const runId = first.events[0]?.run_id as string;
    const run = await waitFor(async () => {
      const { body } = await json<{ status: string }>(`${t.url}/api/runs/${runId}`);
      return body.status === 'running' ? undefined : body;
    }, 'the run to finish');
    assert.equal(run.status, 'completed');
    const full = await readStream(`${t.url}/api/runs/${runId}/events`);
    const { body } = await json<{ messages: { role: string; content: string }[] }>(
      `${t.url}/api/sessions/${session}`,
    );
    assert.equal(body.messages.at(-1)?.content, answerText(full.events));
    assert.ok(answerText(full.events).startsWith(answerText(first.events)));
  });

  test('on_disconnect "cancel" cancels the run when its client leaves', async () => {
    const session = await createSession(t.url);
    const first = await readStream(`${t.url}/api/sessions/${session}/runs`, {
      body: { message: LONG, on_disconnect: 'cancel' },
      until: (events) => events.some((e) => e.event_type === 'assistant_message_chunk'),
    });
    const runId = first.events[0]?.run_id as string;
    const run = await waitFor(async () => {
      const { body } = await json<{ status: string }>(`${t.url}/api/runs/${runId}`);
      return body.status === 'running' ? undefined : body;
    }, 'the run to end');
    assert.equal(run.status, 'cancelled');
  });

  test('an idle stream gets heartbeat comments, and only while idle', async () => {
    // At 0.2 tokens per second the stream sits idle for 5 s between tokens.
    const slow = await startTestServer({ demo_pace: 0.2, runs: { shutdown_grace_ms: 0 } });
    try {
      const session = await createSession(slow.url);
      const controller = new AbortController();
      const response = await fetch(`${slow.url}/api/sessions/${session}/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ message: 'hello there', heartbeat_interval: 1, on_disconnect: 'cancel' }),
        signal: controller.signal,
      });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let raw = '';
      const deadline = Date.now() + 8000;
      while (!raw.includes(': heartbeat\n\n') && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        raw += decoder.decode(value, { stream: true });
      }
      controller.abort();
      assert.match(raw, /: heartbeat\n\n/);
      // The heartbeat is a comment: it carries no id and does not disturb the event sequence.
      assert.ok(raw.indexOf('event: conversation_start') < raw.indexOf(': heartbeat'));
    } finally {
      await slow.close();
    }
  });
});
