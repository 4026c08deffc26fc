/**
 * Scenario 2, fan-out: one run joined by 1,000 clients, against a raw node:http writer with one
 * producer writing the same frames to 1,000 responses, in the same run on the same machine.
 * Target: Sluice delivers at least 0.5 of the raw writer's events/s.
 *
 * Each round, every client joins first (Sluice: `GET /api/runs/{id}/events` on a run whose model
 * has not answered yet; raw: `GET /fanout`), then the load child opens the gate and times from
 * there to the last client's end: events delivered after the gate / that time. Rounds alternate
 * raw, Sluice, raw, Sluice...; the figures are medians over rounds. See fanout-bench.ts for why
 * Sluice's model is a gated upstream streaming the demo model's text.
 */
import { median } from '../summary.ts';
import { type FanOutRound, type RecordedRun, startFanOutBench } from './fanout-bench.ts';
import {
  type Comparison,
  elapsedSeconds,
  plural,
  round,
  type ScenarioOptions,
  type ScenarioResult,
} from './scenario.ts';

export const FANOUT_CPU_SPLIT =
  'server and load generator in separate processes (each one busy core at most on 2 cores); ' +
  'the orchestrator, which also serves the gated upstream, is idle while events are delivered';

export interface FanOutSettings {
  clients: number;
  roundsPerMode: number;
  /** Words asked of the demo text (null: its usual five paragraphs). */
  words: number | null;
  upstreamTokens: number;
  recordedRun: RecordedRun;
  readTimeoutMs: number;
  cpu: string;
}

export interface FanOutModeSummary {
  rounds: number;
  /** Medians over rounds. */
  eventsPerSecond: number;
  elapsedMs: number;
  /** Gate -> a client's first event, and -> its end: medians of the rounds' p50 and p99. */
  firstEventP50Ms: number;
  endP99Ms: number;
  joinMs: number;
  serverCpuMs: number;
  loadCpuMs: number;
  errors: number;
}

export interface FanOutScenarioResult extends ScenarioResult {
  scenario: 'fanout';
  settings: FanOutSettings;
  rounds: FanOutRound[];
  baseline: FanOutModeSummary;
  sluice: FanOutModeSummary;
  /** Sluice's events/s over the raw writer's (medians). */
  ratio: number;
  target: { minRatio: number };
  /** Why the figures do not count, if they do not. */
  problems: string[];
}

const TARGET_RATIO = 0.5;
const CLIENTS = 1_000;
/** Events a Sluice client reads before the gate opens (conversation_start): not counted. */
const REPLAYED_AT_JOIN = 2;

export async function runFanOut(options: ScenarioOptions = {}): Promise<FanOutScenarioResult> {
  const began = performance.now();
  const quick = options.quick ?? false;
  const log = options.log ?? ((line: string) => console.log(line));
  const roundsPerMode = quick ? 2 : 5;
  const words = quick ? undefined : 1_000;
  const readTimeoutMs = 120_000;

  log(`fanout: ${CLIENTS} clients on one run, ${plural(roundsPerMode, 'round')} each, raw writer and Sluice`);
  const bench = await startFanOutBench({ ...(words ? { words } : {}), readTimeoutMs });
  const rounds: FanOutRound[] = [];
  try {
    log(
      `fanout: the run is ${bench.recorded.events} events, ${bench.recorded.bytes} bytes ` +
        `(${bench.upstreamTokens} upstream tokens)`,
    );
    // A warm-up round each, not counted: the first joins of a process pay for its JIT.
    for (const mode of ['baseline', 'sluice'] as const) {
      await bench.round(mode, { round: 0, readers: Math.min(100, CLIENTS), stalled: 0 });
    }
    for (let r = 1; r <= roundsPerMode; r++) {
      for (const mode of ['baseline', 'sluice'] as const) {
        const done = await bench.round(mode, { round: r, readers: CLIENTS, stalled: 0 });
        rounds.push(done);
        const res = done.result;
        log(
          `fanout round ${r} ${mode.padEnd(8)} ${String(res.eventsPerSecond).padStart(9)} events/s  ` +
            `${res.events} events in ${res.elapsedMs} ms  joined in ${res.joinMs} ms` +
            `${res.errors ? `  ${res.errors} errors (${res.errorSamples[0]})` : ''}`,
        );
      }
    }
  } finally {
    await bench.close();
  }

  const baseline = summarize(rounds.filter((r) => r.mode === 'baseline'));
  const sluice = summarize(rounds.filter((r) => r.mode === 'sluice'));
  const ratio =
    baseline.eventsPerSecond > 0 ? round(sluice.eventsPerSecond / baseline.eventsPerSecond, 3) : 0;
  const problems = findProblems(rounds, bench.recorded.events);
  const met = problems.length === 0 && ratio >= TARGET_RATIO;
  const comparison: Comparison = {
    what: `fan-out: events/s delivered, 1 run to ${CLIENTS.toLocaleString('en-US')} clients`,
    unit: 'events/s',
    baseline: baseline.eventsPerSecond,
    sluice: sluice.eventsPerSecond,
    ratio,
    target: `ratio ≥ ${TARGET_RATIO}`,
    met,
  };
  return {
    scenario: 'fanout',
    quick,
    met,
    seconds: elapsedSeconds(began),
    comparisons: [comparison],
    settings: {
      clients: CLIENTS,
      roundsPerMode,
      words: words ?? null,
      upstreamTokens: bench.upstreamTokens,
      recordedRun: bench.recorded,
      readTimeoutMs,
      cpu: FANOUT_CPU_SPLIT,
    },
    rounds,
    baseline,
    sluice,
    ratio,
    target: { minRatio: TARGET_RATIO },
    problems,
  };
}

function summarize(rounds: FanOutRound[]): FanOutModeSummary {
  const of = (pick: (r: FanOutRound) => number) => median(rounds.map(pick));
  return {
    rounds: rounds.length,
    eventsPerSecond: Math.round(of((r) => r.result.eventsPerSecond)),
    elapsedMs: round(
      of((r) => r.result.elapsedMs),
      1,
    ),
    firstEventP50Ms: round(
      of((r) => r.result.firstEvent.p50),
      3,
    ),
    endP99Ms: round(
      of((r) => r.result.end.p99),
      3,
    ),
    joinMs: Math.round(of((r) => r.result.joinMs)),
    serverCpuMs: Math.round(of((r) => r.server.cpuMs)),
    loadCpuMs: Math.round(of((r) => r.result.loadCpuUs / 1000)),
    errors: rounds.reduce((sum, r) => sum + r.result.errors, 0),
  };
}

/** A round counts only when every client joined, read to the end, and got the whole run. */
function findProblems(rounds: FanOutRound[], runEvents: number): string[] {
  const problems: string[] = [];
  for (const r of rounds) {
    const at = `${r.mode} round ${r.round}`;
    if (r.result.errors > 0)
      problems.push(`${at}: ${r.result.errors} failed streams (${r.result.errorSamples[0]})`);
    if (r.result.readers < CLIENTS) problems.push(`${at}: ${r.result.readers} of ${CLIENTS} clients joined`);
    if (r.result.eventsPerReader.min < runEvents - REPLAYED_AT_JOIN) {
      problems.push(`${at}: a client read ${r.result.eventsPerReader.min} of the run's ${runEvents} events`);
    }
  }
  return problems;
}
