/**
 * The scenarios' dealings with their children: starting a load generator (bench/load.ts or a
 * scenario's own), giving bench/load.ts a job, reading a server child's resource use.
 */
import type { ChildProcess } from 'node:child_process';
import { forkChild, nextMessage } from '../children.ts';
import type { LoadCommand, LoadJob, LoadResult, ProcessStats } from '../ipc.ts';
import { ask, ROOT } from './child-control.ts';

const START_TIMEOUT_MS = 60_000;

/** Forks `script` (from the repository root) and waits for its `ready`. */
export async function startLoadChild(script: string, what: string): Promise<ChildProcess> {
  const child = forkChild(new URL(script, ROOT));
  await nextMessage(
    child,
    (m) => ((m as { type?: string }).type === 'ready' ? true : undefined),
    START_TIMEOUT_MS,
    what,
  );
  return child;
}

/** Runs one bench/load.ts job; bounded by the job's own duration and tail. */
export function runLoadJob(load: ChildProcess, job: LoadJob): Promise<LoadResult> {
  const reply = nextMessage(
    load,
    (m) => ((m as { type?: string }).type === 'result' ? (m as { result: LoadResult }).result : undefined),
    (job.rampMs ?? 0) + job.durationMs + job.tailMs + 30_000,
    `load ${job.mode} c=${job.concurrency}`,
  );
  load.send({ type: 'job', job } satisfies LoadCommand);
  return reply;
}

/** A server child's memory and CPU time now (no collection first). */
export function serverStats(child: ChildProcess, what: string): Promise<ProcessStats> {
  return ask(child, { type: 'stats' }, 'stats', (r) => r.stats as ProcessStats, `${what} stats`);
}
