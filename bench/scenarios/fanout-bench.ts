/**
 * The set-up the fan-out scenarios share (fanout.ts, slow-reader.ts): a raw node:http writer
 * (bench/baseline-server.ts, `GET /fanout`), a Sluice server whose model is a gated
 * OpenAI-compatible upstream (gated-upstream.ts) streaming the demo model's text about rivers,
 * and the fan-out load child (fanout-load.ts), each in a process of its own.
 *
 * Why an upstream and not the demo model: a run starts producing the moment it is created, and at
 * pace 0 the demo model's run is over in milliseconds, long before 1,000 clients have joined; they
 * would read a replay, not a live fan-out. The gated upstream holds the run's first token until
 * every client has joined, as the raw writer holds its producer, so both measure the same thing:
 * one live source delivered to N open streams. The upstream's tokens are the demo model's own.
 */
import type { ChildProcess } from 'node:child_process';
import { longText } from '../../src/llm/demo-long-text.ts';
import { splitTokens } from '../../src/llm/demo-tokens.ts';
import { forkChild, nextMessage } from '../children.ts';
import type { ProcessStats } from '../ipc.ts';
import { recordRun } from '../record-run.ts';
import { ROOT, startServer, statsAfterGc, stopChild } from './child-control.ts';
import type { FanOutCommand, FanOutJob, FanOutResult } from './fanout-ipc.ts';
import { type GatedUpstream, startGatedUpstream } from './gated-upstream.ts';
import { postJson } from './post-json.ts';
import { serverStats, startLoadChild } from './scenario-children.ts';

export type Mode = 'baseline' | 'sluice';

const MESSAGE = 'write a detailed text about rivers';
const START_TIMEOUT_MS = 60_000;
const JOIN_PARALLEL = 64;
const JOIN_TIMEOUT_MS = 30_000;
/** How often the server's memory is sampled during a round, for its peak. */
const SAMPLE_EVERY_MS = 100;

export interface FanOutBenchOptions {
  /** Words of the demo model's text the run streams (undefined: its usual five paragraphs). */
  words?: number;
  /** Configuration overrides for the Sluice server (on top of the upstream's). */
  sluiceConfig?: Record<string, unknown>;
  /** Start the servers with --expose-gc, so memory can be read after a full collection. */
  exposeGc?: boolean;
  /** Readers still open this long after the gate opened are cut (errors). */
  readTimeoutMs: number;
}

export interface ServerFigures {
  /** CPU time the server used over the round (joins included), ms. */
  cpuMs: number;
  rssBefore: number;
  /** Highest RSS and heapUsed sampled during the round (every 100 ms). */
  rssPeak: number;
  heapPeak: number;
  /** After a full collection, once the readers were done and before stalled clients read again. */
  afterReaders?: ProcessStats;
}

export interface FanOutRound {
  mode: Mode;
  round: number;
  stalled: number;
  result: FanOutResult;
  server: ServerFigures;
}

/** What the raw writer replays: one recorded Sluice run of this set-up. */
export interface RecordedRun {
  frames: number;
  events: number;
  bytes: number;
}

export interface FanOutBench {
  recorded: RecordedRun;
  upstreamTokens: number;
  round(mode: Mode, plan: { round: number; readers: number; stalled: number }): Promise<FanOutRound>;
  /** Stops every child and the upstream; safe to call twice. */
  close(): Promise<void>;
}

/** Samples a server's memory until stopped; resolves with the peaks. */
function samplePeaks(child: ChildProcess, what: string): () => Promise<{ rss: number; heap: number }> {
  const peak = { rss: 0, heap: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      const s = await serverStats(child, what).catch(() => undefined);
      if (s) {
        peak.rss = Math.max(peak.rss, s.rss);
        peak.heap = Math.max(peak.heap, s.heapUsed);
      }
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
    }
  })();
  return async () => {
    running = false;
    await loop;
    return peak;
  };
}

/** Runs one job on the load child; on `readers-done`, calls `between` and lets the job go on. */
function runJob(load: ChildProcess, job: FanOutJob, between: () => Promise<void>): Promise<FanOutResult> {
  const onMessage = (message: unknown) => {
    if ((message as { type?: string }).type !== 'readers-done') return;
    void between()
      .catch(() => undefined)
      .then(() => load.send({ type: 'continue' } satisfies FanOutCommand));
  };
  load.on('message', onMessage);
  const reply = nextMessage(
    load,
    (m) => ((m as { type?: string }).type === 'result' ? (m as { result: FanOutResult }).result : undefined),
    job.joinTimeoutMs + job.readTimeoutMs + 120_000,
    `fan-out job (${job.readers} readers, ${job.stalled} stalled)`,
  );
  load.send({ type: 'job', job } satisfies FanOutCommand);
  return reply.finally(() => load.off('message', onMessage));
}

export async function startFanOutBench(options: FanOutBenchOptions): Promise<FanOutBench> {
  const tokens = splitTokens(longText('rivers', 'en', options.words));
  const children: ChildProcess[] = [];
  let upstream: GatedUpstream | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await Promise.all(children.map((child) => stopChild(child)));
    await upstream?.close();
  };
  try {
    upstream = await startGatedUpstream(tokens);
    const gate = upstream;
    const execArgv = options.exposeGc ? ['--expose-gc'] : [];
    const sluiceConfig = {
      demo_pace: 0,
      openai: { api_key: 'bench-gated-upstream', base_url: gate.baseUrl, max_retries: 0 },
      ...options.sluiceConfig,
    };
    const sluice = await startServer('bench/sluice-server.ts', 'sluice server', {
      execArgv,
      args: [JSON.stringify(sluiceConfig)],
    });
    children.push(sluice.child);
    // The gate is open: this run streams at once, and is also the Sluice server's warm-up.
    const frames = await recordRun(sluice.url, MESSAGE);
    const recorded: RecordedRun = {
      frames: frames.length,
      events: frames.filter((f) => f.startsWith('id:')).length,
      bytes: Buffer.byteLength(frames.join('')),
    };

    const baselineChild = forkChild(new URL('bench/baseline-server.ts', ROOT), execArgv);
    children.push(baselineChild);
    const baselineReady = nextMessage(
      baselineChild,
      (m) =>
        (m as { type?: string; url?: string }).type === 'ready' ? (m as { url: string }).url : undefined,
      START_TIMEOUT_MS,
      'baseline server',
    );
    baselineChild.send({ type: 'init', frames });
    const baselineUrl = await baselineReady;
    const load = await startLoadChild('bench/scenarios/fanout-load.ts', 'fan-out load generator');
    children.push(load);

    const servers = { baseline: baselineChild, sluice: sluice.child };
    const round: FanOutBench['round'] = async (mode, plan) => {
      const child = servers[mode];
      let joinUrl = `${baselineUrl}/fanout`;
      let goUrl = `${baselineUrl}/fanout/go`;
      if (mode === 'sluice') {
        gate.arm();
        const session = await postJson<{ id: string }>(`${sluice.url}/api/sessions`, {}, 201);
        const run = await postJson<{ id: string }>(
          `${sluice.url}/api/sessions/${session.id}/runs`,
          { message: MESSAGE },
          202,
        );
        joinUrl = `${sluice.url}/api/runs/${run.id}/events`;
        goUrl = gate.goUrl;
      }
      const before = await serverStats(child, mode);
      const stopSampling = samplePeaks(child, mode);
      let afterReaders: ProcessStats | undefined;
      let result: FanOutResult;
      try {
        result = await runJob(
          load,
          {
            joinUrl,
            goUrl,
            readers: plan.readers,
            stalled: plan.stalled,
            joinParallel: JOIN_PARALLEL,
            joinTimeoutMs: JOIN_TIMEOUT_MS,
            readTimeoutMs: options.readTimeoutMs,
            pauseAfterReaders: options.exposeGc === true,
          },
          async () => {
            afterReaders = await statsAfterGc(child, mode);
          },
        );
      } finally {
        // A round that failed before the gate opened must not leave the run waiting.
        gate.open();
      }
      const peak = await stopSampling();
      const after = await serverStats(child, mode);
      return {
        mode,
        round: plan.round,
        stalled: plan.stalled,
        result,
        server: {
          cpuMs: Math.round((after.cpuUser + after.cpuSystem - before.cpuUser - before.cpuSystem) / 1000),
          rssBefore: before.rss,
          rssPeak: Math.max(peak.rss, after.rss),
          heapPeak: Math.max(peak.heap, after.heapUsed),
          ...(afterReaders ? { afterReaders } : {}),
        },
      };
    };
    return { recorded, upstreamTokens: tokens.length, round, close };
  } catch (error) {
    await close();
    throw error;
  }
}
