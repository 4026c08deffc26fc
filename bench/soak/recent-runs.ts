import type { Random } from './random.ts';

export interface RecentRun {
  runId: string;
  sessionId: string;
  /** performance.now() when the run started. */
  at: number;
}

/** Where a client dropped a run's stream: seqs 1..lastSeq were checked, the rest is unread. */
export interface DropPoint {
  runId: string;
  lastSeq: number;
  /** performance.now() when the run started (not when it was dropped: its log's age counts). */
  at: number;
}

/**
 * Runs started lately, for clients that join them, take over a dropped stream, or read them
 * back. Only runs that started less than `maxAgeMs` ago are handed out, so their event logs are
 * still kept (the benchmark server keeps a log 10 s after its run ends, and a run ends after it
 * starts). Both lists are bounded.
 */
export class RecentRuns {
  private readonly runs: RecentRun[] = [];
  private readonly drops: DropPoint[] = [];

  constructor(
    private readonly maxAgeMs: number,
    private readonly size = 256,
  ) {}

  addRun(run: RecentRun): void {
    this.runs.push(run);
    if (this.runs.length > this.size) this.runs.shift();
  }

  addDrop(drop: DropPoint): void {
    this.drops.push(drop);
    if (this.drops.length > this.size) this.drops.shift();
  }

  pickRun(random: Random): RecentRun | undefined {
    const fresh = this.runs.filter((run) => performance.now() - run.at < this.maxAgeMs);
    return fresh.length > 0 ? random.pick(fresh) : undefined;
  }

  /** A drop point is handed out once: one client takes over where another left. */
  takeDrop(random: Random): DropPoint | undefined {
    const fresh = this.drops.filter((drop) => performance.now() - drop.at < this.maxAgeMs);
    if (fresh.length === 0) return undefined;
    const drop = random.pick(fresh);
    this.drops.splice(this.drops.indexOf(drop), 1);
    return drop;
  }
}
