import type { ServerResponse } from 'node:http';
import type { EventBus } from '../bus/index.ts';
import type { DialectStream } from '../dialects/index.ts';
import { type Language, SluiceError } from '../protocol/index.ts';
import { encodeFrame, HEARTBEAT_FRAME, type HeartbeatWheel, SSE_HEADERS } from '../sse/index.ts';

/** `retry:` of the bus_unavailable frame: Redis has been away a while already, so not at once. */
const BUS_UNAVAILABLE_RETRY_MS = 5000;

export interface RunStreamOptions {
  bus: EventBus;
  runId: string;
  /** Deliver entries with seq greater than this. */
  after: number;
  /** The wire dialect this response speaks. */
  dialect: DialectStream;
  wheel: HeartbeatWheel;
  heartbeatMs: number;
  /** Frames queued while the socket is full; past this the client is told to resume and closed. */
  maxQueuedFrames: number;
  language: Language;
  /** Extra response headers (CORS and the like: a hijacked reply skips Fastify's hooks). */
  headers?: Record<string, string>;
  /** Called when the client goes away before the log ended. */
  onClientGone?: () => void;
}

/**
 * Writes a run's log to a raw response as SSE: headers and a `retry:` frame at once, then the
 * replay and the live tail, heartbeats only when idle, and the end of the response right after
 * the last event. Honours backpressure: while the socket is full, frames wait in a bounded queue;
 * a client that falls further behind gets a `slow_consumer` error naming the event to resume
 * after, and is closed. Leaving stops all work for this client at once.
 */
export function streamRunLog(res: ServerResponse, options: RunStreamOptions): (retryMs: number) => void {
  res.writeHead(200, { ...SSE_HEADERS, ...options.headers });

  /** Frames waiting for 'drain', with the seq of the last event among them. */
  let queue: string[] | undefined;
  let queuedSeq = 0;
  /** seq of the last event handed to the socket; what the client resumes after on overflow. */
  let writtenSeq = options.after;
  let closed = false;
  let endPending = false;
  let unsubscribe: (() => void) | undefined;
  let overflowed = false;

  const { dialect } = options;
  const heartbeatFrame = dialect.heartbeat
    ? () => dialect.heartbeat?.() ?? HEARTBEAT_FRAME
    : () => HEARTBEAT_FRAME;
  const heartbeat = options.wheel.add(() => write(heartbeatFrame(), 0), options.heartbeatMs);

  const cleanup = () => {
    heartbeat.stop();
    unsubscribe?.();
    unsubscribe = undefined;
  };

  let epilogueWritten = false;
  const finish = () => {
    if (closed) return;
    if (!epilogueWritten && !overflowed) {
      epilogueWritten = true;
      const epilogue = dialect.close?.();
      if (epilogue) write(epilogue, 0);
    }
    flush();
    if (queue) {
      endPending = true;
      return;
    }
    closed = true;
    cleanup();
    res.end();
  };

  /**
   * Frames written during this tick, handed to the socket together at its end: one `res.write`
   * (one chunk, one syscall) for however many events a tick produces, instead of one per event.
   * While `batch` holds frames the socket is not full (`queue` is unset).
   */
  let batch = '';
  let batchSeq = 0;
  let flushScheduled = false;

  const write = (chunk: string, seq: number) => {
    if (closed || endPending) return;
    if (queue) {
      queue.push(chunk);
      if (seq > 0) queuedSeq = seq;
      if (queue.length > options.maxQueuedFrames) overflow();
      return;
    }
    batch += chunk;
    if (seq > 0) batchSeq = seq;
    if (!flushScheduled) {
      flushScheduled = true;
      process.nextTick(flush);
    }
  };

  /** Hands the batch to the socket; a full socket starts the queue. */
  const flush = () => {
    flushScheduled = false;
    if (closed || batch === '') return;
    const chunk = batch;
    batch = '';
    heartbeat.touch();
    if (batchSeq > writtenSeq) writtenSeq = batchSeq;
    const ok = res.write(chunk);
    // node:http corks the socket on each write until its own nextTick, which waits behind every
    // queued microtask (a run's database work, its model steps): send the batch now instead.
    res.socket?.uncork();
    if (!ok) {
      queue = [];
      res.once('drain', drain);
    }
  };

  const drain = () => {
    const pending = queue;
    queue = undefined;
    if (!pending || closed) return;
    if (queuedSeq > writtenSeq) writtenSeq = queuedSeq;
    if (!res.write(pending.join(''))) {
      queue = [];
      res.once('drain', drain);
      return;
    }
    if (endPending) {
      endPending = false;
      finish();
    }
  };

  /** Drops what waits beyond the socket and tells the client where to resume. */
  const overflow = () => {
    overflowed = true;
    const error = new SluiceError('slow_consumer', { last_event_id: writtenSeq });
    queue = [
      encodeFrame({
        event: 'error',
        data: JSON.stringify({
          event_type: 'error',
          data: {
            error_message: error.toBody(options.language).error.message,
            error_details: { last_event_id: writtenSeq },
            code: error.code,
            retryable: true,
          },
        }),
      }),
    ];
    queuedSeq = 0;
    unsubscribe?.();
    unsubscribe = undefined;
    endPending = true;
  };

  res.on('close', () => {
    if (closed) return;
    closed = true;
    cleanup();
    options.onClientGone?.();
  });

  const prologue = dialect.open?.();
  if (prologue) write(prologue, 0);
  const stop = options.bus.subscribe(options.runId, options.after, {
    onEntry(entry) {
      const frame = dialect.encode(entry);
      if (frame) write(frame, entry.seq);
    },
    onEnd: finish,
    // Redis stayed unreachable past the bus's bound: the run goes on, the client resumes later.
    onError: () => cutOff('bus_unavailable', BUS_UNAVAILABLE_RETRY_MS),
  });
  // The replay may already have ended or overflowed the stream synchronously.
  if (closed || overflowed) stop();
  else unsubscribe = stop;
  // Headers and the replay leave now: a nextTick flush would wait for every microtask queued
  // behind this one, such as the run's first database transaction and model steps.
  flush();

  /**
   * Cuts the stream off for a reason of the connection's, not the run's: stops following the log
   * and, after whatever is queued, writes an error frame `code` (like slow_consumer's: no id, not
   * in the log) carrying `retry: retryMs`, then ends the response without the dialect's epilogue
   * (the run has not ended), so the client reconnects with its Last-Event-ID. For the hand-off at
   * shutdown (`shutting_down`: to another instance) and for a bus that stays unreachable
   * (`bus_unavailable`: later).
   */
  function cutOff(code: 'shutting_down' | 'bus_unavailable', retryMs: number): void {
    if (closed || endPending) return;
    unsubscribe?.();
    unsubscribe = undefined;
    epilogueWritten = true;
    flush();
    const lastEventId = queue ? Math.max(writtenSeq, queuedSeq) : writtenSeq;
    const error = new SluiceError(code);
    const frame = encodeFrame({
      event: 'error',
      retry: retryMs,
      data: JSON.stringify({
        event_type: 'error',
        data: {
          error_message: error.toBody(options.language).error.message,
          error_details: { last_event_id: lastEventId },
          code: error.code,
          retryable: true,
        },
      }),
    });
    write(frame, 0);
    finish();
  }

  /** The hand-off, for shutdown. */
  return (retryMs: number) => cutOff('shutting_down', retryMs);
}
