/**
 * `node --import tsx bench/bus.ts [-- --quick]`: the event bus's own throughput, in-process
 * (MemoryEventBus) against Redis (RedisEventBus), in the same run on the same workload. Each round
 * appends every run's events the way the run engine does (one append after the other without
 * waiting, many runs at once) while subscribers follow every run, and times it from the first
 * append until every subscriber has received every event and its end. Reports appended events/s,
 * delivered events/s, and Redis as a share of memory. Bounded: fixed counts, one deadline per
 * round; Redis keys live under a fresh prefix that is deleted at the end. Without a reachable
 * Redis (REDIS_URL, default redis://127.0.0.1:6379) only the memory bus is measured.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { type EventBus, type LogEntry, MemoryEventBus, RedisEventBus } from '../src/bus/index.ts';
import type { CanonicalEvent } from '../src/protocol/index.ts';
import { withSection } from './doc-sections.ts';
import { markdownTable } from './format.ts';
import { BENCH_REDIS_URL, deleteKeys, redisUnreachable } from './redis-support.ts';
import type { BenchResults } from './results.ts';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 20 : 100;
const EVENTS_PER_RUN = quick ? 100 : 300;
const SUBSCRIBERS_PER_RUN = 4;
const ROUNDS = quick ? 2 : 3;
const ROUND_DEADLINE_MS = 60_000;
const redisUrl = BENCH_REDIS_URL;

interface Round {
  seconds: number;
  appended: number;
  delivered: number;
}

/** A realistic chunk event: what most of a run's log is made of. */
function chunkEntry(runId: string, seq: number): LogEntry {
  const event = {
    event_type: 'assistant_message_chunk',
    seq,
    run_id: runId,
    session_id: '0193a000-0000-7000-8000-000000000000',
    timestamp: new Date().toISOString(),
    data: {
      content: 'Lighthouses guided ships past the reefs, ',
      is_complete: false,
      chunk_index: seq - 1,
      total_chunks: null,
      message_id: 'm1',
    },
    metadata: {},
  } as unknown as CanonicalEvent;
  return { seq, event, json: JSON.stringify(event) };
}

async function round(bus: EventBus): Promise<Round> {
  const runIds = Array.from({ length: RUNS }, () => `bench-${randomBytes(8).toString('hex')}`);
  // The first entry exists before anyone subscribes, as with a real run's conversation_start.
  await Promise.all(runIds.map((id) => bus.append(id, chunkEntry(id, 1))));
  let delivered = 0;
  let ended = 0;
  let failure: Error | undefined;
  let allDone!: () => void;
  const done = new Promise<void>((resolve) => {
    allDone = resolve;
  });
  const started = performance.now();
  for (const id of runIds) {
    for (let s = 0; s < SUBSCRIBERS_PER_RUN; s++) {
      let next = 1;
      bus.subscribe(id, 0, {
        onEntry(entry) {
          if (entry.seq !== next) failure ??= new Error(`run ${id}: got seq ${entry.seq}, expected ${next}`);
          next++;
          delivered++;
        },
        onEnd() {
          if (++ended === RUNS * SUBSCRIBERS_PER_RUN) allDone();
        },
      });
    }
  }
  const appends: Array<Promise<void>> = [];
  for (let seq = 2; seq <= EVENTS_PER_RUN; seq++) {
    for (const id of runIds) appends.push(bus.append(id, chunkEntry(id, seq)));
    // Lets deliveries interleave with appends, as they do while runs stream.
    if (seq % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(appends);
  await Promise.all(runIds.map((id) => bus.end(id, 60_000)));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    done,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('round deadline passed')), ROUND_DEADLINE_MS);
    }),
  ]).finally(() => clearTimeout(timer));
  if (failure) throw failure;
  const expected = RUNS * SUBSCRIBERS_PER_RUN * EVENTS_PER_RUN;
  if (delivered !== expected) throw new Error(`delivered ${delivered} of ${expected}`);
  return { seconds: (performance.now() - started) / 1000, appended: RUNS * (EVENTS_PER_RUN - 1), delivered };
}

async function measure(name: string, open: () => Promise<EventBus>): Promise<Round> {
  const bus = await open();
  try {
    await round(bus); // warm-up
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) rounds.push(await round(bus));
    // The median round by duration.
    const sorted = rounds.sort((x, y) => x.seconds - y.seconds);
    const median = sorted[Math.floor(sorted.length / 2)] as Round;
    console.error(`${name}: ${rounds.map((r) => r.seconds.toFixed(3)).join(' s, ')} s`);
    return median;
  } finally {
    await bus.close();
  }
}

function rate(n: number, seconds: number): string {
  return Math.round(n / seconds).toLocaleString('en-US');
}

console.log(
  `Event bus throughput: ${RUNS} runs x ${EVENTS_PER_RUN} events, ${SUBSCRIBERS_PER_RUN} subscribers per run ` +
    `(median of ${ROUNDS} rounds after a warm-up)\n`,
);
const memory = await measure('memory', async () => new MemoryEventBus());
let redisDelivered: number | undefined;
const rows: string[][] = [
  [
    'memory (in-process)',
    rate(memory.appended, memory.seconds),
    rate(memory.delivered, memory.seconds),
    '100%',
  ],
];
const unreachable = await redisUnreachable();
if (unreachable === undefined) {
  const prefix = `sluice-bench:${randomBytes(6).toString('hex')}:`;
  try {
    const redis = await measure('redis', () => RedisEventBus.connect({ url: redisUrl, prefix }));
    const share = `${Math.round((memory.seconds / redis.seconds) * 100)}%`;
    redisDelivered = redis.delivered / redis.seconds;
    rows.push([
      'redis (Streams + pub/sub)',
      rate(redis.appended, redis.seconds),
      rate(redis.delivered, redis.seconds),
      share,
    ]);
  } finally {
    await deleteKeys(prefix);
  }
} else {
  console.log(`(Redis not reachable at ${redisUrl}: ${unreachable}; measured the in-process bus only)\n`);
}
const header = ['bus', 'appended events/s', 'delivered events/s', 'vs memory'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of rows) console.log(line(row));

if (!quick) writeBusSection(header, rows, redisDelivered);

/**
 * The bus section of docs/benchmarks.md, with Redis's delivery rate against the raw writer's
 * throughput from the same `npm run bench` (today's bench/results file, written just before).
 */
function writeBusSection(header: string[], rows: string[][], delivered: number | undefined): void {
  const root = new URL('../', import.meta.url);
  const day = new Date().toISOString().slice(0, 10);
  const resultsFile = new URL(`bench/results/${day}.json`, root);
  let comparison = 'No throughput results from today to compare with the raw writer.';
  if (existsSync(resultsFile) && delivered !== undefined) {
    const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as BenchResults;
    const long = results.workloads.find((w) => w.workload.name === 'long');
    const raw = long ? Math.max(...long.summary.map((c) => c.baseline.eventsPerSecond)) : undefined;
    if (raw) {
      const ratio = delivered / raw;
      comparison =
        `Redis delivered ${Math.round(delivered).toLocaleString('en-US')} events/s, ` +
        `**${ratio.toFixed(2)}** of the raw writer's best ${Math.round(raw).toLocaleString('en-US')} events/s ` +
        `in the throughput rounds above (target 7: at least 0.25; ${ratio >= 0.25 ? 'met' : 'missed'}).`;
    }
  }
  const section = `## Event bus

<!-- Generated by \`node --import tsx bench/bus.ts\` (part of \`npm run bench\`), ${day}. -->

The bus alone, without HTTP: ${RUNS} runs of ${EVENTS_PER_RUN} events appended the way the run engine
appends them (one after the other without waiting, all runs at once), ${SUBSCRIBERS_PER_RUN} subscribers
following each run; timed from the first append until every subscriber has every event and its end.
Median of ${ROUNDS} rounds after a warm-up.

${markdownTable(header, rows)}

${comparison}
`;
  const page = new URL('docs/benchmarks.md', root);
  writeFileSync(page, withSection(readFileSync(page, 'utf8'), 'bus', section));
  console.log('wrote the bus section of docs/benchmarks.md');
}
