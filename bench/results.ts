import { cpus, release, totalmem } from 'node:os';
import type { ConcurrencySummary, MemoryRecord, RoundRecord } from './summary.ts';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  totalMemoryBytes: number;
  node: string;
  platform: string;
  kernel: string;
}

export interface BenchSettings {
  quick: boolean;
  concurrencies: number[];
  rounds: number;
  roundMs: number;
  warmupMs: number;
  /** Sluice's runs.retention_ms in the benchmark (see bench/sluice-settings.ts). */
  retentionMs: number;
}

/** What one stream is: the run a message asks the demo model for. */
export interface Workload {
  name: 'long' | 'short';
  /** What the workload shows, in a sentence for the report. */
  purpose: string;
  message: string;
}

/** One workload measured at every concurrency. */
export interface WorkloadResults {
  workload: Workload;
  /** The Sluice run the baseline replays. */
  recordedRun: { frames: number; events: number; bytes: number };
  memory: { baseline: MemoryRecord; sluice: MemoryRecord };
  summary: ConcurrencySummary[];
  rounds: RoundRecord[];
}

/** What bench/results/<date>.json holds. */
export interface BenchResults {
  /** ISO time the run started. */
  startedAt: string;
  command: string;
  machine: MachineInfo;
  settings: BenchSettings;
  workloads: WorkloadResults[];
  totalSeconds: number;
}

export function machineInfo(): MachineInfo {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    totalMemoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    kernel: release(),
  };
}
