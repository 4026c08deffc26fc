import type { LogEntry } from '../bus/index.ts';
import { encodeDataFrame, encodeFrame } from '../sse/index.ts';
import type { DialectStream } from './dialect.ts';

/**
 * The native dialect's frame for an event: `id: seq`, `event: event_type`, `data: json`. Encoded
 * once per entry and shared by every subscriber of the run.
 */
export function nativeFrame(entry: LogEntry): string {
  let frame = entry.nativeFrame;
  if (frame === undefined) {
    frame = encodeDataFrame(entry.seq, entry.event.event_type, entry.json);
    entry.nativeFrame = frame;
  }
  return frame;
}

/** The native stream: `retry:` once, then every canonical event as it is. */
export function nativeDialect(retryMs = 3000): DialectStream {
  return { open: () => encodeFrame({ retry: retryMs }), encode: nativeFrame };
}
