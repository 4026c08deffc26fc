import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RunEnd } from '../runs/index.ts';
import type { RunRecord } from '../store/index.ts';
import { UsageStats } from './stats.ts';

function end(tenant: string, agent: string, status: RunEnd['status'], tokens: number, cost = 0): RunEnd {
  return {
    run: { tenant_id: tenant, agent_id: agent } as RunRecord,
    status,
    usage: { input_tokens: tokens, output_tokens: tokens, total_tokens: 2 * tokens, total_cost: cost },
    errorCode: status === 'failed' ? 'upstream_error' : null,
    messages: 2,
  };
}

describe('UsageStats', () => {
  const started = new Date('2026-11-21T10:00:00.000Z');

  test('counts runs, streams and sessions per tenant and per agent', () => {
    const stats = new UsageStats(started);
    stats.recordRun(end('a', 'assistant', 'completed', 10, 0.1));
    stats.recordRun(end('a', 'assistant', 'failed', 1, 0.2));
    stats.recordRun(end('a', 'planner', 'cancelled', 5));
    stats.recordRun(end('a', 'planner', 'interrupted', 0));
    stats.recordStream('a', 'planner');
    stats.recordSession('a', 'assistant');
    stats.recordRun(end('b', 'assistant', 'completed', 100));

    const a = stats.snapshot('a');
    assert.equal(a.since, '2026-11-21T10:00:00.000Z');
    assert.deepEqual(
      [
        a.requests,
        a.completed,
        a.errors,
        a.cancelled,
        a.streams,
        a.sessions,
        a.messages,
        a.total_tokens,
        a.total_cost,
      ],
      [4, 1, 2, 1, 1, 1, 8, 32, 0.3],
    );
    assert.deepEqual(Object.keys(a.agents), ['assistant', 'planner']);
    assert.equal(a.agents.assistant?.requests, 2);
    assert.equal(a.agents.planner?.streams, 1);
    assert.equal(stats.snapshot('b').total_tokens, 200);
  });

  test('an unknown tenant has zeroes; reset zeroes one tenant and restarts its clock', () => {
    const stats = new UsageStats(started, () => new Date('2026-11-21T11:00:00.000Z'));
    assert.equal(stats.snapshot('nobody').requests, 0);
    stats.recordRun(end('a', 'assistant', 'completed', 1));
    stats.recordRun(end('b', 'assistant', 'completed', 1));
    const zero = stats.reset('a');
    assert.equal(zero.requests, 0);
    assert.deepEqual(zero.agents, {});
    assert.equal(zero.since, '2026-11-21T11:00:00.000Z');
    assert.equal(stats.snapshot('b').requests, 1);
  });

  test('snapshots are copies', () => {
    const stats = new UsageStats(started);
    stats.recordRun(end('a', 'assistant', 'completed', 1));
    const before = stats.snapshot('a');
    stats.recordRun(end('a', 'assistant', 'completed', 1));
    assert.equal(before.requests, 1);
    assert.equal(before.agents.assistant?.requests, 1);
  });
});
