import { type CustomEvent, customEventSchema } from '../protocol/custom-events.ts';
import { type CanonicalEvent, canonicalEventSchema } from '../protocol/events.ts';
import { createSseDecoder, type SseMessage } from '../sse/decode.ts';
import { type ActivityListener, notify } from './activity.ts';
import { ProtocolError } from './errors.ts';

/** Where a run's stream stands across its connections. */
export interface StreamCursor {
  /** Learned from the first event when the response headers did not say. */
  runId: string | undefined;
  sessionId: string | undefined;
  /** seq of the last event handed on; a resume asks for the events after it. */
  lastSeq: number;
  /** The server's latest `retry:` in milliseconds. */
  serverRetryMs: number | undefined;
}

/** How one connection ended: with the run's last event, or before it (and why). */
export type ReadOutcome = { ended: true } | { ended: false; cause: unknown };

/**
 * The canonical events of one SSE response, each exactly once and in order: repeats (seq not
 * after `cursor.lastSeq`, as a resume may replay) are skipped, a gap or a frame that breaks the
 * protocol throws ProtocolError. Returns after conversation_end, or when the connection ends,
 * fails, stays silent for `idleMs` (0 = never) while waiting for data, or the server sends an
 * id-less `error` frame (`slow_consumer`: a notice about this connection, not an event of the
 * run). Silence is only measured while waiting on the network, not while the consumer holds an
 * event. Stopping early releases the connection.
 */
export async function* readEvents(
  body: ReadableStream<Uint8Array>,
  cursor: StreamCursor,
  idleMs: number,
  onActivity?: ActivityListener,
): AsyncGenerator<CanonicalEvent, ReadOutcome> {
  const messages: SseMessage[] = [];
  const decoder = createSseDecoder(
    (message) => {
      messages.push(message);
      notify(onActivity, { kind: 'frame', id: message.id, event: message.event, data: message.data });
    },
    onActivity ? (text) => notify(onActivity, { kind: 'comment', text }) : undefined,
  );
  const reader = body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let silent = false;
  try {
    for (;;) {
      if (idleMs > 0) {
        timer = setTimeout(() => {
          silent = true;
          reader.cancel().catch(() => {});
        }, idleMs);
      }
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        return { ended: false, cause: error };
      } finally {
        clearTimeout(timer);
      }
      if (chunk.done) decoder.flush();
      else decoder.push(chunk.value);
      for (const message of messages.splice(0)) {
        const frame = readFrame(message, cursor);
        if (frame === undefined) continue;
        if (frame === 'notice')
          return { ended: false, cause: new Error(`the server closed the stream: ${message.data}`) };
        yield frame;
        if (frame.event_type === 'conversation_end') return { ended: true };
      }
      if (chunk.done) {
        const cause = silent
          ? new Error(`no data for ${idleMs} ms`)
          : new Error('the stream ended before conversation_end');
        return { ended: false, cause };
      }
    }
  } finally {
    clearTimeout(timer);
    reader.cancel().catch(() => {});
  }
}

/** The next event to hand on, undefined for nothing (no data, a repeat), or 'notice'. */
function readFrame(message: SseMessage, cursor: StreamCursor): CanonicalEvent | 'notice' | undefined {
  if (message.retry !== undefined) cursor.serverRetryMs = message.retry;
  if (message.data === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(message.data);
  } catch {
    throw new ProtocolError(`frame ${message.id ?? '(no id)'} is not JSON: ${message.data.slice(0, 100)}`);
  }
  if (message.id === undefined) {
    if ((json as { event_type?: unknown } | null)?.event_type === 'error') return 'notice';
    throw new ProtocolError(`a data frame without an id: ${message.data.slice(0, 100)}`);
  }
  const parsed = canonicalEventSchema.safeParse(json);
  // An extension's custom event (`acme.audit_note`): counted in the sequence, not handed on
  // (the iterator yields canonical events; `onActivity` sees the raw frame).
  if (!parsed.success && customEventSchema.safeParse(json).success) {
    const custom = json as CustomEvent;
    if (message.id !== String(custom.seq)) {
      throw new ProtocolError(`frame id ${message.id} differs from the event's seq ${custom.seq}`);
    }
    if (custom.seq > cursor.lastSeq + 1) {
      throw new ProtocolError(
        `event ${custom.seq} arrived after ${cursor.lastSeq}: events ${cursor.lastSeq + 1} to ${custom.seq - 1} are missing`,
      );
    }
    cursor.lastSeq = Math.max(cursor.lastSeq, custom.seq);
    return undefined;
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProtocolError(
      `event ${message.id} does not match the protocol: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`,
    );
  }
  // The event as sent, not zod's copy: fields a newer server adds are kept, in their order.
  const event = json as CanonicalEvent;
  if (message.id !== String(event.seq)) {
    throw new ProtocolError(`frame id ${message.id} differs from the event's seq ${event.seq}`);
  }
  cursor.runId ??= event.run_id;
  cursor.sessionId ??= event.session_id;
  if (event.run_id !== cursor.runId) {
    throw new ProtocolError(`event ${event.seq} belongs to run ${event.run_id}, not ${cursor.runId}`);
  }
  if (event.seq <= cursor.lastSeq) return undefined;
  if (event.seq !== cursor.lastSeq + 1) {
    throw new ProtocolError(
      `event ${event.seq} arrived after ${cursor.lastSeq}: events ${cursor.lastSeq + 1} to ${event.seq - 1} are missing`,
    );
  }
  cursor.lastSeq = event.seq;
  return event;
}
