/** How a run stream retries after its connection drops. */
export interface RetryOptions {
  /** First delay; the server's `retry:` field, when it sent one, takes its place. */
  initialDelayMs: number;
  /** No delay is ever longer than this, whatever the server or `Retry-After` asks. */
  maxDelayMs: number;
  /** Resume attempts in a row that bring no new event before giving up. */
  maxAttempts: number;
}

export const DEFAULT_RETRY: Readonly<RetryOptions> = Object.freeze({
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  maxAttempts: 8,
});

/**
 * The wait before resume attempt `attempt` (1-based): exponential from the base (the server's
 * `retry:` if any, else `initialDelayMs`), capped at `maxDelayMs` and jittered down by up to 25%
 * so clients cut off together do not come back together, then raised to `floorMs` (a
 * `Retry-After`) but never past `maxDelayMs`. Always within [0, maxDelayMs].
 */
export function backoffDelay(
  attempt: number,
  retry: RetryOptions,
  serverRetryMs: number | undefined,
  floorMs = 0,
  random: () => number = Math.random,
): number {
  const base = serverRetryMs ?? retry.initialDelayMs;
  // The exponent is capped so that 0 * 2^1024 (NaN) cannot happen on very long outages.
  const exponential = base * 2 ** Math.min(Math.max(0, attempt - 1), 52);
  const jittered = Math.min(retry.maxDelayMs, exponential) * (1 - 0.25 * random());
  return Math.max(0, Math.round(Math.min(retry.maxDelayMs, Math.max(jittered, floorMs))));
}
