import type { CanonicalEvent } from '../protocol/events.ts';
import type { CancelRunResponse } from '../protocol/responses.ts';
import type { ActivityListener } from './activity.ts';
import type { RetryOptions } from './backoff.ts';
import { ProtocolError, RunFailedError } from './errors.ts';
import type { StreamCursor } from './read-events.ts';
import { resumingEvents } from './resume-loop.ts';
import { RunCollector, type RunResult } from './run-result.ts';

export interface RunStreamInit {
  /** From the response headers; learned from the first event when absent (CORS hides them). */
  runId: string | undefined;
  sessionId: string | undefined;
  /** The events already seen: the stream starts after this seq. */
  after: number;
  response: Response;
  reconnect(runId: string, after: number, signal: AbortSignal): Promise<Response>;
  cancel(runId: string): Promise<CancelRunResponse>;
  retry: RetryOptions;
  idleMs: number;
  /** Aborted by `close()`; the caller links its own signal to it. */
  controller: AbortController;
  /** Called once when the stream closes (to drop listeners on the caller's signal). */
  onClose?: () => void;
  /** Sees the raw frames, comments and reconnections (see StreamActivity). */
  onActivity?: ActivityListener | undefined;
}

/**
 * One run's events as an async iterator: typed, validated against the protocol's schemas, each
 * exactly once and in seq order, resuming by itself when the connection drops. Iterate it once
 * (`for await`), or let `text()` / `result()` read it to the end. Leaving the loop early closes
 * the connection; the run itself goes on unless cancelled.
 */
export class RunStream implements AsyncIterable<CanonicalEvent> {
  private readonly cursor: StreamCursor;
  private readonly source: AsyncGenerator<CanonicalEvent, void>;
  private readonly collector = new RunCollector();
  private peeked: CanonicalEvent | undefined;
  private delivered: number;
  private started = false;
  private closed = false;
  private resultPromise: Promise<RunResult> | undefined;

  private constructor(private readonly init: RunStreamInit) {
    this.delivered = init.after;
    this.cursor = {
      runId: init.runId,
      sessionId: init.sessionId,
      lastSeq: init.after,
      serverRetryMs: undefined,
    };
    this.source = resumingEvents({
      cursor: this.cursor,
      first: init.response,
      reconnect: init.reconnect,
      retry: init.retry,
      idleMs: init.idleMs,
      signal: init.controller.signal,
      onActivity: init.onActivity,
    });
  }

  /** Resolves once the run and session ids are known: at once, or after the first event. */
  static async open(init: RunStreamInit): Promise<RunStream> {
    const stream = new RunStream(init);
    if (init.runId === undefined || init.sessionId === undefined) {
      try {
        const first = await stream.source.next();
        if (first.done) throw new ProtocolError('the stream ended before its first event');
        stream.peeked = first.value;
      } catch (error) {
        stream.close();
        throw error;
      }
    }
    return stream;
  }

  get runId(): string {
    return this.cursor.runId as string;
  }

  get sessionId(): string {
    return this.cursor.sessionId as string;
  }

  /** seq of the last event this stream handed out; `joinRun(runId, {after})` continues from it. */
  get lastEventId(): number {
    return this.delivered;
  }

  [Symbol.asyncIterator](): AsyncIterator<CanonicalEvent> {
    if (this.started) throw new Error('a RunStream can be iterated only once');
    this.started = true;
    return this.iterate();
  }

  /** Asks the server to cancel the run. The stream goes on to its conversation_end (`cancelled`). */
  cancel(): Promise<CancelRunResponse> {
    return this.init.cancel(this.runId);
  }

  /** Stops reading and drops the connection; the iterator ends. The run goes on. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.init.controller.abort();
    this.init.onClose?.();
    this.source.return(undefined).catch(() => {});
  }

  /**
   * Reads the stream to its end and returns what the run amounted to. Never throws for the run's
   * outcome (see `status`); throws when the stream itself fails. After a `for await` loop of
   * your own, returns what that loop received.
   */
  result(): Promise<RunResult> {
    if (this.started && !this.resultPromise) {
      return Promise.resolve(this.collector.result(this.runId, this.sessionId));
    }
    this.resultPromise ??= (async () => {
      for await (const _event of this);
      return this.collector.result(this.runId, this.sessionId);
    })();
    return this.resultPromise;
  }

  /** The answer's text; throws RunFailedError when the run did not complete. */
  async text(): Promise<string> {
    const result = await this.result();
    if (result.status !== 'completed') throw new RunFailedError(result);
    return result.text;
  }

  private async *iterate(): AsyncGenerator<CanonicalEvent, void> {
    try {
      if (this.peeked) {
        const event = this.peeked;
        this.peeked = undefined;
        yield this.deliver(event);
      }
      for await (const event of this.source) {
        // close() from inside a loop body: nothing more, not even what was already buffered.
        if (this.closed) return;
        yield this.deliver(event);
      }
    } finally {
      this.close();
    }
  }

  private deliver(event: CanonicalEvent): CanonicalEvent {
    this.delivered = event.seq;
    this.collector.add(event);
    return event;
  }
}
