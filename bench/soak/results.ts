import type { RunCounts } from '../ipc.ts';
import type { MachineInfo } from '../results.ts';
import type { CycleCounts } from './cycles.ts';
import type { MixedCounts } from './mixed.ts';
import type { MemoryReading } from './server.ts';
import type { TallySnapshot } from './tally.ts';

export interface SoakSettings {
  quick: boolean;
  cycles: number;
  minutes: number;
  seed: number;
  cycleConcurrency: number;
  /** No cycle starts after this long. */
  cycleTimeBoundMs: number;
  /** Share of dropped cycle clients that resume to conversation_end. */
  resumeSample: number;
  mixedConcurrency: number;
  warmupMs: number;
  /** The demo model's pace, tokens per second. */
  demoPace: number;
  /** runs.retention_ms: how long an ended run's log stays resumable. */
  retentionMs: number;
  requestTimeoutMs: number;
  /** The soak fails when the server's heap after GC ends more than this above its start. */
  heapBoundMb: number;
}

/** What bench/results/soak-<date>.json holds. */
export interface SoakResults {
  startedAt: string;
  command: string;
  machine: MachineInfo;
  settings: SoakSettings;
  warmup: { seconds: number; tally: TallySnapshot };
  cycles: CycleCounts & { tally: TallySnapshot };
  mixed: MixedCounts & { tally: TallySnapshot };
  totals: {
    requests: number;
    errors: number;
    eventsChecked: number;
    eventsLost: number;
    runsCheckedToEnd: number;
  };
  memory: {
    /** Both readings were taken after forced full collections. */
    gc: boolean;
    start: MemoryReading;
    end: MemoryReading;
    /** Highest readings sampled during the mixed traffic (no forced collection). */
    peak: MemoryReading;
    samples: Array<{ seconds: number } & MemoryReading>;
  };
  /** The server's runs once the traffic stopped and the server settled. */
  runs: RunCounts;
  verdict: { passed: boolean; failures: string[] };
  totalSeconds: number;
}
