/** The capacity scenario's section, for bench/scenarios/markdown.ts. */
import { count, markdownTable, mib, ms } from '../format.ts';
import type { CapacityPart, CapacityScenarioResult } from './capacity.ts';
import type { HeldServerFigures } from './held-streams.ts';

function verdict(met: boolean): string {
  return met ? '**met**' : '**missed**';
}

function kib(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}

function problemsList(problems: string[]): string {
  if (problems.length === 0) return '';
  return `\n\nThese figures do not count:\n\n${problems.map((p) => `- ${p}`).join('\n')}`;
}

function perStream(f: HeldServerFigures, n: number): string {
  return f.held.open > 0 ? (n / f.held.open).toFixed(1) : '0';
}

function column(f: HeldServerFigures): string[] {
  return [
    `${count(f.opened)} of ${count(f.requested)}`,
    f.openSeconds.toFixed(1),
    mib(f.before.rss),
    mib(f.open.rss),
    kib(f.rssPerStream),
    kib(f.heapPerStream),
    ms(f.loopDelayOpening.p99),
    ms(f.loopDelayHeld.p99),
    ms(f.loopDelayHeld.max),
    `${perStream(f, f.held.events)}, ${perStream(f, f.held.heartbeats)}`,
    count(f.held.lost),
  ];
}

const ROWS = [
  'streams open',
  'time to open them, s',
  'RSS before, MiB',
  'RSS with the streams open, MiB',
  '**RSS per stream, KiB**',
  'heapUsed per stream, KiB',
  'event-loop delay p99 while opening, ms',
  '**event-loop delay p99 while held, ms**',
  'event-loop delay max while held, ms',
  'events, heartbeats per stream during the hold',
  'streams lost during the hold',
];

function partVerdict(p: CapacityPart): string {
  const name = p.name === 'runs' ? 'one run per stream' : 'clients joined to shared runs';
  return (
    `**${name}**: Sluice ${kib(p.sluice.rssPerStream)} KiB per stream against the raw writer's ` +
    `${kib(p.baseline.rssPerStream)} KiB, ratio ${p.rssRatio.toFixed(2)} (heapUsed ${p.heapRatio.toFixed(2)}); ` +
    `target ≤ ${p.targetRatio}: ${verdict(p.met)}.`
  );
}

export function capacitySection(r: CapacityScenarioResult): string {
  const s = r.settings;
  const [runs, joined] = r.parts;
  const header = ['', 'raw, own timer', 'Sluice, runs', 'raw, shared timers', 'Sluice, joined'];
  const columns = [runs?.baseline, runs?.sluice, joined?.baseline, joined?.sluice].map((f) =>
    f ? column(f) : ROWS.map(() => ''),
  );
  const table = markdownTable(
    header,
    ROWS.map((row, i) => [row, ...columns.map((c) => c[i] ?? '')]),
  );
  return [
    `**Measured:** the memory one Sluice process spends per open stream, and its event-loop delay, with ` +
      `${count(s.streams)} slow streams open at once and heartbeats on, against a raw node:http writer holding ` +
      `the same streams in the same run. Two cases: ${count(s.streams)} runs each streamed to its own client, and ` +
      `${count(s.streams)} clients joined to ${count(s.joinedRuns)} runs (100 each).`,
    `**How:** Sluice (\`bench/sluice-server.ts\`: PGlite in memory, in-process bus) runs the demo model at ` +
      `\`demo_pace: ${s.tokensPerSecond}\` (a token every ${1 / s.tokensPerSecond} s; "${s.message}" lasts minutes) with ` +
      `\`runs.heartbeat_ms: ${s.heartbeatMs}\`, so every gap between tokens carries a heartbeat. Runs: ` +
      '`POST /api/sessions`, then `POST /api/sessions/{id}/runs` as SSE with `on_disconnect: "cancel"`; joined: the ' +
      'runs are started first (202), then each client sends `GET /api/runs/{id}/events`. The raw writer ' +
      '(`bench/scenarios/slow-baseline-server.ts`) writes a `retry:` frame, then a chunk-sized event frame every ' +
      `${1 / s.tokensPerSecond} s (its own timer per stream, or one timer per group of 100 that writes to every member) ` +
      `and a heartbeat after ${s.heartbeatMs / 1000} s idle. The clients are a separate process ` +
      '(`bench/scenarios/hold-load.ts`) that opens the streams at a bounded rate and counts what they receive. ' +
      'Each of the four measurements has a fresh server process (`--expose-gc --no-memory-reducer`): a warm-up of a few ' +
      'streams of the same kind, memory read once RSS has settled after full collections (before), the streams ' +
      `opened, held ${s.holdMs / 1000} s (the event-loop delay of that window is \`perf_hooks.monitorEventLoopDelay\` ` +
      'in the server), then memory read the same way (open). Memory per stream = (open − before) / streams.',
    table,
    [
      ...r.parts.map(partVerdict),
      `**Event-loop delay** p99 while held: ${ms(r.loopDelay.p99Ms)} ms (worst case); target < ` +
        `${r.loopDelay.targetP99Ms} ms: ${verdict(r.loopDelay.met)}.`,
    ].join(' ') + problemsList(r.parts.flatMap((p) => p.problems)),
    r.quick
      ? `A quick run: with ${count(s.streams)} streams, RSS moves by a few MiB on its own (V8 and the allocator ` +
        'returning or reusing pages), which is a large share of the difference being measured; heapUsed is the ' +
        'steadier figure at this size.'
      : '',
  ]
    .filter((part) => part !== '')
    .join('\n\n');
}
