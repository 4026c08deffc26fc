import { SluiceError } from '../protocol/index.ts';

/** How long the end of a run keeps trying to reach the database. */
export interface StoreRetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** Wait before the second try; each later wait doubles, up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
}

/**
 * About 16 s of waits (0.25 + 0.5 + 1 + 2 + 4 + 4 + 4, each with up to -50% jitter): long enough to
 * ride out a PostgreSQL restart or failover, short enough that a run's stream (which waits for
 * its result to be saved before conversation_end) and a shutdown stay bounded.
 */
export const PERSIST_RETRY: StoreRetryPolicy = { attempts: 8, firstDelayMs: 250, maxDelayMs: 4000 };

/** Whether trying the same store call again later can succeed: the database was unreachable. */
export function isStoreUnavailable(error: unknown): boolean {
  return error instanceof SluiceError && error.code === 'store_unavailable';
}

/**
 * Calls `call` until it succeeds, retrying only `store_unavailable` failures, with exponential
 * backoff and jitter (so instances that lost the same database do not all return at once).
 * `call` gets the attempt number (1, 2, ...): a call that is not idempotent can check, on a retry,
 * whether the attempt that failed had in fact committed before its connection dropped.
 * Rejects with the last error once `policy.attempts` are spent, or at once on any other error.
 */
export async function retryStore<T>(
  call: (attempt: number) => Promise<T>,
  policy: StoreRetryPolicy = PERSIST_RETRY,
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (!isStoreUnavailable(error) || attempt >= policy.attempts) throw error;
      const ceiling = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (attempt - 1));
      const delayMs = Math.round(ceiling * (0.5 + Math.random() * 0.5));
      onRetry?.(error, attempt, delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
