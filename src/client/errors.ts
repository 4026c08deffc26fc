import type { ErrorCode } from '../protocol/errors.ts';
import type { RunResult } from './run-result.ts';

/**
 * What the client SDK throws, as a small hierarchy to `catch` by class:
 *
 * - `ApiError`: the server answered with an error status and `{error: {code, message, details}}`;
 *   one subclass per status a caller handles differently (`NotFoundError`, `GoneError`, ...).
 * - `ConnectionError`: no answer at all (DNS, refused, reset before the headers).
 * - `StreamInterruptedError`: a run's stream dropped and every resume attempt failed.
 * - `ProtocolError`: the server sent something the protocol does not allow.
 * - `RunFailedError`: `RunStream.text()` on a run that did not complete.
 *
 * Named `SluiceClientError` (not `SluiceError`, the server's own error type) so both can be
 * imported side by side.
 */
export class SluiceClientError extends Error {
  override name = 'SluiceClientError';
}

export class ApiError extends SluiceClientError {
  override name = 'ApiError';
  /** The stable code from the server's error table; `unknown` when the body was not an error body. */
  readonly code: ErrorCode | 'unknown';
  /** The server's message, in the request's language. */
  readonly serverMessage: string;
  readonly details: Record<string, unknown> | null;

  constructor(
    readonly status: number,
    body: { code: ErrorCode | 'unknown'; message: string; details: Record<string, unknown> | null },
    readonly headers: Headers,
  ) {
    super(body.code === 'unknown' ? `${status} ${body.message}` : `${status} ${body.code}: ${body.message}`);
    this.code = body.code;
    this.serverMessage = body.message;
    this.details = body.details;
  }
}

/** 400: the request was invalid (`validation_failed`, `invalid_json`, `unsupported_language`, ...). */
export class ValidationError extends ApiError {
  override name = 'ValidationError';
}

/** 401: missing or unknown API key. */
export class AuthenticationError extends ApiError {
  override name = 'AuthenticationError';
}

/** 404: no such session, run, agent or route (for this tenant). */
export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
}

/** 409: e.g. `session_busy`: the session already has a run in progress. */
export class ConflictError extends ApiError {
  override name = 'ConflictError';
}

/** 410: the run's event log has expired; its final state is still at `getRun(id)`. */
export class GoneError extends ApiError {
  override name = 'GoneError';
}

export class RateLimitError extends ApiError {
  override name = 'RateLimitError';
  /** Seconds to wait, from the `Retry-After` header; null when absent. */
  readonly retryAfter: number | null;

  constructor(status: number, body: ConstructorParameters<typeof ApiError>[1], headers: Headers) {
    super(status, body, headers);
    const seconds = Number(headers.get('retry-after'));
    this.retryAfter = headers.has('retry-after') && Number.isFinite(seconds) ? seconds : null;
  }
}

/** 5xx: the server or the model service behind it failed; usually worth retrying. */
export class ServerError extends ApiError {
  override name = 'ServerError';
}

export class ConnectionError extends SluiceClientError {
  override name = 'ConnectionError';

  constructor(url: string, cause: unknown) {
    super(`Could not reach ${url}: ${describe(cause)}`, { cause });
  }
}

export class StreamInterruptedError extends SluiceClientError {
  override name = 'StreamInterruptedError';

  constructor(
    readonly runId: string | undefined,
    /** seq of the last event delivered: join again with `{after: lastEventId}`. */
    readonly lastEventId: number,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(
      `The stream of run ${runId ?? '(unknown)'} dropped after event ${lastEventId} and ${attempts} resume attempts failed: ${describe(cause)}`,
      { cause },
    );
  }
}

export class ProtocolError extends SluiceClientError {
  override name = 'ProtocolError';
}

export class RunFailedError extends SluiceClientError {
  override name = 'RunFailedError';

  constructor(readonly result: RunResult) {
    const last = result.errors.at(-1);
    super(
      `Run ${result.runId} ended ${result.status ?? 'without conversation_end'}` +
        (last ? `: [${last.code}] ${last.message}` : ''),
    );
  }
}

function describe(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  // undici's "fetch failed" hides the useful part (ECONNREFUSED, ...) in its own cause.
  const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
  return cause.message + inner;
}
