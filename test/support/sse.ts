import { type CanonicalEvent, canonicalEventSchema } from '../../src/protocol/index.ts';
import { createSseDecoder, type SseMessage } from '../../src/sse/index.ts';

export interface ReadStream {
  status: number;
  headers: Headers;
  /** Every decoded SSE message, comments excluded. */
  messages: SseMessage[];
  /** Messages parsed and validated as canonical events. */
  events: CanonicalEvent[];
  /** Comment lines (heartbeats). */
  comments: string[];
  raw: string;
}

export interface ReadOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Stop reading (and drop the connection) once this returns true. */
  until?: (events: CanonicalEvent[]) => boolean;
}

/**
 * Opens an SSE response with fetch and reads it to the end, or until `until` says stop, in which
 * case the connection is cut like a client that goes away. Every data frame must be a valid
 * canonical event, or the read throws.
 */
export async function readStream(url: string, options: ReadOptions = {}): Promise<ReadStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: {
      accept: 'text/event-stream',
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    signal: controller.signal,
  });
  const result: ReadStream = {
    status: response.status,
    headers: response.headers,
    messages: [],
    events: [],
    comments: [],
    raw: '',
  };
  if (!response.body) return result;
  let stop = false;
  const decoder = createSseDecoder(
    (message) => {
      result.messages.push(message);
      if (!message.data) return;
      const parsed = canonicalEventSchema.parse(JSON.parse(message.data));
      result.events.push(parsed);
      if (options.until?.(result.events)) stop = true;
    },
    (comment) => result.comments.push(comment),
  );
  const text = new TextDecoder();
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      result.raw += text.decode(value, { stream: true });
      decoder.push(value);
      if (stop) {
        controller.abort();
        break;
      }
    }
    decoder.flush();
  } catch (error) {
    if (!stop) throw error;
  }
  return result;
}

/** Asserts the log rules: contiguous seq from `from`, ids equal to seq. */
export function seqs(events: CanonicalEvent[]): number[] {
  return events.map((e) => e.seq);
}

export function answerText(events: CanonicalEvent[]): string {
  return events
    .filter((e) => e.event_type === 'assistant_message_chunk')
    .map((e) => (e.event_type === 'assistant_message_chunk' ? e.data.content : ''))
    .join('');
}
