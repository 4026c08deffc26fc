import { createParser } from 'eventsource-parser';

/**
 * One dispatched event. `id` and `event` are those of this event's own fields (eventsource-parser
 * does not carry `id` over to later events as a browser's `lastEventId` does: a client tracking
 * Last-Event-ID keeps the last defined `id` itself). `event` is undefined when the frame named
 * none (a browser would say "message").
 */
export interface SseMessage {
  id: string | undefined;
  event: string | undefined;
  data: string;
  /** A `retry:` field seen since the previous message: in this frame or in a data-less one before it. */
  retry?: number;
}

export interface SseDecoder {
  /** Feeds the next chunk: bytes (decoded as UTF-8 across chunk boundaries) or text. Do not mix. */
  push(chunk: Uint8Array | string): void;
  /**
   * Ends the stream: dispatches what complete input remains, drops an unterminated event (as the
   * spec requires) and resets, so the decoder can read a new stream.
   */
  flush(): void;
}

/**
 * Bytes -> text (streaming `TextDecoder`) -> events (`eventsource-parser`). Comments go to
 * `onComment` without the leading `:` and one optional space.
 */
export function createSseDecoder(
  onMessage: (message: SseMessage) => void,
  onComment?: (comment: string) => void,
): SseDecoder {
  const text = new TextDecoder();
  let pendingRetry: number | undefined;
  // A chunk ending in CR leaves the parser waiting to see whether LF follows; at the end of the
  // stream that CR is a complete line break.
  let endsWithCr = false;
  const parser = createParser({
    onEvent(event) {
      const message: SseMessage = { id: event.id, event: event.event, data: event.data };
      if (pendingRetry !== undefined) {
        message.retry = pendingRetry;
        pendingRetry = undefined;
      }
      onMessage(message);
    },
    onRetry(retry) {
      pendingRetry = retry;
    },
    onComment,
  });

  function feed(chunk: string): void {
    if (chunk.length === 0) return;
    endsWithCr = chunk.charCodeAt(chunk.length - 1) === 13;
    parser.feed(chunk);
  }

  return {
    push(chunk) {
      feed(typeof chunk === 'string' ? chunk : text.decode(chunk, { stream: true }));
    },
    flush() {
      feed(text.decode());
      if (endsWithCr) parser.feed('\n');
      parser.reset();
      pendingRetry = undefined;
      endsWithCr = false;
    },
  };
}

/**
 * The messages of a response body, in order. Leaving the loop early cancels a `ReadableStream`
 * body (so a fetch connection closes) or returns an async iterable one.
 */
export async function* decodeSseStream(
  body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
): AsyncGenerator<SseMessage> {
  const queue: SseMessage[] = [];
  const decoder = createSseDecoder((message) => queue.push(message));
  for await (const chunk of chunks(body)) {
    decoder.push(chunk);
    if (queue.length > 0) yield* drain(queue);
  }
  decoder.flush();
  yield* drain(queue);
}

function* drain(queue: SseMessage[]): Generator<SseMessage> {
  const messages = queue.splice(0);
  yield* messages;
}

// Browsers' ReadableStream is not async iterable everywhere (Safari), so read it by hand.
async function* chunks(
  body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  if (!('getReader' in body)) {
    yield* body;
    return;
  }
  const reader = body.getReader();
  let done = false;
  try {
    while (true) {
      const result = await reader.read();
      if (result.done) {
        done = true;
        return;
      }
      yield result.value;
    }
  } finally {
    if (done) reader.releaseLock();
    else await reader.cancel().catch(() => {});
  }
}
