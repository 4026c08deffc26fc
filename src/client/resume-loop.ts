import type { CanonicalEvent } from '../protocol/events.ts';
import type { ActivityListener } from './activity.ts';
import { notify } from './activity.ts';
import { backoffDelay, type RetryOptions } from './backoff.ts';
import { ApiError, ConnectionError, RateLimitError, StreamInterruptedError } from './errors.ts';
import { readEvents, type StreamCursor } from './read-events.ts';
import { wait } from './wait.ts';

export interface ResumeLoopOptions {
  cursor: StreamCursor;
  /** The response already open (the POST that started the run, or the first join). */
  first: Response;
  /** Opens `GET /api/runs/{id}/events` after `after`; throws the client's errors. */
  reconnect(runId: string, after: number, signal: AbortSignal): Promise<Response>;
  retry: RetryOptions;
  idleMs: number;
  /** Aborting ends the loop quietly: the caller closed the stream. */
  signal: AbortSignal;
  /** Sees every frame, comment and reconnection attempt. */
  onActivity?: ActivityListener | undefined;
}

/**
 * A run's events across as many connections as it takes: when one drops before
 * conversation_end, waits (backoff with jitter, honouring `retry:` and `Retry-After`) and
 * resumes after the last event it handed on, so every event comes exactly once, in order. A
 * `slow_consumer` notice names the last event the server wrote; resuming after the last event
 * received instead is the same or safer, since repeats are skipped.
 *
 * Gives up with StreamInterruptedError after `retry.maxAttempts` resumes in a row that brought
 * no new event; a resume answered 4xx (404 not found, 410 log expired, 401, ...) ends the loop
 * with that ApiError at once, since trying again cannot help.
 */
export async function* resumingEvents(options: ResumeLoopOptions): AsyncGenerator<CanonicalEvent, void> {
  const { cursor, signal, retry } = options;
  let response: Response | undefined = options.first;
  let attempts = 0;
  let cause: unknown;
  let floorMs = 0;
  for (;;) {
    if (signal.aborted) return;
    let connection: AbortController | undefined;
    if (!response) {
      if (attempts >= retry.maxAttempts || cursor.runId === undefined) {
        throw new StreamInterruptedError(cursor.runId, cursor.lastSeq, attempts, cause);
      }
      attempts++;
      notify(options.onActivity, { kind: 'reconnecting', attempt: attempts, after: cursor.lastSeq });
      await wait(backoffDelay(attempts, retry, cursor.serverRetryMs, floorMs), signal);
      if (signal.aborted) return;
      connection = linkedController(signal);
      try {
        response = await withDeadline(
          options.reconnect(cursor.runId, cursor.lastSeq, connection.signal),
          connection,
          options.idleMs,
        );
        floorMs = 0;
      } catch (error) {
        connection.abort();
        if (signal.aborted) return;
        if (!isRetryable(error)) throw error;
        cause = error;
        floorMs = error instanceof RateLimitError && error.retryAfter !== null ? error.retryAfter * 1000 : 0;
        continue;
      }
    }
    const body = response.body;
    response = undefined;
    const before = cursor.lastSeq;
    try {
      if (!body) continue;
      const outcome = yield* readEvents(body, cursor, options.idleMs, options.onActivity);
      if (outcome.ended || signal.aborted) return;
      cause = outcome.cause;
    } finally {
      connection?.abort();
    }
    if (cursor.lastSeq > before) attempts = 0;
  }
}

/** Aborts with the stream, or alone (to give up on one connection). */
function linkedController(signal: AbortSignal): AbortController {
  const controller = new AbortController();
  const abort = () => controller.abort();
  signal.addEventListener('abort', abort, { once: true });
  controller.signal.addEventListener('abort', () => signal.removeEventListener('abort', abort), {
    once: true,
  });
  return controller;
}

/**
 * A resume whose answer does not come within `ms` (a connection gone silent before the headers)
 * is aborted and counted as a failed attempt, like a refused one.
 */
async function withDeadline<T>(promise: Promise<T>, connection: AbortController, ms: number): Promise<T> {
  if (ms <= 0) return promise;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    connection.abort();
  }, ms);
  try {
    return await promise;
  } catch (error) {
    throw timedOut ? new TimeoutError(ms, error) : error;
  } finally {
    clearTimeout(timer);
  }
}

class TimeoutError extends Error {
  override name = 'TimeoutError';

  constructor(ms: number, cause: unknown) {
    super(`no answer within ${ms} ms`, { cause });
  }
}

/** Worth another try: no answer at all, a timeout, rate limiting, or a server-side failure. */
function isRetryable(error: unknown): boolean {
  if (error instanceof ConnectionError || error instanceof TimeoutError) return true;
  if (error instanceof ApiError) return error.status === 408 || error.status === 429 || error.status >= 500;
  return false;
}
