/**
 * One measurement of the capacity scenario: a fresh server process holding N long-lived streams
 * opened by the holding load child. Warms the server up with a few streams of the same kind,
 * reads its memory after a full collection, opens the N streams at a bounded rate, holds them for
 * a while, and reads the event-loop delay of that while and the memory again. The server is
 * stopped and the streams closed before it returns, whatever happens.
 */
import type { ChildProcess } from 'node:child_process';
import type { LoopDelay, Percentiles, ProcessStats } from '../ipc.ts';
import {
  closeStreams,
  holdStatus,
  loopDelay,
  openStreams,
  settledStats,
  startServer,
  stopChild,
} from './child-control.ts';
import type { HoldKind, HoldStatus, OpenJob } from './hold-ipc.ts';

export interface HeldServerFigures {
  requested: number;
  opened: number;
  failed: number;
  errorSamples: string[];
  /** From the first stream request to the last stream open. */
  openSeconds: number;
  openMs: Percentiles;
  /** After warm-up, before the N streams (settled: see settledStats). */
  before: ProcessStats;
  /** With the N streams open, after the hold (settled). */
  open: ProcessStats;
  /** (open - before) / opened, bytes. */
  rssPerStream: number;
  heapPerStream: number;
  /** Event-loop delay while the streams were being opened, and while they were held. */
  loopDelayOpening: LoopDelay;
  loopDelayHeld: LoopDelay;
  /** What the clients received during the hold. */
  held: HoldStatus;
}

export interface HeldServerPlan {
  what: string;
  /** The server child's script, from the repository root. */
  script: string;
  /** The server child's first argument (JSON configuration). */
  config: unknown;
  kind: HoldKind;
  count: number;
  warmupCount: number;
  perSecond: number;
  maxPending: number;
  openDeadlineMs: number;
  holdMs: number;
  message?: string;
  /** Before warm-up, with the server's URL: e.g. starts the runs to join; returns the targets. */
  prepare?: (url: string) => Promise<string[] | undefined>;
  log: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function measureHeldStreams(
  load: ChildProcess,
  plan: HeldServerPlan,
): Promise<HeldServerFigures> {
  const { child, url } = await startServer(plan.script, plan.what, {
    // Collections on demand, and no memory reducer: it shrinks the heap some 10 s after a quiet
    // spell, which would land in one reading and not the other (see settledStats).
    execArgv: ['--expose-gc', '--no-memory-reducer'],
    args: [JSON.stringify(plan.config)],
  });
  try {
    const targets = await plan.prepare?.(url);
    const job = (count: number): OpenJob => ({
      kind: plan.kind,
      url,
      count,
      perSecond: plan.perSecond,
      maxPending: plan.maxPending,
      deadlineMs: plan.openDeadlineMs,
      ...(plan.message ? { message: plan.message } : {}),
      ...(targets ? { targets } : {}),
    });

    const warm = await openStreams(load, job(plan.warmupCount));
    if (warm.failed > 0) throw new Error(`${plan.what} warm-up: ${warm.errorSamples.join('; ')}`);
    await sleep(1_000);
    await closeStreams(load);
    const before = await settledStats(child, plan.what);

    await loopDelay(child, plan.what);
    plan.log(`${plan.what}: opening ${plan.count} streams`);
    const opened = await openStreams(load, job(plan.count));
    const loopDelayOpening = await loopDelay(child, plan.what);
    await holdStatus(load);
    plan.log(
      `${plan.what}: ${opened.opened} open in ${(opened.elapsedMs / 1000).toFixed(1)} s` +
        `${opened.failed ? `, ${opened.failed} failed (${opened.errorSamples[0]})` : ''}; holding ${plan.holdMs / 1000} s`,
    );
    await sleep(plan.holdMs);
    const loopDelayHeld = await loopDelay(child, plan.what);
    const held = await holdStatus(load);
    const open = await settledStats(child, plan.what);
    const per = (key: 'rss' | 'heapUsed') =>
      opened.opened > 0 ? Math.round((open[key] - before[key]) / opened.opened) : 0;
    return {
      requested: opened.requested,
      opened: opened.opened,
      failed: opened.failed,
      errorSamples: opened.errorSamples,
      openSeconds: Math.round(opened.elapsedMs / 100) / 10,
      openMs: opened.openMs,
      before,
      open,
      rssPerStream: per('rss'),
      heapPerStream: per('heapUsed'),
      loopDelayOpening,
      loopDelayHeld,
      held,
    };
  } finally {
    await closeStreams(load).catch(() => 0);
    await stopChild(child);
  }
}
