import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AGENT_EXECUTION_FAILURE, decideBilling } from './billing.ts';

const prices = { pricePerItem: 0.001, currency: 'USD' };

describe('decideBilling', () => {
  test('a completed task with validated items is billed per item', () => {
    assert.deepEqual(decideBilling({ status: 'completed', validated_count: 3 }, prices), {
      billable: true,
      amount: 0.003,
      currency: 'USD',
      reason: 'validated_items',
    });
  });

  test('the amount is rounded to a millionth', () => {
    assert.equal(
      decideBilling({ status: 'completed', validated_count: 3 }, { pricePerItem: 0.1, currency: 'EUR' })
        .amount,
      0.3,
    );
  });

  test('a completed task with nothing validated is not billed', () => {
    for (const validated_count of [0, undefined]) {
      assert.deepEqual(
        decideBilling(
          { status: 'completed', ...(validated_count === undefined ? {} : { validated_count }) },
          prices,
        ),
        {
          billable: false,
          amount: 0,
          currency: 'USD',
          reason: 'no_validated_items',
        },
      );
    }
  });

  test('an agent failure is not billed, whatever the count', () => {
    assert.deepEqual(decideBilling({ status: AGENT_EXECUTION_FAILURE, validated_count: 9 }, prices), {
      billable: false,
      amount: 0,
      currency: 'USD',
      reason: 'agent_execution_failure',
    });
  });

  test('any other status is not billed', () => {
    for (const status of ['failed', 'cancelled', 'partial', '']) {
      const decision = decideBilling({ status, validated_count: 5 }, prices);
      assert.equal(decision.billable, false, status);
      assert.equal(decision.reason, 'not_completed', status);
    }
  });
});
