import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { backoffDelay, DEFAULT_RETRY } from './backoff.ts';

const retry = { initialDelayMs: 100, maxDelayMs: 5000, maxAttempts: 8 };

describe('backoffDelay', () => {
  test('doubles from the initial delay, jittered down by at most 25%', () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((attempt) => backoffDelay(attempt, retry, undefined, 0, () => 0)),
      [100, 200, 400, 800],
    );
    assert.deepEqual(
      [1, 2, 3, 4].map((attempt) => backoffDelay(attempt, retry, undefined, 0, () => 0.999999)),
      [75, 150, 300, 600],
    );
  });

  test("the server's retry: replaces the initial delay", () => {
    assert.equal(
      backoffDelay(1, retry, 3000, 0, () => 0),
      3000,
    );
    assert.equal(
      backoffDelay(2, retry, 3000, 0, () => 0),
      5000,
    );
    assert.equal(
      backoffDelay(1, retry, 0, 0, () => 0),
      0,
    );
  });

  test('Retry-After raises the delay, but not past maxDelayMs', () => {
    assert.equal(
      backoffDelay(1, retry, undefined, 2000, () => 0.5),
      2000,
    );
    assert.equal(
      backoffDelay(1, retry, undefined, 60_000, () => 0.5),
      5000,
    );
  });

  test('always within [0, maxDelayMs], whatever the attempt, server hint or randomness', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: undefined }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, maxDelayMs, initialDelayMs, serverRetry, floor, random) => {
          const delay = backoffDelay(
            attempt,
            { initialDelayMs, maxDelayMs, maxAttempts: 3 },
            serverRetry,
            floor,
            () => random,
          );
          return Number.isFinite(delay) && delay >= 0 && delay <= maxDelayMs;
        },
      ),
    );
  });

  test('the defaults give up after about a minute of failures, not hours', () => {
    let total = 0;
    for (let attempt = 1; attempt <= DEFAULT_RETRY.maxAttempts; attempt++) {
      total += backoffDelay(attempt, DEFAULT_RETRY, 3000, 0, () => 0);
    }
    assert.ok(total <= 70_000, `${total} ms`);
  });
});
