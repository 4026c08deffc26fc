import type { ServerResponse } from 'node:http';
import type { EventBus, LogEntry, LogSubscriber } from '../bus/index.ts';
import type { DialectStream } from '../dialects/index.ts';
import { type Language, SluiceError } from '../protocol/index.ts';
import {
  encodeFrame,
  HEARTBEAT_FRAME,
  type HeartbeatHandle,
  type HeartbeatWheel,
  SSE_HEADERS,
} from '../sse/index.ts';

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
 * after, and is closed. Leaving stops all work for this client at once. Returns the hand-off for
 * shutdown (see `RunStream.cutOff`).
 */
export function streamRunLog(res: ServerResponse, options: RunStreamOptions): (retryMs: number) => void {
  const stream = new RunStream(res, options);
  return stream.handOff;
}

/**
 * One response following one run's log. A class rather than a nest of closures: a server holds
 * tens of thousands of these, and each closure costs memory per stream (more under tsx, which
 * names every function) where a method is shared by all.
 */
class RunStream implements LogSubscriber {
  /** Frames waiting for 'drain', with the seq of the last event among them. */
  private queue: string[] | undefined;
  private queuedSeq = 0;
  /** seq of the last event handed to the socket; what the client resumes after on overflow. */
  private writtenSeq: number;
  private closed = false;
  private endPending = false;
  private overflowed = false;
  private epilogueWritten = false;
  private unsubscribe: (() => void) | undefined;
  /**
   * Frames written during this tick, handed to the socket together at its end: one `res.write`
   * (one chunk, one syscall) for however many events a tick produces, instead of one per event.
   * While `batch` holds frames the socket is not full (`queue` is unset).
   */
  private batch = '';
  private batchSeq = 0;
  private flushScheduled = false;
  private readonly heartbeat: HeartbeatHandle;
  /** The three callbacks others call without `this`, bound once. */
  private readonly onDrain = () => this.drain();
  private readonly onClose = () => this.clientGone();
  readonly handOff = (retryMs: number) => this.cutOff('shutting_down', retryMs);

  constructor(
    private readonly res: ServerResponse,
    private readonly options: RunStreamOptions,
  ) {
    res.writeHead(200, { ...SSE_HEADERS, ...options.headers });
    this.writtenSeq = options.after;
    this.heartbeat = options.wheel.add(() => this.write(this.heartbeatFrame(), 0), options.heartbeatMs);
    res.on('close', this.onClose);

    const prologue = options.dialect.open?.();
    if (prologue) this.write(prologue, 0);
    const stop = options.bus.subscribe(options.runId, options.after, this);
    // The replay may already have ended or overflowed the stream synchronously.
    if (this.closed || this.overflowed) stop();
    else this.unsubscribe = stop;
    // Headers and the replay leave now: a nextTick flush would wait for every microtask queued
    // behind this one, such as the run's first database transaction and model steps.
    this.flush();
  }

  onEntry(entry: LogEntry): void {
    const frame = this.options.dialect.encode(entry);
    if (frame) this.write(frame, entry.seq);
  }

  onEnd(): void {
    this.finish();
  }

  /** Redis stayed unreachable past the bus's bound: the run goes on, the client resumes later. */
  onError(): void {
    this.cutOff('bus_unavailable', BUS_UNAVAILABLE_RETRY_MS);
  }

  private heartbeatFrame(): string {
    return this.options.dialect.heartbeat?.() ?? HEARTBEAT_FRAME;
  }

  private cleanup(): void {
    this.heartbeat.stop();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private clientGone(): void {
    if (this.closed) return;
    this.closed = true;
    this.cleanup();
    this.options.onClientGone?.();
  }

  private finish(): void {
    if (this.closed) return;
    if (!this.epilogueWritten && !this.overflowed) {
      this.epilogueWritten = true;
      const epilogue = this.options.dialect.close?.();
      if (epilogue) this.write(epilogue, 0);
    }
    this.flush();
    if (this.queue) {
      this.endPending = true;
      return;
    }
    this.closed = true;
    this.cleanup();
    this.res.end();
  }

  private write(chunk: string, seq: number): void {
    if (this.closed || this.endPending) return;
    if (this.queue) {
      this.queue.push(chunk);
      if (seq > 0) this.queuedSeq = seq;
      if (this.queue.length > this.options.maxQueuedFrames) this.overflow();
      return;
    }
    this.batch += chunk;
    if (seq > 0) this.batchSeq = seq;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(flushStream, this);
    }
  }

  /** Hands the batch to the socket; a full socket starts the queue. */
  flush(): void {
    this.flushScheduled = false;
    if (this.closed || this.batch === '') return;
    const chunk = this.batch;
    this.batch = '';
    this.heartbeat.touch();
    if (this.batchSeq > this.writtenSeq) this.writtenSeq = this.batchSeq;
    const ok = this.res.write(chunk);
    // node:http corks the socket on each write until its own nextTick, which waits behind every
    // queued microtask (a run's database work, its model steps): send the batch now instead.
    this.res.socket?.uncork();
    if (!ok) {
      this.queue = [];
      this.res.once('drain', this.onDrain);
    }
  }

  private drain(): void {
    const pending = this.queue;
    this.queue = undefined;
    if (!pending || this.closed) return;
    if (this.queuedSeq > this.writtenSeq) this.writtenSeq = this.queuedSeq;
    if (!this.res.write(pending.join(''))) {
      this.queue = [];
      this.res.once('drain', this.onDrain);
      return;
    }
    if (this.endPending) {
      this.endPending = false;
      this.finish();
    }
  }

  /** Drops what waits beyond the socket and tells the client where to resume. */
  private overflow(): void {
    this.overflowed = true;
    this.queue = [this.errorFrame('slow_consumer', this.writtenSeq)];
    this.queuedSeq = 0;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.endPending = true;
  }

  /**
   * Cuts the stream off for a reason of the connection's, not the run's: stops following the log
   * and, after whatever is queued, writes an error frame `code` (like slow_consumer's: no id, not
   * in the log) carrying `retry: retryMs`, then ends the response without the dialect's epilogue
   * (the run has not ended), so the client reconnects with its Last-Event-ID. For the hand-off at
   * shutdown (`shutting_down`: to another instance) and for a bus that stays unreachable
   * (`bus_unavailable`: later).
   */
  private cutOff(code: 'shutting_down' | 'bus_unavailable', retryMs: number): void {
    if (this.closed || this.endPending) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.epilogueWritten = true;
    this.flush();
    const lastEventId = this.queue ? Math.max(this.writtenSeq, this.queuedSeq) : this.writtenSeq;
    this.write(this.errorFrame(code, lastEventId, retryMs), 0);
    this.finish();
  }

  /** An error frame of the transport's own (no id, not in the log), naming where to resume. */
  private errorFrame(
    code: 'slow_consumer' | 'shutting_down' | 'bus_unavailable',
    lastEventId: number,
    retryMs?: number,
  ): string {
    const error = new SluiceError(code, code === 'slow_consumer' ? { last_event_id: lastEventId } : {});
    return encodeFrame({
      event: 'error',
      ...(retryMs === undefined ? {} : { retry: retryMs }),
      data: JSON.stringify({
        event_type: 'error',
        data: {
          error_message: error.toBody(this.options.language).error.message,
          error_details: { last_event_id: lastEventId },
          code: error.code,
          retryable: true,
        },
      }),
    });
  }
}

function flushStream(stream: RunStream): void {
  stream.flush();
}
