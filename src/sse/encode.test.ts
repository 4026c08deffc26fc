import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeDataFrame, encodeFrame, HEARTBEAT_FRAME } from './encode.ts';
import { SSE_HEADERS } from './headers.ts';

describe('encodeFrame', () => {
  test('writes fields in order: comment, id, event, retry, data, blank line', () => {
    assert.equal(
      encodeFrame({ data: 'x', retry: 3000, event: 'greet', id: 7, comment: 'hi' }),
      ': hi\nid: 7\nevent: greet\nretry: 3000\ndata: x\n\n',
    );
  });

  test('splits multi-line data into one data line each, for LF, CRLF and CR', () => {
    assert.equal(encodeFrame({ data: 'a\nb' }), 'data: a\ndata: b\n\n');
    assert.equal(encodeFrame({ data: 'a\r\nb\rc\n' }), 'data: a\ndata: b\ndata: c\ndata: \n\n');
    assert.equal(encodeFrame({ data: '\n' }), 'data: \ndata: \n\n');
  });

  test('empty data still dispatches an event', () => {
    assert.equal(encodeFrame({ data: '' }), 'data: \n\n');
  });

  test('keeps leading spaces of data lines (only the one after the colon is eaten)', () => {
    assert.equal(encodeFrame({ data: ' indented' }), 'data:  indented\n\n');
  });

  test('frames without data: retry alone, comments alone', () => {
    assert.equal(encodeFrame({ retry: 0 }), 'retry: 0\n\n');
    assert.equal(encodeFrame({ comment: 'heartbeat' }), HEARTBEAT_FRAME);
    assert.equal(encodeFrame({ comment: 'one\r\ntwo\nthree' }), ': one\n: two\n: three\n\n');
    assert.equal(encodeFrame({ comment: '' }), ': \n\n');
  });

  test('accepts string and numeric ids, and an empty id (which resets the last event id)', () => {
    assert.equal(encodeFrame({ id: 'abc', data: '1' }), 'id: abc\ndata: 1\n\n');
    assert.equal(encodeFrame({ id: 0, data: '1' }), 'id: 0\ndata: 1\n\n');
    assert.equal(encodeFrame({ id: '', data: '1' }), 'id: \ndata: 1\n\n');
  });

  test('rejects CR or LF in id and event, NUL in id', () => {
    for (const bad of ['a\nb', 'a\rb', 'a\r\nb', '\n']) {
      assert.throws(() => encodeFrame({ id: bad, data: 'x' }), TypeError);
      assert.throws(() => encodeFrame({ event: bad, data: 'x' }), TypeError);
    }
    assert.throws(() => encodeFrame({ id: 'a\0b' }), TypeError);
  });

  test('rejects a retry that is not a non-negative integer', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => encodeFrame({ retry: bad }), TypeError);
    }
  });
});

describe('encodeDataFrame', () => {
  test('matches encodeFrame for single-line JSON', () => {
    const json = JSON.stringify({ text: 'line\nbreak\r\u2028 你好', n: 1 });
    assert.equal(
      encodeDataFrame(12, 'tool_call_end', json),
      encodeFrame({ id: 12, event: 'tool_call_end', data: json }),
    );
    assert.equal(encodeDataFrame(1, 'x', '{}'), 'id: 1\nevent: x\ndata: {}\n\n');
  });
});

test('SSE_HEADERS are frozen and disable caching, transformation and proxy buffering', () => {
  assert.deepEqual(
    { ...SSE_HEADERS },
    {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
  );
  assert.ok(Object.isFrozen(SSE_HEADERS));
});
