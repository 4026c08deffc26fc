import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProtocolError } from './errors.ts';
import { readEvents, type StreamCursor } from './read-events.ts';

const envelope = (seq: number) => ({
  seq,
  run_id: 'r1',
  session_id: 's1',
  timestamp: new Date(0).toISOString(),
  metadata: {},
});
const start = {
  event_type: 'conversation_start',
  ...envelope(1),
  data: { user_input: 'hi', agent_id: 'a', language: 'en', model: 'demo' },
};
const custom = (seq: number) => ({ event_type: 'acme.audit_note', ...envelope(seq), data: { note: 'n' } });
const end = (seq: number) => ({
  event_type: 'conversation_end',
  ...envelope(seq),
  data: {
    success: true,
    execution_time: 0.1,
    new_messages_count: 1,
    status: 'completed',
    usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2, total_cost: 0 },
  },
});

function body(events: { seq: number; event_type: string }[]): ReadableStream<Uint8Array> {
  const text = events
    .map((e) => `id: ${e.seq}\nevent: ${e.event_type}\ndata: ${JSON.stringify(e)}\n\n`)
    .join('');
  return new Blob([text]).stream();
}

const cursor = (): StreamCursor => ({
  runId: undefined,
  sessionId: undefined,
  lastSeq: 0,
  serverRetryMs: undefined,
});

describe('client: custom event types', () => {
  test('a custom event counts in the sequence but is not handed on as a canonical event', async () => {
    const c = cursor();
    const seen: number[] = [];
    const reader = readEvents(body([start, custom(2), end(3)]), c, 0);
    let next = await reader.next();
    while (!next.done) {
      seen.push(next.value.seq);
      next = await reader.next();
    }
    assert.deepEqual(seen, [1, 3]);
    assert.deepEqual(next.value, { ended: true });
    assert.equal(c.lastSeq, 3);
  });

  test('a gap before a custom event is still a protocol error', async () => {
    const reader = readEvents(body([start, custom(3)]), cursor(), 0);
    await assert.rejects(async () => {
      for await (const _ of reader);
    }, ProtocolError);
  });

  test('an event type that is neither canonical nor namespaced is still a protocol error', async () => {
    const reader = readEvents(body([start, { ...custom(2), event_type: 'audit_note' }]), cursor(), 0);
    await assert.rejects(async () => {
      for await (const _ of reader);
    }, ProtocolError);
  });
});
