/**
 * The extraction task's `decide_billing` (mcp-extract-sse.md): a pure decision from what the task
 * ended with to whether, and how much, the caller is charged. The rule, in order:
 *
 * | status                    | validated_count | billable | amount                   | reason                    |
 * |---------------------------|-----------------|----------|--------------------------|---------------------------|
 * | `completed`               | 1 or more       | yes      | count x price per item   | `validated_items`         |
 * | `completed`               | 0 or missing    | no       | 0                        | `no_validated_items`      |
 * | `AGENT_EXECUTION_FAILURE` | any             | no       | 0                        | `agent_execution_failure` |
 * | anything else             | any             | no       | 0                        | `not_completed`           |
 */

export interface BillingInput {
  /** The agent result's status, or `AGENT_EXECUTION_FAILURE` when the task failed. */
  status: string;
  validated_count?: number;
}

export type BillingReason =
  | 'validated_items'
  | 'no_validated_items'
  | 'agent_execution_failure'
  | 'not_completed';

export interface BillingDecision {
  billable: boolean;
  amount: number;
  currency: string;
  reason: BillingReason;
}

export interface BillingPrices {
  pricePerItem: number;
  currency: string;
}

export const AGENT_EXECUTION_FAILURE = 'AGENT_EXECUTION_FAILURE';

export function decideBilling(input: BillingInput, prices: BillingPrices): BillingDecision {
  const free = (reason: BillingReason): BillingDecision => ({
    billable: false,
    amount: 0,
    currency: prices.currency,
    reason,
  });
  if (input.status === AGENT_EXECUTION_FAILURE) return free('agent_execution_failure');
  if (input.status !== 'completed') return free('not_completed');
  const count = input.validated_count ?? 0;
  if (!Number.isSafeInteger(count) || count <= 0) return free('no_validated_items');
  return {
    billable: true,
    // Rounded to a millionth so a float product never prints as 0.30000000000000004.
    amount: Math.round(count * prices.pricePerItem * 1e6) / 1e6,
    currency: prices.currency,
    reason: 'validated_items',
  };
}
