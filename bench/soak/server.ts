/**
 * The Sluice server under soak, in its own process (bench/sluice-server.ts) started with
 * --expose-gc, so that memory can be read after a full collection. Commands go one at a time.
 */
import type { ChildProcess } from 'node:child_process';
import { forkChild, nextMessage } from '../children.ts';
import type { ProcessStats, RunCounts, ServerCommand } from '../ipc.ts';

const ROOT = new URL('../../', import.meta.url);
const START_TIMEOUT_MS = 60_000;
const COMMAND_TIMEOUT_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface MemoryReading {
  rss: number;
  heapUsed: number;
}

export function reading(stats: ProcessStats): MemoryReading {
  return { rss: stats.rss, heapUsed: stats.heapUsed };
}

/** Nothing left running: no active run, no open stream, no run stored as queued or running. */
export function quiet(counts: RunCounts): boolean {
  return counts.active === 0 && counts.openStreams === 0 && Object.keys(counts.unfinished).length === 0;
}

export class SoakServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /** `overrides`: configuration keys for bench/sluice-server.ts (its first argument). */
  static async start(overrides: Record<string, unknown>): Promise<SoakServer> {
    const child = forkChild(
      new URL('bench/sluice-server.ts', ROOT),
      ['--expose-gc'],
      [JSON.stringify(overrides)],
    );
    const url = await nextMessage(
      child,
      (m) => {
        const message = m as { type?: string; url?: string };
        return message.type === 'ready' ? message.url : undefined;
      },
      START_TIMEOUT_MS,
      'sluice server',
    );
    return new SoakServer(child, url);
  }

  private ask<T>(
    command: ServerCommand,
    answer: (message: Record<string, unknown>) => T | undefined,
  ): Promise<T> {
    const reply = nextMessage(
      this.child,
      (m) => answer(m as Record<string, unknown>),
      COMMAND_TIMEOUT_MS,
      `sluice server ${command.type}`,
    );
    this.child.send(command);
    return reply;
  }

  stats(): Promise<ProcessStats> {
    return this.ask({ type: 'stats' }, (m) => (m.type === 'stats' ? (m.stats as ProcessStats) : undefined));
  }

  /** Memory after two full collections; `collected` is false when gc was not exposed. */
  gc(): Promise<{ collected: boolean; stats: ProcessStats }> {
    return this.ask({ type: 'gc' }, (m) =>
      m.type === 'gc' ? { collected: m.collected as boolean, stats: m.stats as ProcessStats } : undefined,
    );
  }

  runs(): Promise<RunCounts> {
    return this.ask({ type: 'runs' }, (m) => (m.type === 'runs' ? (m.counts as RunCounts) : undefined));
  }

  /** Polls until nothing is left running or `timeoutMs` passes; returns the last counts. */
  async settle(timeoutMs: number): Promise<RunCounts> {
    const deadline = performance.now() + timeoutMs;
    let counts = await this.runs();
    while (!quiet(counts) && performance.now() < deadline) {
      await sleep(250);
      counts = await this.runs();
    }
    return counts;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'stop' } satisfies ServerCommand);
    await Promise.race([exited, sleep(15_000)]);
  }
}
