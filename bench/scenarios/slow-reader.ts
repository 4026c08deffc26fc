/**
 * Scenario 6, slow reader: 100 clients read one run while one more client joins it and stops
 * reading, against the same with no stalled client, for Sluice and for a raw node:http writer
 * (one producer writing the same frames to every response) in the same run.
 * Target: the stalled client changes the other clients' throughput (events/s) by less than 10%,
 * and Sluice's memory stays bounded: the stalled client is cut off with `slow_consumer` once its
 * queue passes `runs.max_queued_frames`, and what the server holds for it (live heap with the
 * stalled client still connected, less the same without it) stays under that queue's size.
 *
 * The run must outlast the socket buffers plus the queue, so it is long: the demo model's text
 * about rivers at 30,000 words, through the gated upstream (see fanout-bench.ts). Memory is read
 * after a full collection, when the readers are done and before the stalled client reads again.
 * Ended logs are kept 2 s (not 10) and rounds start 3 s apart, so no round sees another's log.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { median } from '../summary.ts';
import { FANOUT_CPU_SPLIT } from './fanout.ts';
import { type FanOutRound, type RecordedRun, startFanOutBench } from './fanout-bench.ts';
import {
  type Comparison,
  elapsedSeconds,
  round,
  type ScenarioOptions,
  type ScenarioResult,
} from './scenario.ts';

export interface SlowReaderSettings {
  readers: number;
  stalled: number;
  words: number;
  upstreamTokens: number;
  recordedRun: RecordedRun;
  roundsPerCase: number;
  maxQueuedFrames: number;
  retentionMs: number;
  /** Largest allowed heap (bytes) Sluice may hold for the stalled client. */
  memoryBoundBytes: number;
  cpu: string;
}

export interface SlowReaderModeSummary {
  /** The readers' events/s, medians over rounds, without and with the stalled client. */
  controlEventsPerSecond: number;
  stalledEventsPerSecond: number;
  /** stalled / control - 1: -0.05 is 5% slower with the stalled client. */
  change: number;
  /**
   * Live heap (after a full collection) once the readers are done, with the stalled client still
   * connected, less the same in the control rounds (medians): what the server holds for it.
   */
  retainedHeapBytes: number;
  /** Peak RSS sampled during the rounds (medians), without and with the stalled client. */
  controlRssPeak: number;
  stalledRssPeak: number;
  /** What the stalled client got once it read again (the last stalled round's). */
  stalledEvents: number;
  stalledCutOff: boolean;
  errors: number;
}

export interface SlowReaderScenarioResult extends ScenarioResult {
  scenario: 'slow-reader';
  settings: SlowReaderSettings;
  rounds: FanOutRound[];
  baseline: SlowReaderModeSummary;
  sluice: SlowReaderModeSummary;
  target: { maxChange: number; memoryBoundBytes: number };
  throughputMet: boolean;
  memoryMet: boolean;
  problems: string[];
}

const READERS = 100;
const WORDS = 30_000;
const MAX_CHANGE = 0.1;
/** Sluice's default `runs.max_queued_frames`: the scenario keeps it. */
const MAX_QUEUED_FRAMES = 10_000;
const RETENTION_MS = 2_000;
const ROUND_PAUSE_MS = 3_000;

export async function runSlowReader(options: ScenarioOptions = {}): Promise<SlowReaderScenarioResult> {
  const began = performance.now();
  const quick = options.quick ?? false;
  const log = options.log ?? ((line: string) => console.log(line));
  const roundsPerCase = quick ? 1 : 3;

  log(`slow-reader: ${READERS} readers on one run of ${WORDS} words, with and without 1 stalled client`);
  const bench = await startFanOutBench({
    words: WORDS,
    exposeGc: true,
    readTimeoutMs: 180_000,
    sluiceConfig: { runs: { retention_ms: RETENTION_MS, max_queued_frames: MAX_QUEUED_FRAMES } },
  });
  const rounds: FanOutRound[] = [];
  // The queue holds frames the log also holds; were they copies, this is the most it could pin.
  const meanFrameBytes = bench.recorded.bytes / bench.recorded.frames;
  const memoryBoundBytes = Math.round(MAX_QUEUED_FRAMES * meanFrameBytes);
  try {
    log(
      `slow-reader: the run is ${bench.recorded.events} events, ${(bench.recorded.bytes / 1048576).toFixed(1)} MiB`,
    );
    for (let r = 1; r <= roundsPerCase; r++) {
      for (const mode of ['baseline', 'sluice'] as const) {
        for (const stalled of [0, 1]) {
          await sleep(ROUND_PAUSE_MS);
          const done = await bench.round(mode, { round: r, readers: READERS, stalled });
          rounds.push(done);
          const res = done.result;
          const stuck = res.stalled[0];
          log(
            `slow-reader round ${r} ${mode.padEnd(8)} ${stalled ? 'stalled' : 'control'} ` +
              `${String(res.eventsPerSecond).padStart(8)} events/s  heap after readers ` +
              `${mib(done.server.afterReaders?.heapUsed ?? 0)} MiB  peak RSS ${mib(done.server.rssPeak)} MiB` +
              (stuck
                ? `  stalled client: ${stuck.events} events${stuck.slowConsumer ? ', cut off (slow_consumer)' : ''}`
                : '') +
              `${res.errors ? `  ${res.errors} errors (${res.errorSamples[0]})` : ''}`,
          );
        }
      }
    }
  } finally {
    await bench.close();
  }

  const baseline = summarize(rounds.filter((r) => r.mode === 'baseline'));
  const sluice = summarize(rounds.filter((r) => r.mode === 'sluice'));
  const problems = findProblems(rounds, bench.recorded.events);
  const throughputMet = Math.abs(sluice.change) < MAX_CHANGE;
  const memoryMet = sluice.stalledCutOff && sluice.retainedHeapBytes <= memoryBoundBytes;
  const met = problems.length === 0 && throughputMet && memoryMet;
  const throughput: Comparison = {
    what: `slow reader: readers' events/s with 1 stalled client among ${READERS} ÷ without`,
    unit: '×',
    baseline: round(1 + baseline.change, 3),
    sluice: round(1 + sluice.change, 3),
    ratio: round(1 + sluice.change, 3),
    target: `Sluice's within 1 ± ${MAX_CHANGE}`,
    met: problems.length === 0 && throughputMet,
  };
  const memory: Comparison = {
    what: 'slow reader: heap held for the stalled client, over the queue bound',
    unit: 'MiB',
    baseline: round(baseline.retainedHeapBytes / 1048576, 1),
    sluice: round(sluice.retainedHeapBytes / 1048576, 1),
    ratio: round(sluice.retainedHeapBytes / memoryBoundBytes, 3),
    target: `ratio ≤ 1 and cut off (bound ${(memoryBoundBytes / 1048576).toFixed(1)} MiB)`,
    met: problems.length === 0 && memoryMet,
  };
  return {
    scenario: 'slow-reader',
    quick,
    met,
    seconds: elapsedSeconds(began),
    comparisons: [throughput, memory],
    settings: {
      readers: READERS,
      stalled: 1,
      words: WORDS,
      upstreamTokens: bench.upstreamTokens,
      recordedRun: bench.recorded,
      roundsPerCase,
      maxQueuedFrames: MAX_QUEUED_FRAMES,
      retentionMs: RETENTION_MS,
      memoryBoundBytes,
      cpu: FANOUT_CPU_SPLIT,
    },
    rounds,
    baseline,
    sluice,
    target: { maxChange: MAX_CHANGE, memoryBoundBytes },
    throughputMet,
    memoryMet,
    problems,
  };
}

function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}

function summarize(rounds: FanOutRound[]): SlowReaderModeSummary {
  const control = rounds.filter((r) => r.stalled === 0);
  const stalled = rounds.filter((r) => r.stalled > 0);
  const of = (set: FanOutRound[], pick: (r: FanOutRound) => number) => median(set.map(pick));
  const controlEventsPerSecond = Math.round(of(control, (r) => r.result.eventsPerSecond));
  const stalledEventsPerSecond = Math.round(of(stalled, (r) => r.result.eventsPerSecond));
  const heap = (r: FanOutRound) => r.server.afterReaders?.heapUsed ?? 0;
  const last = stalled.at(-1)?.result.stalled[0];
  return {
    controlEventsPerSecond,
    stalledEventsPerSecond,
    change: controlEventsPerSecond > 0 ? round(stalledEventsPerSecond / controlEventsPerSecond - 1, 3) : 0,
    retainedHeapBytes: Math.round(of(stalled, heap) - of(control, heap)),
    controlRssPeak: of(control, (r) => r.server.rssPeak),
    stalledRssPeak: of(stalled, (r) => r.server.rssPeak),
    stalledEvents: last?.events ?? 0,
    stalledCutOff: last?.slowConsumer ?? false,
    errors: rounds.reduce((sum, r) => sum + r.result.errors, 0),
  };
}

function findProblems(rounds: FanOutRound[], runEvents: number): string[] {
  const problems: string[] = [];
  for (const r of rounds) {
    const at = `${r.mode} round ${r.round} ${r.stalled ? 'stalled' : 'control'}`;
    if (r.result.errors > 0)
      problems.push(`${at}: ${r.result.errors} failed streams (${r.result.errorSamples[0]})`);
    if (r.result.readers < READERS) problems.push(`${at}: ${r.result.readers} of ${READERS} readers joined`);
    // Sluice replays conversation_start (and the next event) at join, before the gate opens.
    if (r.result.eventsPerReader.min < runEvents - 2) {
      problems.push(`${at}: a reader read ${r.result.eventsPerReader.min} of the run's ${runEvents} events`);
    }
    if (!r.server.afterReaders) problems.push(`${at}: the server's memory was not read after the readers`);
    for (const stuck of r.result.stalled) {
      if (!stuck.ended) problems.push(`${at}: the stalled client's stream did not end once it read again`);
    }
  }
  return problems;
}
