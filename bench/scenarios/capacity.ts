/**
 * Scenario 3, capacity: how many slow streams one Sluice process holds, and at what cost per
 * stream, against a raw node:http writer holding the same streams in the same run.
 *
 * - runs: N concurrent runs of the demo model at 0.1 tokens/s (a token every 10 s), each streamed
 *   to its own client (`POST /api/sessions/{id}/runs` as SSE, `on_disconnect: cancel`). Target:
 *   memory per stream at most 3 times the raw writer's (one timer per stream).
 * - joined: N idle clients joined (`GET /api/runs/{id}/events`) to N/100 such runs, 100 each.
 *   Target: at most 1.5 times the raw writer's (one timer per group of 100, fanned out).
 * - Both with heartbeats on (5 s, so every idle gap between tokens carries one), and Sluice's
 *   event-loop delay p99 under 50 ms while the streams are held.
 *
 * Memory per stream = (server RSS with the N streams open - RSS before opening them) / N, both
 * read after a full collection; heapUsed likewise. Each measurement has a fresh server process,
 * so one cannot inherit another's freed memory. The load runs in a child process of its own.
 */
import type { ChildProcess } from 'node:child_process';
import { startHoldLoad, stopChild } from './child-control.ts';
import { type HeldServerFigures, type HeldServerPlan, measureHeldStreams } from './held-streams.ts';
import { postJson } from './post-json.ts';
import {
  type Comparison,
  elapsedSeconds,
  round,
  type ScenarioOptions,
  type ScenarioResult,
} from './scenario.ts';

export interface CapacityOptions extends ScenarioOptions {
  /** Overrides the stream count (1,000 with `quick`, else 10,000; joined runs stay one per 100 clients). */
  streams?: number;
}

export interface CapacitySettings {
  streams: number;
  joinedRuns: number;
  tokensPerSecond: number;
  heartbeatMs: number;
  holdMs: number;
  message: string;
}

export interface CapacityPart {
  name: 'runs' | 'joined';
  streams: number;
  /** Largest allowed Sluice / raw ratio of memory per stream (RSS). */
  targetRatio: number;
  baseline: HeldServerFigures;
  sluice: HeldServerFigures;
  /** Sluice / raw, RSS per stream and heapUsed per stream. */
  rssRatio: number;
  heapRatio: number;
  /** Why the figures do not count (streams that failed to open, closed early, or got no heartbeat). */
  problems: string[];
  met: boolean;
}

export interface CapacityScenarioResult extends ScenarioResult {
  scenario: 'capacity';
  settings: CapacitySettings;
  parts: CapacityPart[];
  /** Event-loop delay p99 while holding the streams, worst part; the target is Sluice's. */
  loopDelay: { targetP99Ms: number; baselineP99Ms: number; p99Ms: number; met: boolean };
}

const TOKENS_PER_SECOND = 0.1;
const HEARTBEAT_MS = 5_000;
const CLIENTS_PER_JOINED_RUN = 100;
const LOOP_DELAY_TARGET_MS = 50;
/** The demo model's reply to it is 46 tokens: 7.5 minutes at 0.1 tokens/s, longer than the scenario. */
const MESSAGE = 'hello';
const OPEN_DEADLINE_MS = 180_000;
const TARGETS = { runs: 3, joined: 1.5 } as const;

export async function runCapacity(options: CapacityOptions = {}): Promise<CapacityScenarioResult> {
  const began = performance.now();
  const quick = options.quick ?? false;
  const log = options.log ?? ((line: string) => console.log(line));
  const streams = options.streams ?? (quick ? 1_000 : 10_000);
  const settings: CapacitySettings = {
    streams,
    joinedRuns: Math.max(1, Math.ceil(streams / CLIENTS_PER_JOINED_RUN)),
    tokensPerSecond: TOKENS_PER_SECOND,
    heartbeatMs: HEARTBEAT_MS,
    // Long enough for every stream to get a token and a heartbeat, whatever its phase.
    holdMs: quick ? 12_000 : 20_000,
    message: MESSAGE,
  };
  const rawConfig = { intervalMs: 1000 / TOKENS_PER_SECOND, heartbeatMs: HEARTBEAT_MS };
  const sluiceConfig = { demo_pace: TOKENS_PER_SECOND, runs: { heartbeat_ms: HEARTBEAT_MS } };
  const common = {
    count: streams,
    warmupCount: Math.min(200, Math.ceil(streams / 10)),
    openDeadlineMs: OPEN_DEADLINE_MS,
    holdMs: settings.holdMs,
    log,
  };
  const groups = Array.from({ length: settings.joinedRuns }, (_, i) => `g${i}`);

  let load: ChildProcess | undefined;
  try {
    load = await startHoldLoad();
    const measure = (plan: Omit<HeldServerPlan, keyof typeof common>) =>
      measureHeldStreams(load as ChildProcess, { ...common, ...plan });

    log(`capacity: ${streams} runs, each streaming to its own client`);
    const runsBaseline = await measure({
      what: 'raw writer, one timer per stream',
      script: 'bench/scenarios/slow-baseline-server.ts',
      config: rawConfig,
      kind: 'raw',
      perSecond: 1_000,
      maxPending: 64,
    });
    const runsSluice = await measure({
      what: 'Sluice, one run per stream',
      script: 'bench/sluice-server.ts',
      config: sluiceConfig,
      kind: 'sluice-run',
      message: MESSAGE,
      perSecond: 1_000,
      maxPending: 32,
    });

    log(`capacity: ${streams} clients joined to ${settings.joinedRuns} runs`);
    const joinedBaseline = await measure({
      what: `raw writer, ${settings.joinedRuns} shared timers`,
      script: 'bench/scenarios/slow-baseline-server.ts',
      config: rawConfig,
      kind: 'raw',
      perSecond: 1_000,
      maxPending: 64,
      prepare: async () => groups,
    });
    const joinedSluice = await measure({
      what: `Sluice, ${settings.joinedRuns} runs joined`,
      script: 'bench/sluice-server.ts',
      config: sluiceConfig,
      kind: 'sluice-join',
      perSecond: 1_000,
      maxPending: 64,
      prepare: (url) => startRuns(url, settings.joinedRuns),
    });

    const parts = [
      part('runs', streams, runsBaseline, runsSluice),
      part('joined', streams, joinedBaseline, joinedSluice),
    ];
    const p99Ms = Math.max(...parts.map((p) => p.sluice.loopDelayHeld.p99));
    const baselineP99Ms = Math.max(...parts.map((p) => p.baseline.loopDelayHeld.p99));
    const delayMet = p99Ms < LOOP_DELAY_TARGET_MS;
    const loopDelay = { targetP99Ms: LOOP_DELAY_TARGET_MS, baselineP99Ms, p99Ms, met: delayMet };
    for (const p of parts) {
      log(
        `capacity ${p.name}: ${kib(p.baseline.rssPerStream)} KiB per stream raw, ${kib(p.sluice.rssPerStream)} KiB Sluice ` +
          `(${p.rssRatio}x, target <= ${p.targetRatio}x): ${p.met ? 'met' : 'missed'}` +
          (p.problems.length ? ` (${p.problems.join('; ')})` : ''),
      );
    }
    log(`capacity: Sluice event-loop delay p99 ${p99Ms} ms while held (target < ${LOOP_DELAY_TARGET_MS} ms)`);
    return {
      scenario: 'capacity',
      quick,
      met: delayMet && parts.every((p) => p.met),
      seconds: elapsedSeconds(began),
      comparisons: [...parts.map(comparison), delayComparison(loopDelay)],
      settings,
      parts,
      loopDelay,
    };
  } finally {
    if (load) await stopChild(load);
  }
}

function part(
  name: CapacityPart['name'],
  streams: number,
  baseline: HeldServerFigures,
  sluice: HeldServerFigures,
): CapacityPart {
  const problems = [...validity('raw writer', baseline), ...validity('Sluice', sluice)];
  if (baseline.rssPerStream <= 0) {
    problems.push('the raw writer’s RSS did not grow with its streams: too few streams to measure');
  }
  const rssRatio = round(sluice.rssPerStream / baseline.rssPerStream, 2);
  const heapRatio = round(sluice.heapPerStream / Math.max(1, baseline.heapPerStream), 2);
  const targetRatio = TARGETS[name];
  return {
    name,
    streams,
    targetRatio,
    baseline,
    sluice,
    rssRatio,
    heapRatio,
    problems,
    met: problems.length === 0 && rssRatio <= targetRatio,
  };
}

/** A figure only counts when every stream opened, stayed open, and carried events and heartbeats. */
function validity(who: string, f: HeldServerFigures): string[] {
  const problems: string[] = [];
  if (f.opened < f.requested) {
    problems.push(
      `${who}: ${f.requested - f.opened} of ${f.requested} streams did not open (${f.errorSamples[0]})`,
    );
  }
  if (f.held.lost > 0)
    problems.push(`${who}: ${f.held.lost} streams closed early (${f.held.lostSamples[0]})`);
  if (f.held.withEvent < f.held.open) {
    problems.push(`${who}: ${f.held.open - f.held.withEvent} streams got no event during the hold`);
  }
  if (f.held.withHeartbeat < f.held.open) {
    problems.push(`${who}: ${f.held.open - f.held.withHeartbeat} streams got no heartbeat during the hold`);
  }
  return problems;
}

/** Starts `count` runs (one session each, 202 without a stream) and returns their ids. */
async function startRuns(url: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const session = await postJson<{ id: string }>(`${url}/api/sessions`, {}, 201);
    const run = await postJson<{ id: string }>(
      `${url}/api/sessions/${session.id}/runs`,
      { message: MESSAGE },
      202,
    );
    ids.push(run.id);
  }
  return ids;
}

function kib(bytes: number): number {
  return round(bytes / 1024, 1);
}

function comparison(p: CapacityPart): Comparison {
  const what =
    p.name === 'runs'
      ? `memory per stream, ${p.streams.toLocaleString('en-US')} slow runs (RSS)`
      : `memory per stream, ${p.streams.toLocaleString('en-US')} clients joined to ${Math.ceil(p.streams / CLIENTS_PER_JOINED_RUN)} runs (RSS)`;
  return {
    what,
    unit: 'KiB',
    baseline: kib(p.baseline.rssPerStream),
    sluice: kib(p.sluice.rssPerStream),
    ratio: p.rssRatio,
    target: `ratio ≤ ${p.targetRatio}`,
    met: p.met,
  };
}

function delayComparison(d: CapacityScenarioResult['loopDelay']): Comparison {
  return {
    what: 'event-loop delay p99 while holding the streams',
    unit: 'ms',
    baseline: d.baselineP99Ms,
    sluice: d.p99Ms,
    ratio: round(d.p99Ms / Math.max(0.001, d.baselineP99Ms), 2),
    target: `Sluice < ${d.targetP99Ms} ms`,
    met: d.met,
  };
}
