import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryEventBus } from '../bus/index.ts';
import { canonicalEventSchema } from '../protocol/index.ts';
import { RunLog } from './run-log.ts';

test('each entry carries JSON.stringify(event) exactly, and a valid canonical event', async () => {
  const bus = new MemoryEventBus();
  const log = new RunLog(bus, 'run "1"\n', 'session\u2028', () => assert.fail('append failed'));
  log.emit({
    event_type: 'conversation_start',
    data: { user_input: 'a "quoted"\n\u0000 text', agent_id: 'x', language: 'en', model: 'demo' },
  });
  log.emit({
    event_type: 'assistant_message_chunk',
    data: { content: 'word ', is_complete: false, chunk_index: 0, total_chunks: null, message_id: 'm' },
    metadata: { nested: { list: [1, 'two', null], skipped: undefined } },
  });
  log.emit({
    event_type: 'processing_status',
    data: { status_message: 'ok', progress_info: { stage: 'thinking' } },
  });
  await log.flushed();
  const entries = await bus.readAfter('run "1"\n', 0);
  assert.equal(entries.length, 3);
  for (const entry of entries) {
    assert.equal(entry.json, JSON.stringify(entry.event));
    canonicalEventSchema.parse(JSON.parse(entry.json));
  }
  assert.deepEqual(
    entries.map((e) => e.seq),
    [1, 2, 3],
  );
});

test('append failures reach the handler, each once', async () => {
  const bus = new MemoryEventBus();
  await bus.end('run', 1000);
  const failed: number[] = [];
  const log = new RunLog(bus, 'run', 'session', (_error, entry) => failed.push(entry.seq));
  log.emit({ event_type: 'processing_status', data: { status_message: 'a', progress_info: { stage: 'x' } } });
  log.emit({ event_type: 'processing_status', data: { status_message: 'b', progress_info: { stage: 'x' } } });
  await log.flushed();
  assert.deepEqual(failed, [1, 2]);
  await bus.close();
});
