import type { LoadMode, LoadResult, ProcessStats } from './ipc.ts';

/** One measured round: the load generator's report and the server's own cost during it. */
export interface RoundRecord {
  concurrency: number;
  round: number;
  mode: LoadMode;
  result: LoadResult;
  server: {
    /** CPU time (user + system) the server process used during the round, microseconds. */
    cpuUs: number;
    rssBefore: number;
    rssAfter: number;
  };
}

/** The medians over one mode's rounds at one concurrency. */
export interface ModeSummary {
  rounds: number;
  eventsPerSecond: number;
  streamsPerSecond: number;
  ttfeP50: number;
  ttfeP99: number;
  gapP50: number;
  gapP99: number;
  /** Server CPU time per event delivered, microseconds. */
  serverCpuUsPerEvent: number;
  /** Server CPU time per completed stream, milliseconds. */
  serverCpuMsPerStream: number;
  /** CPU the server process used over the round's time: 1 = one core busy throughout. */
  serverCores: number;
  /** The same for the load generator. */
  loadCores: number;
  /** Summed over the rounds, not a median. */
  errors: number;
}

export interface ConcurrencySummary {
  concurrency: number;
  baseline: ModeSummary;
  sluice: ModeSummary;
  /** Sluice over baseline, of the medians. */
  ratio: { eventsPerSecond: number; serverCpuUsPerEvent: number; ttfeP50: number };
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function summarizeMode(rounds: RoundRecord[]): ModeSummary {
  const of = (pick: (r: RoundRecord) => number) => median(rounds.map(pick));
  return {
    rounds: rounds.length,
    eventsPerSecond: Math.round(of((r) => r.result.eventsPerSecond)),
    streamsPerSecond: round(
      of((r) => (r.result.streamsCompleted / r.result.elapsedMs) * 1000),
      1,
    ),
    ttfeP50: round(
      of((r) => r.result.ttfe.p50),
      3,
    ),
    ttfeP99: round(
      of((r) => r.result.ttfe.p99),
      3,
    ),
    gapP50: round(
      of((r) => r.result.gap.p50),
      3,
    ),
    gapP99: round(
      of((r) => r.result.gap.p99),
      3,
    ),
    serverCpuUsPerEvent: round(
      of((r) => (r.result.events > 0 ? r.server.cpuUs / r.result.events : 0)),
      2,
    ),
    serverCpuMsPerStream: round(
      of((r) => (r.result.streamsCompleted > 0 ? r.server.cpuUs / r.result.streamsCompleted / 1000 : 0)),
      3,
    ),
    serverCores: round(
      of((r) => r.server.cpuUs / 1000 / r.result.elapsedMs),
      2,
    ),
    loadCores: round(
      of((r) => r.result.loadCpuUs / 1000 / r.result.elapsedMs),
      2,
    ),
    errors: rounds.reduce((sum, r) => sum + r.result.errors, 0),
  };
}

function ratio(a: number, b: number): number {
  return b > 0 ? round(a / b, 3) : 0;
}

export function summarize(rounds: RoundRecord[], concurrencies: number[]): ConcurrencySummary[] {
  return concurrencies.map((concurrency) => {
    const at = rounds.filter((r) => r.concurrency === concurrency);
    const baseline = summarizeMode(at.filter((r) => r.mode === 'baseline'));
    const sluice = summarizeMode(at.filter((r) => r.mode === 'sluice'));
    return {
      concurrency,
      baseline,
      sluice,
      ratio: {
        eventsPerSecond: ratio(sluice.eventsPerSecond, baseline.eventsPerSecond),
        serverCpuUsPerEvent: ratio(sluice.serverCpuUsPerEvent, baseline.serverCpuUsPerEvent),
        ttfeP50: ratio(sluice.ttfeP50, baseline.ttfeP50),
      },
    };
  });
}

/** Memory of a server process at the start and the end of the measured rounds. */
export interface MemoryRecord {
  before: ProcessStats;
  after: ProcessStats;
}
