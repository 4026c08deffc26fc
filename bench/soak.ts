/**
 * `node --import tsx bench/soak.ts [--minutes N] [--cycles N] [--quick] [--seed N]`
 * (`npm run bench:soak`): load and soak. Starts the Sluice server in its own process, warms it
 * up, reads its memory after GC, then runs phase 1 (connect/disconnect cycles) and phase 2
 * (mixed traffic over every dialect for N minutes), lets the server settle and reads its memory
 * again. Writes bench/results/soak-<date>.json; a full run (not --quick) also replaces the Soak
 * section of docs/reliability.md. Exits non-zero when an event was lost, a run was left running,
 * any request failed, or the heap grew past its bound. What it does: bench/soak/markdown.ts
 * (the section it writes).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killChildren } from './children.ts';
import { mib } from './format.ts';
import type { RunCounts } from './ipc.ts';
import { machineInfo } from './results.ts';
import { BENCH_RETENTION_MS } from './sluice-settings.ts';
import { parseSoakArgs, type SoakArgs, USAGE } from './soak/args.ts';
import type { SoakContext } from './soak/context.ts';
import { runCycles } from './soak/cycles.ts';
import { EXTRACT_DOCUMENT } from './soak/dialect-scenarios.ts';
import { httpClient } from './soak/http.ts';
import { soakSection, withSoakSection } from './soak/markdown.ts';
import { runMixed } from './soak/mixed.ts';
import { Random } from './soak/random.ts';
import { RecentRuns } from './soak/recent-runs.ts';
import type { SoakResults, SoakSettings } from './soak/results.ts';
import { type MemoryReading, reading, SoakServer } from './soak/server.ts';
import { printSummary } from './soak/summary.ts';
import { Tally, total } from './soak/tally.ts';
import { totals, verdict } from './soak/verdict.ts';

const ROOT = new URL('../', import.meta.url);
/** Tokens per second of the demo model: a long answer (289 events) takes about a second. */
const DEMO_PACE = 300;
/**
 * Runs handed out for joins and takeovers started less than this long ago: their logs are kept
 * for BENCH_RETENTION_MS (10 s) after they end, which leaves several seconds for the request.
 */
const RECENT_MAX_AGE_MS = 4_000;
/** How long the server may take to end every run once the load stopped. */
const SETTLE_TIMEOUT_MS = 60_000;
/** Ended run logs are dropped `retentionMs` after their run: wait a little longer before reading memory. */
const LOG_EXPIRY_MARGIN_MS = 2_000;

function settingsFor(args: SoakArgs): SoakSettings {
  return {
    quick: args.quick,
    cycles: args.cycles,
    minutes: args.minutes,
    seed: args.seed,
    cycleConcurrency: 50,
    // Generous: on two shared cores 10,000 cycles take a few minutes; the bound only stops a stall.
    cycleTimeBoundMs: 120_000 + args.cycles * 150,
    resumeSample: 0.3,
    mixedConcurrency: 16,
    warmupMs: args.quick ? 3_000 : 20_000,
    demoPace: DEMO_PACE,
    retentionMs: BENCH_RETENTION_MS,
    requestTimeoutMs: 60_000,
    heapBoundMb: 50,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for the runs to end and their logs to expire, collects garbage, reads memory. */
async function settledMemory(
  server: SoakServer,
  settings: SoakSettings,
): Promise<{ runs: RunCounts; gc: boolean; memory: MemoryReading }> {
  const runs = await server.settle(SETTLE_TIMEOUT_MS);
  await sleep(settings.retentionMs + LOG_EXPIRY_MARGIN_MS);
  const { collected, stats } = await server.gc();
  return { runs, gc: collected, memory: reading(stats) };
}

async function main(args: SoakArgs): Promise<boolean> {
  const began = performance.now();
  const startedAt = new Date();
  const settings = settingsFor(args);
  const documents = mkdtempSync(join(tmpdir(), 'sluice-soak-documents-'));
  try {
    writeFileSync(join(documents, EXTRACT_DOCUMENT.name), EXTRACT_DOCUMENT.text);
    console.log(`sluice soak${args.quick ? ' (quick)' : ''}: seed ${settings.seed}, starting the server`);
    const server = await SoakServer.start({ demo_pace: DEMO_PACE, documents_dir: documents });
    const random = new Random(settings.seed);
    const recent = new RecentRuns(RECENT_MAX_AGE_MS);
    const client = httpClient(server.url, settings.requestTimeoutMs);
    const context = (tally: Tally): SoakContext => ({ client, tally, random, recent });

    console.log(`warming up (${settings.warmupMs / 1000} s of mixed traffic)`);
    const warmupTally = new Tally();
    const warmup = await runMixed(context(warmupTally), {
      durationMs: settings.warmupMs,
      concurrency: settings.mixedConcurrency,
      maxScenarios: Number.MAX_SAFE_INTEGER,
    });
    const start = await settledMemory(server, settings);
    console.log(`start: heap ${mib(start.memory.heapUsed)} MiB, rss ${mib(start.memory.rss)} MiB (after GC)`);

    console.log(
      `phase 1: ${settings.cycles} connect/disconnect cycles, ${settings.cycleConcurrency} at a time`,
    );
    const cycleTally = new Tally();
    const cycles = await runCycles(context(cycleTally), {
      cycles: settings.cycles,
      concurrency: settings.cycleConcurrency,
      timeBoundMs: settings.cycleTimeBoundMs,
      resumeSample: settings.resumeSample,
    });
    console.log(
      `  ${cycles.started} cycles in ${cycles.seconds} s, ${total(cycleTally.snapshot().errors)} errors`,
    );

    console.log(
      `phase 2: ${settings.minutes} minutes of mixed traffic, ${settings.mixedConcurrency} clients`,
    );
    const mixedTally = new Tally();
    const samples: SoakResults['memory']['samples'] = [];
    const sampleEveryMs = args.quick ? 5_000 : 30_000;
    const mixedBegan = performance.now();
    const sampler = setInterval(() => {
      server.stats().then(
        (stats) => {
          const seconds = Math.round((performance.now() - mixedBegan) / 1000);
          samples.push({ seconds, ...reading(stats) });
          const t = mixedTally.snapshot();
          console.log(
            `  ${seconds} s: heap ${mib(stats.heapUsed)} MiB, rss ${mib(stats.rss)} MiB, ` +
              `${total(t.requests)} requests, ${total(t.errors)} errors, ${t.eventsLost} events lost`,
          );
        },
        () => {},
      );
    }, sampleEveryMs);
    let mixed: Awaited<ReturnType<typeof runMixed>>;
    try {
      mixed = await runMixed(context(mixedTally), {
        durationMs: settings.minutes * 60_000,
        concurrency: settings.mixedConcurrency,
        maxScenarios: Number.MAX_SAFE_INTEGER,
      });
    } finally {
      clearInterval(sampler);
    }

    console.log('settling: waiting for every run to end and the run logs to expire');
    const end = await settledMemory(server, settings);
    client.agent.destroy();
    await server.stop();
    const snapshots = {
      warmup: warmupTally.snapshot(),
      cycles: cycleTally.snapshot(),
      mixed: mixedTally.snapshot(),
    };
    const peak = samples.reduce<MemoryReading>(
      (max, s) => ({ rss: Math.max(max.rss, s.rss), heapUsed: Math.max(max.heapUsed, s.heapUsed) }),
      {
        rss: Math.max(start.memory.rss, end.memory.rss),
        heapUsed: Math.max(start.memory.heapUsed, end.memory.heapUsed),
      },
    );
    const partial = {
      startedAt: startedAt.toISOString(),
      command: `node --import tsx bench/soak.ts${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
      machine: machineInfo(),
      settings,
      warmup: { seconds: warmup.seconds, tally: snapshots.warmup },
      cycles: { ...cycles, tally: snapshots.cycles },
      mixed: { ...mixed, tally: snapshots.mixed },
      totals: totals(snapshots.warmup, snapshots.cycles, snapshots.mixed),
      memory: { gc: start.gc && end.gc, start: start.memory, end: end.memory, peak, samples },
      runs: end.runs,
    };
    const results: SoakResults = {
      ...partial,
      verdict: verdict(partial),
      totalSeconds: Math.round((performance.now() - began) / 100) / 10,
    };

    const day = startedAt.toISOString().slice(0, 10);
    const resultsPath = `bench/results/soak-${day}${args.quick ? '-quick' : ''}.json`;
    mkdirSync(new URL('bench/results/', ROOT), { recursive: true });
    writeFileSync(new URL(resultsPath, ROOT), `${JSON.stringify(results, null, 2)}\n`);
    printSummary(results);
    console.log(`\nwrote ${resultsPath}`);
    if (!args.quick) {
      const docUrl = new URL('docs/reliability.md', ROOT);
      writeFileSync(docUrl, withSoakSection(readFileSync(docUrl, 'utf8'), soakSection(results, resultsPath)));
      console.log('wrote the Soak section of docs/reliability.md');
    }
    return results.verdict.passed;
  } finally {
    rmSync(documents, { recursive: true, force: true });
  }
}

let args: SoakArgs;
try {
  args = parseSoakArgs(process.argv.slice(2));
} catch (error) {
  console.error(`${error instanceof Error ? error.message : error}\n${USAGE}`);
  process.exit(2);
}
main(args).then(
  (passed) => {
    killChildren();
    process.exit(passed ? 0 : 1);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    killChildren();
    process.exit(1);
  },
);
