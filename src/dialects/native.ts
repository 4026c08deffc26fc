import type { LogEntry } from '../bus/index.ts';
import { encodeDataFrame } from '../sse/index.ts';

const frames = new WeakMap<LogEntry, string>();

/**
 * The native dialect: each canonical event as `id: seq`, `event: event_type`, `data: json`.
 * Encoded once per entry and shared by every subscriber of the run.
 */
export function nativeFrame(entry: LogEntry): string {
  let frame = frames.get(entry);
  if (frame === undefined) {
    frame = encodeDataFrame(entry.seq, entry.event.event_type, entry.json);
    frames.set(entry, frame);
  }
  return frame;
}
