import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FrameCounter } from './frame-counter.ts';

const STREAM =
  'retry: 3000\n\n' +
  'id: 1\nevent: conversation_start\ndata: {"a":1}\n\n' +
  ': heartbeat\n\n' +
  'id: 2\nevent: assistant_message_chunk\ndata: {"content":"id: not a field\\n"}\n\n' +
  'event: no_id\ndata: {}\n\n' +
  'id: 3\nevent: conversation_end\ndata: {"b":2}\n\n';

function countIn(chunks: string[]): number {
  const counter = new FrameCounter();
  return chunks.reduce((sum, chunk) => sum + counter.feed(Buffer.from(chunk)), 0);
}

describe('FrameCounter', () => {
  test('counts frames with an id line, not retry, comments or id-less frames', () => {
    assert.equal(countIn([STREAM]), 3);
  });

  test('gives the same count for every split into two chunks', () => {
    for (let cut = 0; cut <= STREAM.length; cut++) {
      assert.equal(countIn([STREAM.slice(0, cut), STREAM.slice(cut)]), 3, `cut at ${cut}`);
    }
  });

  test('gives the same count fed one byte at a time', () => {
    assert.equal(countIn([...STREAM]), 3);
  });

  test('counts an event only once its blank line arrives', () => {
    const counter = new FrameCounter();
    assert.equal(counter.feed(Buffer.from('id: 1\ndata: x\n')), 0);
    assert.equal(counter.feed(Buffer.from('\n')), 1);
  });

  test('does not take a line merely starting with "i" or "id" for an id line', () => {
    assert.equal(countIn(['info: 1\ndata: x\n\n', 'id\ndata: y\n\n', 'idx: 2\ndata: z\n\n']), 0);
  });
});
