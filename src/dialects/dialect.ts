import type { LogEntry } from '../bus/index.ts';

/**
 * How one response speaks a wire dialect: frames before the first event, a frame (or several, or
 * none) per canonical event, frames after the last one, and what an idle heartbeat looks like.
 * One object per response; it may keep state between events (a counter, a buffer), but must not
 * do I/O: the HTTP layer writes what it returns, with backpressure.
 */
export interface DialectStream {
  /** Written once, right after the headers. */
  open?(): string;
  /** The frames for one event; undefined or '' writes nothing. */
  encode(entry: LogEntry): string | undefined;
  /** Written after the last event of an ended log, before the response ends. */
  close?(): string;
  /** An idle heartbeat; defaults to the `: heartbeat` comment. */
  heartbeat?(): string;
}
