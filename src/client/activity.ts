/**
 * What a run stream sees on the wire, for consoles and diagnostics: every SSE frame as received
 * (before validation, repeats included), every comment (heartbeats), and each reconnection
 * attempt. Observing only: a callback cannot change what the iterator yields, and one that
 * throws is ignored.
 */
export type StreamActivity =
  | { kind: 'frame'; id: string | undefined; event: string | undefined; data: string }
  | { kind: 'comment'; text: string }
  | { kind: 'reconnecting'; attempt: number; after: number };

export type ActivityListener = (activity: StreamActivity) => void;

/** Calls the listener, if any, swallowing what it throws. */
export function notify(listener: ActivityListener | undefined, activity: StreamActivity): void {
  if (!listener) return;
  try {
    listener(activity);
  } catch {
    // An observer's bug must not break the stream.
  }
}
