/**
 * Scenario 7 (replay part), Redis bus: how long a resuming client waits for a 10,000-event log.
 * A Sluice server with the Redis bus (a fresh key prefix, deleted at the end) runs the demo model
 * at pace 0 on a request for a long text ("... in 10000 words": one chunk event per word), so the
 * run's log lives in a Redis Stream. Then a client resumes it with `Last-Event-ID` such that
 * exactly 10,000 events follow, `GET /api/runs/{id}/events`, and is timed from sending the request
 * to reading the last of them. The raw node:http writer (bench/baseline-server.ts) answers the
 * same bytes, the body of a Sluice replay, one `res.write` per frame. Rounds alternate raw and
 * Sluice after warm-ups; the figure is the median. Target: under 100 ms.
 *
 * The other Redis target, bus throughput against the in-process bus, is bench/bus.ts.
 */
import { randomBytes } from 'node:crypto';
import { recordRun } from '../record-run.ts';
import { BENCH_REDIS_URL, deleteKeys, redisUnreachable } from '../redis-support.ts';
import { startServer, stopChild } from './child-control.ts';
import { timeReplay } from './replay-client.ts';
import { type Comparison, round, type ScenarioOptions, type ScenarioResult } from './scenario.ts';

export interface ReplayFigures {
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Request -> response headers, median. */
  headersMedianMs: number;
  bytes: number;
  samplesMs: number[];
}

export interface RedisReplayScenarioResult extends ScenarioResult {
  scenario: 'redis-replay';
  settings: {
    message: string;
    /** Events in the run's log, and how many the resuming client is sent. */
    runEvents: number;
    replayedEvents: number;
    lastEventId: number;
    rounds: number;
    warmups: number;
    redisUrl: string;
    store: string;
  };
  baseline: ReplayFigures;
  sluice: ReplayFigures;
  /** Sluice median / raw median. */
  ratio: number;
  target: { maxMs: number };
  problems: string[];
}

const EVENTS = 10_000;
/** A little over 10,000 words: one chunk event each, plus the run's other events. */
const MESSAGE = 'write a detailed text about rivers in 10000 words';
const TARGET_MS = 100;
const REPLAY_TIMEOUT_MS = 30_000;
const redisUrl = BENCH_REDIS_URL;

export async function runRedisReplay(options: ScenarioOptions = {}): Promise<RedisReplayScenarioResult> {
  const began = performance.now();
  const quick = options.quick ?? false;
  const log = options.log ?? ((line: string) => console.log(line));
  const rounds = quick ? 5 : 15;
  const warmups = 3;
  const unreachable = await redisUnreachable();
  if (unreachable) throw new Error(`Redis not reachable at ${redisUrl}: ${unreachable}`);
  const prefix = `sluice-bench:replay:${randomBytes(6).toString('hex')}:`;

  const servers: Array<Awaited<ReturnType<typeof startServer>>> = [];
  try {
    const sluice = await startServer('bench/sluice-server.ts', 'Sluice (Redis bus)', {
      args: [
        JSON.stringify({
          demo_pace: 0,
          redis_url: redisUrl,
          redis: { prefix },
          // The log must outlive the scenario (the bench default keeps ended logs 10 s).
          runs: { retention_ms: 600_000 },
        }),
      ],
    });
    servers.push(sluice);
    log(`redis-replay: running "${MESSAGE}" on Sluice with the Redis bus (prefix ${prefix})`);
    const frames = await recordRun(sluice.url, MESSAGE);
    const eventFrames = frames.filter((f) => f.startsWith('id:'));
    const runEvents = eventFrames.length;
    if (runEvents < EVENTS) {
      throw new Error(
        `the run has ${runEvents} events, fewer than ${EVENTS}: the demo model did not honour "in 10000 words"`,
      );
    }
    const runId = runIdOf(eventFrames[0] ?? '');
    const lastEventId = runEvents - EVENTS;
    const sluiceUrl = `${sluice.url}/api/runs/${runId}/events`;
    const resume = {
      events: EVENTS,
      timeoutMs: REPLAY_TIMEOUT_MS,
      headers: { 'last-event-id': String(lastEventId) },
    };

    // The raw writer answers exactly the bytes of a Sluice replay.
    const sample = await timeReplay(sluiceUrl, { ...resume, keepBody: true });
    const replayFrames = (sample.body ?? '').split(/(?<=\n\n)/);
    const raw = await startServer('bench/baseline-server.ts', 'raw writer', {
      init: { type: 'init', frames: replayFrames },
    });
    servers.push(raw);
    const rawUrl = `${raw.url}/stream`;

    log(`redis-replay: ${warmups} warm-ups, then ${rounds} replays of ${EVENTS} events each, alternating`);
    const rawMs: number[] = [];
    const sluiceMs: number[] = [];
    const rawHeaders: number[] = [];
    const sluiceHeaders: number[] = [];
    let rawBytes = 0;
    let sluiceBytes = 0;
    for (let i = 0; i < warmups + rounds; i++) {
      const a = await timeReplay(rawUrl, { events: EVENTS, timeoutMs: REPLAY_TIMEOUT_MS });
      const b = await timeReplay(sluiceUrl, resume);
      if (i < warmups) continue;
      rawMs.push(a.ms);
      rawHeaders.push(a.headersMs);
      rawBytes = a.bytes;
      sluiceMs.push(b.ms);
      sluiceHeaders.push(b.headersMs);
      sluiceBytes = b.bytes;
    }
    const baseline = figures(rawMs, rawHeaders, rawBytes);
    const sluiceFigures = figures(sluiceMs, sluiceHeaders, sluiceBytes);
    const problems: string[] = [];
    if (sluiceBytes !== rawBytes) {
      problems.push(`the raw writer sent ${rawBytes} bytes and Sluice ${sluiceBytes}: not the same replay`);
    }
    const ratio = round(sluiceFigures.medianMs / baseline.medianMs, 2);
    const met = problems.length === 0 && sluiceFigures.medianMs < TARGET_MS;
    const comparison: Comparison = {
      what: `replay ${EVENTS.toLocaleString('en-US')} events (Redis), median`,
      unit: 'ms',
      baseline: baseline.medianMs,
      sluice: sluiceFigures.medianMs,
      ratio,
      target: `Sluice < ${TARGET_MS} ms`,
      met,
    };
    log(
      `redis-replay: raw ${baseline.medianMs} ms, Sluice ${sluiceFigures.medianMs} ms (median of ${rounds}); ` +
        `target < ${TARGET_MS} ms: ${met ? 'met' : 'missed'}`,
    );
    return {
      scenario: 'redis-replay',
      quick,
      met,
      seconds: round((performance.now() - began) / 1000, 1),
      comparisons: [comparison],
      settings: {
        message: MESSAGE,
        runEvents,
        replayedEvents: EVENTS,
        lastEventId,
        rounds,
        warmups,
        redisUrl,
        store: 'PGlite in memory (one run lookup per request)',
      },
      baseline,
      sluice: sluiceFigures,
      ratio,
      target: { maxMs: TARGET_MS },
      problems,
    };
  } finally {
    for (const { child } of servers) await stopChild(child);
    await deleteKeys(prefix).catch((error: unknown) =>
      log(`redis-replay: could not delete ${prefix}*: ${error}`),
    );
  }
}

function runIdOf(frame: string): string {
  const data = frame.split('\n').find((line) => line.startsWith('data: '));
  const runId = data ? (JSON.parse(data.slice(6)) as { run_id?: string }).run_id : undefined;
  if (!runId) throw new Error(`no run_id in the first event: ${frame.slice(0, 200)}`);
  return runId;
}

function figures(samples: number[], headers: number[], bytes: number): ReplayFigures {
  const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0;
  return {
    medianMs: round(median(samples), 2),
    minMs: round(Math.min(...samples), 2),
    maxMs: round(Math.max(...samples), 2),
    headersMedianMs: round(median(headers), 2),
    bytes,
    samplesMs: samples.map((s) => round(s, 2)),
  };
}
