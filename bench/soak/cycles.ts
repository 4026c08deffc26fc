/**
 * Phase 1: connect/disconnect cycles. Each cycle is one client that starts a run's stream, joins
 * a recent run from its first event, or takes over where another client dropped a stream
 * (Last-Event-ID); it reads a random number of events (none at all, a few, many, or to the end)
 * and drops the connection abruptly. A sample of the clients then resumes from its last seen id
 * until conversation_end: the seqs it assembled must be 1..end with no gap. The others leave
 * their drop point for a later cycle to take over.
 */

import { ChainSet } from './chain-set.ts';
import type { SoakContext } from './context.ts';
import type { StreamAnswer } from './http.ts';
import { ALL, createSession, followRun, NATIVE_MESSAGES, postRun, resumeToEnd } from './native.ts';
import { runPool } from './pool.ts';
import type { DropPoint, RecentRun } from './recent-runs.ts';
import type { SeqChain } from './seq-chain.ts';

export interface CycleSettings {
  cycles: number;
  concurrency: number;
  /** No cycle starts after this many ms. */
  timeBoundMs: number;
  /** Share of the dropped clients that resume to conversation_end (0..1). */
  resumeSample: number;
}

export interface CycleCounts {
  started: number;
  /** How the cycles began: `new` run, `join` from the start, `takeover` of a dropped stream. */
  byStart: Record<string, number>;
  /** How they left: dropped at the headers, dropped after some events, read to the end. */
  byEnd: Record<string, number>;
  /** Dropped clients that then resumed to conversation_end. */
  resumedToEnd: number;
  seconds: number;
}

type Start = 'new' | 'join' | 'takeover';

const START_WEIGHTS: Record<Start, number> = { new: 4, join: 3, takeover: 3 };

/** Events to read before dropping: 0 (at the headers), a few, many, or all. */
function frameLimit(ctx: SoakContext): number {
  const roll = ctx.random.next();
  if (roll < 0.15) return 0;
  if (roll < 0.5) return ctx.random.int(1, 10);
  if (roll < 0.85) return ctx.random.int(11, 150);
  return ALL;
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** What a cycle opens: a stream of a new run, a join, or a takeover of a drop point. */
type Target = { start: 'new' } | { start: 'join'; run: RecentRun } | { start: 'takeover'; drop: DropPoint };

/** The start the dice wanted, or a new run when there is no recent run or drop point to use. */
function chooseTarget(ctx: SoakContext): Target {
  const wanted = ctx.random.weighted(START_WEIGHTS);
  const drop = wanted === 'takeover' ? ctx.recent.takeDrop(ctx.random) : undefined;
  if (drop) return { start: 'takeover', drop };
  const run = wanted === 'new' ? undefined : ctx.recent.pickRun(ctx.random);
  return run ? { start: 'join', run } : { start: 'new' };
}

/** Opens the target's stream and reads `limit` events; `runAt` is when its run started. */
async function openCycle(
  ctx: SoakContext,
  target: Target,
  scenario: string,
  limit: number,
  chains: ChainSet,
): Promise<{ runId: string; runAt: number; chain: SeqChain; answer: StreamAnswer }> {
  if (target.start === 'takeover') {
    const { drop } = target;
    const chain = chains.add(drop.lastSeq);
    const answer = await followRun(ctx, scenario, drop.runId, chain, limit);
    return { runId: drop.runId, runAt: drop.at, chain, answer };
  }
  if (target.start === 'join') {
    const chain = chains.add();
    const answer = await followRun(ctx, scenario, target.run.runId, chain, limit);
    return { runId: target.run.runId, runAt: target.run.at, chain, answer };
  }
  const sessionId = await createSession(ctx);
  const chain = chains.add();
  const message = ctx.random.pick(NATIVE_MESSAGES);
  const runAt = performance.now();
  const { runId, answer } = await postRun(ctx, scenario, sessionId, { message }, chain, limit);
  ctx.recent.addRun({ runId, sessionId, at: runAt });
  return { runId, runAt, chain, answer };
}

async function cycle(ctx: SoakContext, settings: CycleSettings, counts: CycleCounts): Promise<void> {
  const chains = new ChainSet();
  const target = chooseTarget(ctx);
  const scenario = `cycle ${target.start}`;
  bump(counts.byStart, target.start);
  try {
    const limit = frameLimit(ctx);
    const { runId, runAt, chain, answer } = await openCycle(ctx, target, scenario, limit, chains);
    bump(
      counts.byEnd,
      answer.ended ? 'read to the end' : limit === 0 ? 'dropped at the headers' : 'dropped midway',
    );
    if (chain.ended || answer.ended) return;
    if (ctx.random.chance(settings.resumeSample)) {
      chains.missing(chain, await resumeToEnd(ctx, scenario, runId, chain));
      if (chain.ended) counts.resumedToEnd++;
    } else if (chain.lastSeq > 0) {
      ctx.recent.addDrop({ runId, lastSeq: chain.lastSeq, at: runAt });
    }
  } catch (error) {
    ctx.tally.failure(scenario, error);
  } finally {
    chains.tallyInto(ctx.tally, scenario);
  }
}

export async function runCycles(ctx: SoakContext, settings: CycleSettings): Promise<CycleCounts> {
  const counts: CycleCounts = { started: 0, byStart: {}, byEnd: {}, resumedToEnd: 0, seconds: 0 };
  const began = performance.now();
  counts.started = await runPool(
    { concurrency: settings.concurrency, maxTasks: settings.cycles, deadline: began + settings.timeBoundMs },
    () => cycle(ctx, settings, counts),
  );
  counts.seconds = Math.round((performance.now() - began) / 100) / 10;
  return counts;
}
