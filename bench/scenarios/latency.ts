/**
 * Scenario 4, latency under load: 1,000 streams at 40 tokens/s each, against a raw node:http
 * writer pacing the same frames at the same rate, in the same run on the same machine.
 * Target: the p99 gap between consecutive events at the client is at most 1.25 times the raw
 * writer's.
 *
 * Sluice runs the demo model at `demo_pace: 40`; each stream is a new session and a run streamed
 * as SSE. The raw writer (bench/baseline-server.ts, `delaysMs`) replays a recorded run with the
 * demo model's schedule: 25 ms before each text chunk but the first, nothing before the other
 * frames, each stream on a setTimeout of its own. That is what the demo model does (one timer per
 * token per run, waiting after each token is handed on), so per-stream timers are the fair
 * equivalent, not a shared timer wheel. The streams start spread over a ramp (the same for both),
 * and the load generator (bench/load.ts) runs in its own process.
 */
import type { ChildProcess } from 'node:child_process';
import { forkChild, nextMessage } from '../children.ts';
import type { LoadJob, LoadMode, LoadResult, LoopDelay } from '../ipc.ts';
import { recordRun } from '../record-run.ts';
import { median } from '../summary.ts';
import { loopDelay, ROOT, startServer, stopChild } from './child-control.ts';
import {
  type Comparison,
  elapsedSeconds,
  plural,
  round,
  type ScenarioOptions,
  type ScenarioResult,
} from './scenario.ts';
import { runLoadJob, serverStats, startLoadChild } from './scenario-children.ts';

export interface LatencySettings {
  streams: number;
  tokensPerSecond: number;
  /** The streams start spread over this many ms. */
  rampMs: number;
  roundsPerMode: number;
  message: string;
  recordedRun: { frames: number; events: number; chunks: number; bytes: number };
  pacing: string;
  cpu: string;
}

export interface LatencyRound {
  mode: LoadMode;
  round: number;
  result: LoadResult;
  /** The server's event-loop delay over the round. */
  serverLoopDelay: LoopDelay;
  /** CPU time the server used over the round, ms. */
  serverCpuMs: number;
}

export interface LatencyModeSummary {
  rounds: number;
  /** Medians over rounds of each round's percentiles, ms. */
  gapP50Ms: number;
  gapP99Ms: number;
  gapMaxMs: number;
  ttfeP50Ms: number;
  ttfeP99Ms: number;
  eventsPerSecond: number;
  serverLoopDelayP99Ms: number;
  /** Busy cores over the round (CPU time / wall time), server and load generator. */
  serverCores: number;
  loadCores: number;
  streamsCompleted: number;
  errors: number;
}

export interface LatencyScenarioResult extends ScenarioResult {
  scenario: 'latency';
  settings: LatencySettings;
  rounds: LatencyRound[];
  baseline: LatencyModeSummary;
  sluice: LatencyModeSummary;
  /** Sluice's p99 gap over the raw writer's. */
  ratio: number;
  target: { maxRatio: number };
  problems: string[];
}

const TARGET_RATIO = 1.25;
const STREAMS = 1_000;
const TOKENS_PER_SECOND = 40;
const RAMP_MS = 2_000;
const MESSAGE = 'write a long detailed text about rivers';
/** Streams still open this long after the ramp are cut (errors); a paced run lasts about 7 s. */
const TAIL_MS = 60_000;
const CHUNK_EVENT = '\nevent: assistant_message_chunk\n';

export const LATENCY_CPU_SPLIT =
  'server and load generator (bench/load.ts) in separate processes, each one busy core at most on 2 cores; ' +
  'the orchestrator is idle during rounds';

/** The demo model's schedule for a recorded run: a pause before every text chunk but the first. */
export function pacedDelays(frames: string[], tokensPerSecond: number): number[] {
  let chunks = 0;
  return frames.map((frame) => (frame.includes(CHUNK_EVENT) && chunks++ > 0 ? 1000 / tokensPerSecond : 0));
}

export async function runLatency(options: ScenarioOptions = {}): Promise<LatencyScenarioResult> {
  const began = performance.now();
  const quick = options.quick ?? false;
  const log = options.log ?? ((line: string) => console.log(line));
  const roundsPerMode = quick ? 1 : 3;
  const children: ChildProcess[] = [];
  const rounds: LatencyRound[] = [];
  let settings: LatencySettings;

  try {
    log(
      `latency: ${STREAMS} streams at ${TOKENS_PER_SECOND} tokens/s, ${plural(roundsPerMode, 'round')} each`,
    );
    const sluice = await startServer('bench/sluice-server.ts', 'sluice server', {
      args: [JSON.stringify({ demo_pace: TOKENS_PER_SECOND })],
    });
    children.push(sluice.child);
    // One paced run (about 7 s): the raw writer's frames, and the Sluice server's warm-up.
    const frames = await recordRun(sluice.url, MESSAGE);
    const delaysMs = pacedDelays(frames, TOKENS_PER_SECOND);
    settings = {
      streams: STREAMS,
      tokensPerSecond: TOKENS_PER_SECOND,
      rampMs: RAMP_MS,
      roundsPerMode,
      message: MESSAGE,
      recordedRun: {
        frames: frames.length,
        events: frames.filter((f) => f.startsWith('id:')).length,
        chunks: frames.filter((f) => f.includes(CHUNK_EVENT)).length,
        bytes: Buffer.byteLength(frames.join('')),
      },
      pacing: 'per-stream timers: one setTimeout per frame per stream, as the demo model paces each run',
      cpu: LATENCY_CPU_SPLIT,
    };

    const baseline = forkChild(new URL('bench/baseline-server.ts', ROOT));
    children.push(baseline);
    const baselineReady = nextMessage(
      baseline,
      (m) =>
        (m as { type?: string; url?: string }).type === 'ready' ? (m as { url: string }).url : undefined,
      60_000,
      'baseline server',
    );
    baseline.send({ type: 'init', frames, delaysMs });
    const baselineUrl = await baselineReady;
    const load = await startLoadChild('bench/load.ts', 'load generator');
    children.push(load);
    log(
      `latency: the run is ${settings.recordedRun.events} events (${settings.recordedRun.chunks} chunks paced), ` +
        `${settings.recordedRun.bytes} bytes`,
    );

    const servers: Record<LoadMode, { child: ChildProcess; url: string }> = {
      baseline: { child: baseline, url: baselineUrl },
      sluice,
    };
    const job = (mode: LoadMode, streams: number): LoadJob => ({
      url: servers[mode].url,
      mode,
      concurrency: streams,
      maxStreams: streams,
      rampMs: RAMP_MS,
      // Every worker starts its one stream within the ramp (a late timer has 4 s of slack), and
      // none starts another: maxStreams are all started before the first (7 s) stream ends.
      durationMs: RAMP_MS + 4_000,
      tailMs: TAIL_MS,
      message: MESSAGE,
    });
    if (!quick) {
      log('latency: warming up with 100 streams each');
      for (const mode of ['baseline', 'sluice'] as const) await runLoadJob(load, job(mode, 100));
    }
    for (let r = 1; r <= roundsPerMode; r++) {
      for (const mode of ['baseline', 'sluice'] as const) {
        const { child } = servers[mode];
        await loopDelay(child, mode);
        const before = await serverStats(child, mode);
        const result = await runLoadJob(load, job(mode, STREAMS));
        const after = await serverStats(child, mode);
        const serverLoopDelay = await loopDelay(child, mode);
        const serverCpuMs = (after.cpuUser + after.cpuSystem - before.cpuUser - before.cpuSystem) / 1000;
        rounds.push({ mode, round: r, result, serverLoopDelay, serverCpuMs: Math.round(serverCpuMs) });
        log(
          `latency round ${r} ${mode.padEnd(8)} gap p50 ${result.gap.p50} ms  p99 ${result.gap.p99} ms  ` +
            `max ${result.gap.max} ms  ${result.streamsCompleted} streams  loop delay p99 ${serverLoopDelay.p99} ms` +
            `${result.errors ? `  ${result.errors} errors (${result.errorSamples[0]})` : ''}`,
        );
      }
    }
  } finally {
    await Promise.all(children.map((child) => stopChild(child)));
  }

  const baseline = summarize(rounds.filter((r) => r.mode === 'baseline'));
  const sluice = summarize(rounds.filter((r) => r.mode === 'sluice'));
  const ratio = baseline.gapP99Ms > 0 ? round(sluice.gapP99Ms / baseline.gapP99Ms, 3) : 0;
  const problems = findProblems(rounds, settings.recordedRun.events);
  const met = problems.length === 0 && ratio > 0 && ratio <= TARGET_RATIO;
  const comparison: Comparison = {
    what: `latency: p99 gap between events, ${STREAMS.toLocaleString('en-US')} streams at ${TOKENS_PER_SECOND}/s`,
    unit: 'ms',
    baseline: baseline.gapP99Ms,
    sluice: sluice.gapP99Ms,
    ratio,
    target: `ratio ≤ ${TARGET_RATIO}`,
    met,
  };
  return {
    scenario: 'latency',
    quick,
    met,
    seconds: elapsedSeconds(began),
    comparisons: [comparison],
    settings,
    rounds,
    baseline,
    sluice,
    ratio,
    target: { maxRatio: TARGET_RATIO },
    problems,
  };
}

function summarize(rounds: LatencyRound[]): LatencyModeSummary {
  const of = (pick: (r: LatencyRound) => number) => median(rounds.map(pick));
  return {
    rounds: rounds.length,
    gapP50Ms: round(
      of((r) => r.result.gap.p50),
      3,
    ),
    gapP99Ms: round(
      of((r) => r.result.gap.p99),
      3,
    ),
    gapMaxMs: round(
      of((r) => r.result.gap.max),
      3,
    ),
    ttfeP50Ms: round(
      of((r) => r.result.ttfe.p50),
      3,
    ),
    ttfeP99Ms: round(
      of((r) => r.result.ttfe.p99),
      3,
    ),
    eventsPerSecond: Math.round(of((r) => r.result.eventsPerSecond)),
    serverLoopDelayP99Ms: round(
      of((r) => r.serverLoopDelay.p99),
      3,
    ),
    serverCores: round(
      of((r) => r.serverCpuMs / r.result.elapsedMs),
      2,
    ),
    loadCores: round(
      of((r) => r.result.loadCpuUs / 1000 / r.result.elapsedMs),
      2,
    ),
    streamsCompleted: Math.round(of((r) => r.result.streamsCompleted)),
    errors: rounds.reduce((sum, r) => sum + r.result.errors, 0),
  };
}

/** A round counts only when every stream completed with the whole run. */
function findProblems(rounds: LatencyRound[], runEvents: number): string[] {
  const problems: string[] = [];
  for (const r of rounds) {
    const at = `${r.mode} round ${r.round}`;
    if (r.result.errors > 0)
      problems.push(`${at}: ${r.result.errors} failed streams (${r.result.errorSamples[0]})`);
    if (r.result.streamsCompleted < STREAMS) {
      problems.push(`${at}: ${r.result.streamsCompleted} of ${STREAMS} streams completed`);
    }
    if (r.result.streamsCompleted > 0 && r.result.eventsPerStream.min < runEvents) {
      problems.push(
        `${at}: a stream carried ${r.result.eventsPerStream.min} of the run's ${runEvents} events`,
      );
    }
  }
  return problems;
}
