import { type CanonicalEvent, canonicalEventSchema } from '../../src/protocol/index.ts';
import type { SseMessage } from '../../src/sse/index.ts';
import { readRawStream } from './raw-sse.ts';

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
 * Opens a native SSE response and reads it to the end, or until `until` says stop, in which case
 * the connection is cut like a client that goes away. Every data frame must be a valid canonical
 * event, or the read throws. Built on the dialect-neutral reader in raw-sse.ts.
 */
export async function readStream(url: string, options: ReadOptions = {}): Promise<ReadStream> {
  const events: CanonicalEvent[] = [];
  let absorbed = 0;
  const absorb = (messages: SseMessage[]) => {
    for (; absorbed < messages.length; absorbed++) {
      const data = messages[absorbed]?.data;
      if (data) events.push(canonicalEventSchema.parse(JSON.parse(data)));
    }
  };
  const { until, ...rest } = options;
  const raw = await readRawStream(url, {
    ...rest,
    until: (messages) => {
      absorb(messages);
      return until?.(events) ?? false;
    },
  });
  absorb(raw.messages);
  return {
    status: raw.status,
    headers: raw.headers,
    messages: raw.messages,
    events,
    comments: raw.comments,
    raw: raw.raw,
  };
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
