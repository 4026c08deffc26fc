import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SluiceError } from '../protocol/index.ts';
import { isStoreUnavailable, retryStore, type StoreRetryPolicy } from './store-retry.ts';

const FAST: StoreRetryPolicy = { attempts: 4, firstDelayMs: 4, maxDelayMs: 10 };
const unavailable = () => new SluiceError('store_unavailable', {}, null, { cause: new Error('ECONNRESET') });

describe('retryStore', () => {
  test('retries store_unavailable with growing, jittered, capped waits, then returns the result', async () => {
    const attempts: number[] = [];
    const waits: Array<{ attempt: number; delayMs: number }> = [];
    const result = await retryStore(
      async (attempt) => {
        attempts.push(attempt);
        if (attempt < 4) throw unavailable();
        return 'saved';
      },
      FAST,
      (error, attempt, delayMs) => {
        assert.ok(isStoreUnavailable(error));
        waits.push({ attempt, delayMs });
      },
    );
    assert.equal(result, 'saved');
    assert.deepEqual(attempts, [1, 2, 3, 4]);
    assert.deepEqual(
      waits.map((w) => w.attempt),
      [1, 2, 3],
    );
    // Ceilings 4, 8, 10 (capped); each wait is between half its ceiling and the ceiling.
    for (const [i, ceiling] of [4, 8, 10].entries()) {
      const delay = waits[i]?.delayMs ?? -1;
      assert.ok(delay >= ceiling / 2 && delay <= ceiling, `wait ${i + 1}: ${delay} ms`);
    }
  });

  test('gives up after the policy’s attempts with the last error', async () => {
    let calls = 0;
    const last = unavailable();
    await assert.rejects(
      retryStore(async () => {
        calls++;
        throw calls === FAST.attempts ? last : unavailable();
      }, FAST),
      (error) => error === last,
    );
    assert.equal(calls, FAST.attempts);
  });

  test('any other error is not retried', async () => {
    let calls = 0;
    await assert.rejects(
      retryStore(async () => {
        calls++;
        throw new SluiceError('session_not_found', { id: 'x' });
      }, FAST),
      /Session x does not exist/,
    );
    await assert.rejects(
      retryStore(async () => {
        calls++;
        throw new Error('duplicate key value violates unique constraint');
      }, FAST),
      /duplicate key/,
    );
    assert.equal(calls, 2);
  });
});
