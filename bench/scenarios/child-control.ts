/**
 * Asking the scenario's child processes (servers from bench/server-child.ts, the holding load
 * generator) one question at a time over IPC, each answer bounded in time, and stopping them.
 */
import type { ChildProcess } from 'node:child_process';
import { forkChild, nextMessage } from '../children.ts';
import type { LoopDelay, ProcessStats, ServerCommand, ServerInit } from '../ipc.ts';
import type { HoldCommand, HoldStatus, OpenJob, OpenResult } from './hold-ipc.ts';

export const ROOT = new URL('../../', import.meta.url);
const START_TIMEOUT_MS = 60_000;
const ANSWER_TIMEOUT_MS = 30_000;

/** Sends `command` and resolves with `pick` of the first reply of type `type`. */
export function ask<T>(
  child: ChildProcess,
  command: ServerCommand | HoldCommand,
  type: string,
  pick: (reply: Record<string, unknown>) => T,
  what: string,
  timeoutMs = ANSWER_TIMEOUT_MS,
): Promise<T> {
  const answer = nextMessage(
    child,
    (m) => {
      const reply = m as Record<string, unknown>;
      return reply.type === type ? pick(reply) : undefined;
    },
    timeoutMs,
    what,
  );
  child.send(command);
  return answer;
}

/**
 * Forks a bench server child (through tsx) and waits for its URL (killing it when none comes).
 * `init` is sent at once: the raw writer (bench/baseline-server.ts) listens only once it has its
 * frames.
 */
export async function startServer(
  script: string,
  what: string,
  options: { execArgv?: string[]; args?: string[]; init?: ServerInit } = {},
): Promise<{ child: ChildProcess; url: string }> {
  const child = forkChild(new URL(script, ROOT), options.execArgv ?? [], options.args ?? []);
  if (options.init) child.send(options.init);
  try {
    const url = await nextMessage(
      child,
      (m) => {
        const reply = m as { type?: string; url?: string };
        return reply.type === 'ready' ? reply.url : undefined;
      },
      START_TIMEOUT_MS,
      what,
    );
    return { child, url };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

/** Memory after a full collection (the child must run with --expose-gc for heapUsed to mean live heap). */
export function statsAfterGc(child: ChildProcess, what: string): Promise<ProcessStats> {
  return ask(child, { type: 'gc' }, 'gc', (r) => r.stats as ProcessStats, `${what} gc`);
}

const SETTLE_MIN_MS = 10_000;
const SETTLE_MAX_MS = 30_000;
const SETTLE_STEP_MS = 1_000;
const SETTLE_READINGS = 5;
const SETTLE_TOLERANCE = 1024 * 1024;

/**
 * Memory once RSS has settled: a full collection every second until at least SETTLE_MIN_MS have
 * passed and the last five readings agree within 1 MiB (at most SETTLE_MAX_MS). V8 gives freed
 * pages back to the system seconds after a collection: an idle Sluice process's RSS falls by some
 * 30 MB about 5 s into such a series, and by as much again some 6 s later unless the process runs
 * with --no-memory-reducer. A single reading can thus be off by more than 1,000 streams' worth.
 */
export async function settledStats(child: ChildProcess, what: string): Promise<ProcessStats> {
  const started = performance.now();
  const readings: ProcessStats[] = [];
  for (;;) {
    readings.push(await statsAfterGc(child, what));
    const last = readings.slice(-SETTLE_READINGS).map((r) => r.rss);
    const elapsed = performance.now() - started;
    const stable =
      last.length === SETTLE_READINGS && Math.max(...last) - Math.min(...last) <= SETTLE_TOLERANCE;
    if ((stable && elapsed >= SETTLE_MIN_MS) || elapsed >= SETTLE_MAX_MS)
      return readings.at(-1) as ProcessStats;
    await new Promise((resolve) => setTimeout(resolve, SETTLE_STEP_MS));
  }
}

/** The event-loop delay since the previous call; starts a new window. */
export function loopDelay(child: ChildProcess, what: string): Promise<LoopDelay> {
  return ask(child, { type: 'loop-delay' }, 'loop-delay', (r) => r.delay as LoopDelay, `${what} loop delay`);
}

/** Asks a child to stop, then kills it if it has not exited within `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.send({ type: 'stop' });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** The holding load generator (bench/scenarios/hold-load.ts), ready for jobs. */
export async function startHoldLoad(): Promise<ChildProcess> {
  const child = forkChild(new URL('bench/scenarios/hold-load.ts', ROOT));
  await nextMessage(
    child,
    (m) => ((m as { type?: string }).type === 'ready' ? true : undefined),
    START_TIMEOUT_MS,
    'holding load generator',
  );
  return child;
}

export function openStreams(load: ChildProcess, job: OpenJob): Promise<OpenResult> {
  return ask(
    load,
    { type: 'open', job },
    'opened',
    (r) => r.result as OpenResult,
    `open ${job.count} ${job.kind} streams`,
    job.deadlineMs + 30_000,
  );
}

export function holdStatus(load: ChildProcess): Promise<HoldStatus> {
  return ask(load, { type: 'status' }, 'status', (r) => r.status as HoldStatus, 'hold status');
}

export function closeStreams(load: ChildProcess): Promise<number> {
  return ask(load, { type: 'close' }, 'closed', (r) => r.closed as number, 'close streams');
}
