import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { createSseDecoder, decodeSseStream, type SseMessage } from './decode.ts';
import { encodeFrame, type SseFrame } from './encode.ts';

const utf8 = new TextEncoder();

function decodeChunks(chunks: Array<Uint8Array | string>): { messages: SseMessage[]; comments: string[] } {
  const messages: SseMessage[] = [];
  const comments: string[] = [];
  const decoder = createSseDecoder(
    (m) => messages.push(m),
    (c) => comments.push(c),
  );
  for (const chunk of chunks) decoder.push(chunk);
  decoder.flush();
  return { messages, comments };
}

const STREAM =
  ': hello\n' +
  'retry: 2500\n' +
  'id: 1\nevent: greet\ndata: 你好，世界\n\n' +
  'data: line one\r\ndata: line two\r\n\r\n' +
  'id: 2\r\ndata: {"a":"é"}\r\r' +
  ':  spaced comment\r' +
  'event: end\ndata:\n\n' +
  'data: 🎉 done\n\n' +
  'data: never terminated';

const EXPECTED: SseMessage[] = [
  { id: '1', event: 'greet', data: '你好，世界', retry: 2500 },
  { id: undefined, event: undefined, data: 'line one\nline two' },
  { id: '2', event: undefined, data: '{"a":"é"}' },
  { id: undefined, event: 'end', data: '' },
  { id: undefined, event: undefined, data: '🎉 done' },
];
const EXPECTED_COMMENTS = ['hello', ' spaced comment'];

describe('createSseDecoder', () => {
  const bytes = utf8.encode(STREAM);

  test('decodes a whole stream, dropping the unterminated last event', () => {
    assert.deepEqual(decodeChunks([bytes]), { messages: EXPECTED, comments: EXPECTED_COMMENTS });
  });

  test('gives the same result split at every byte position', () => {
    const crlf = STREAM.indexOf('\r\n');
    const multibyte = utf8.encode(STREAM.slice(0, STREAM.indexOf('你'))).length + 1;
    // The loop below covers these cuts; named so a refactor of STREAM cannot drop them silently.
    assert.ok(crlf > 0 && multibyte > 0);
    for (let i = 0; i <= bytes.length; i++) {
      assert.deepEqual(
        decodeChunks([bytes.subarray(0, i), bytes.subarray(i)]),
        { messages: EXPECTED, comments: EXPECTED_COMMENTS },
        `split at byte ${i}`,
      );
    }
  });

  test('gives the same result split at every pair of byte positions', () => {
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i; j <= bytes.length; j++) {
        const { messages } = decodeChunks([bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)]);
        assert.deepEqual(messages, EXPECTED, `split at bytes ${i} and ${j}`);
      }
    }
  });

  test('gives the same result fed one byte at a time', () => {
    const chunks = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
    assert.deepEqual(decodeChunks(chunks), { messages: EXPECTED, comments: EXPECTED_COMMENTS });
  });

  test('a CR at the very end of the stream completes the event', () => {
    assert.deepEqual(decodeChunks(['data: x\r\r']).messages, [
      { id: undefined, event: undefined, data: 'x' },
    ]);
    assert.deepEqual(decodeChunks(['data: x\r', '\r']).messages, [
      { id: undefined, event: undefined, data: 'x' },
    ]);
    // One CR only ends the data line; without a blank line nothing is dispatched.
    assert.deepEqual(decodeChunks(['data: x\r']).messages, []);
  });

  test('ids belong to their own event only, as eventsource-parser reports them', () => {
    const { messages } = decodeChunks(['id: 5\ndata: a\n\ndata: b\n\nid:\ndata: c\n\n']);
    assert.deepEqual(
      messages.map((m) => m.id),
      ['5', undefined, ''],
    );
  });

  test('a retry in a data-less frame is attached to the next message only', () => {
    const { messages } = decodeChunks(['retry: 10\n\n', 'data: a\n\ndata: b\n\n']);
    assert.deepEqual(messages, [
      { id: undefined, event: undefined, data: 'a', retry: 10 },
      { id: undefined, event: undefined, data: 'b' },
    ]);
  });

  test('flush resets, so the decoder reads a second stream from a clean state', () => {
    const messages: SseMessage[] = [];
    const decoder = createSseDecoder((m) => messages.push(m));
    decoder.push(utf8.encode('id: 1\ndata: half'));
    decoder.push(new Uint8Array([0xe4, 0xbd])); // first two bytes of 你
    decoder.flush();
    decoder.push('data: second\n\n');
    decoder.flush();
    assert.deepEqual(messages, [{ id: undefined, event: undefined, data: 'second' }]);
  });
});

describe('decodeSseStream', () => {
  function readable(chunks: Uint8Array[], onCancel?: () => void): ReadableStream<Uint8Array> {
    let i = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks[i++];
        if (chunk === undefined) controller.close();
        else controller.enqueue(chunk);
      },
      cancel() {
        onCancel?.();
      },
    });
  }

  function splitEvery(bytes: Uint8Array, size: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
    return out;
  }

  test('reads a ReadableStream body', async () => {
    const got: SseMessage[] = [];
    for await (const m of decodeSseStream(readable(splitEvery(utf8.encode(STREAM), 3)))) got.push(m);
    assert.deepEqual(got, EXPECTED);
  });

  test('reads an async iterable body', async () => {
    async function* body() {
      yield* splitEvery(utf8.encode(STREAM), 5);
    }
    const got: SseMessage[] = [];
    for await (const m of decodeSseStream(body())) got.push(m);
    assert.deepEqual(got, EXPECTED);
  });

  test('leaving the loop early cancels the stream', async () => {
    let cancelled = false;
    const stream = readable(splitEvery(utf8.encode(STREAM), 4), () => {
      cancelled = true;
    });
    for await (const m of decodeSseStream(stream)) {
      assert.equal(m.data, '你好，世界');
      break;
    }
    assert.equal(cancelled, true);
  });
});

describe('encode -> decode round trip', () => {
  const text = fc.string({
    unit: fc.oneof(
      { arbitrary: fc.constantFrom('\n', '\r', '\r\n', ' ', ':', '你', '🎉', 'é', '\u2028'), weight: 1 },
      { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 3 },
    ),
    maxLength: 40,
  });
  const fieldText = text.map((s) => s.replace(/[\r\n\0]/g, ''));
  const frame = fc.record(
    {
      id: fieldText,
      event: fieldText.filter((s) => s.length > 0),
      data: text,
      comment: text,
    },
    { requiredKeys: ['data'] },
  );

  test('data, id and event survive encoding, UTF-8 and arbitrary chunking', () => {
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 5 }), fc.array(fc.nat()), (frames, cuts) => {
        const bytes = utf8.encode(frames.map((f: SseFrame) => encodeFrame(f)).join(''));
        const positions = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks: Uint8Array[] = [];
        let start = 0;
        for (const p of [...positions, bytes.length]) {
          chunks.push(bytes.subarray(start, p));
          start = p;
        }
        const { messages } = decodeChunks(chunks);
        assert.deepEqual(
          messages,
          frames.map((f) => ({ id: f.id, event: f.event, data: f.data!.replace(/\r\n?/g, '\n') })),
        );
      }),
      { numRuns: 300 },
    );
  });
});
