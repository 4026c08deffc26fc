import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeFrame } from '../../src/sse/encode.ts';
import { pacedDelays } from './latency.ts';

const frame = (id: number, event: string) => encodeFrame({ id, event, data: `{"seq":${id}}` });

test("the raw writer's schedule pauses before every text chunk but the first, as the demo model does", () => {
  const frames = [
    encodeFrame({ retry: 3000 }),
    frame(1, 'conversation_start'),
    frame(2, 'assistant_message_start'),
    frame(3, 'assistant_message_chunk'),
    frame(4, 'assistant_message_chunk'),
    frame(5, 'assistant_message_chunk'),
    frame(6, 'assistant_message_end'),
    frame(7, 'conversation_end'),
  ];
  assert.deepEqual(pacedDelays(frames, 40), [0, 0, 0, 0, 25, 25, 0, 0]);
  assert.deepEqual(pacedDelays(frames, 10), [0, 0, 0, 0, 100, 100, 0, 0]);
});
