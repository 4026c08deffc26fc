/**
 * Markdown for the scenario results (bench/results/scenarios-*.json): a section per scenario
 * saying what was measured, how, the figures against the raw writer, the ratio, the target and
 * whether it was met. `scenariosMarkdown` renders a whole results file; `scenarioSection` one
 * scenario, for pages that place them themselves. Scenarios without a renderer of their own here
 * get a section from their headline comparisons.
 */
import { count, markdownTable, mib, ms } from '../format.ts';
import type { CapacityScenarioResult } from './capacity.ts';
import type { FanOutScenarioResult } from './fanout.ts';
import type { LatencyScenarioResult } from './latency.ts';
import { capacitySection } from './markdown-capacity.ts';
import { redisReplaySection } from './markdown-redis-replay.ts';
import type { RedisReplayScenarioResult } from './redis-replay.ts';
import {
  type Comparison,
  formatFigure,
  plural,
  type ScenarioFailure,
  type ScenarioResult,
  type ScenarioRunFile,
} from './scenario.ts';
import type { SlowReaderScenarioResult } from './slow-reader.ts';

const TITLES: Record<string, string> = {
  fanout: 'Fan-out: one run, 1,000 clients',
  latency: 'Latency: 1,000 streams at 40 tokens/s',
  'slow-reader': 'Slow reader: one stalled client among 100',
  capacity: 'Capacity: 10,000 slow streams in one process',
  'redis-replay': 'Redis bus: replaying a 10,000-event log',
};

function verdict(met: boolean): string {
  return met ? '**met**' : '**missed**';
}

function problemsList(problems: string[]): string {
  if (problems.length === 0) return '';
  return `\n\nThese figures do not count:\n\n${problems.map((p) => `- ${p}`).join('\n')}`;
}

function comparisonsTable(comparisons: Comparison[]): string {
  return markdownTable(
    ['measured', 'raw writer', 'Sluice', 'ratio', 'target', ''],
    comparisons.map((c) => [
      c.what,
      formatFigure(c.baseline, c.unit),
      formatFigure(c.sluice, c.unit),
      c.ratio.toFixed(2),
      c.target,
      c.met ? 'met' : 'missed',
    ]),
  );
}

function fanOutSection(r: FanOutScenarioResult): string {
  const s = r.settings;
  const { baseline: b, sluice: l } = r;
  const table = markdownTable(
    ['median over rounds', 'raw writer', 'Sluice'],
    [
      ['events/s delivered (after the gate)', count(b.eventsPerSecond), count(l.eventsPerSecond)],
      ['gate -> last client done, ms', ms(b.elapsedMs), ms(l.elapsedMs)],
      ["gate -> a client's first event, p50 ms", ms(b.firstEventP50Ms), ms(l.firstEventP50Ms)],
      ['gate -> a client done, p99 ms', ms(b.endP99Ms), ms(l.endP99Ms)],
      [`${count(s.clients)} joins before the gate, ms (not in events/s)`, ms(b.joinMs), ms(l.joinMs)],
      ['server CPU per round (joins included), ms', count(b.serverCpuMs), count(l.serverCpuMs)],
      ['load generator CPU per round, ms', count(b.loadCpuMs), count(l.loadCpuMs)],
      ['failed streams (all rounds)', count(b.errors), count(l.errors)],
    ],
  );
  return [
    `**Measured:** events per second delivered when one live run is read by ${count(s.clients)} clients at once, ` +
      `against a raw node:http writer in which one producer writes the same frames to ${count(s.clients)} responses.`,
    `**How:** every client joins first (Sluice: \`GET /api/runs/{id}/events\` on a run whose model has not answered ` +
      'yet; raw: `GET /fanout`), then the load generator opens the gate and times from there to the last ' +
      "client's end. Sluice's model is a loopback OpenAI-compatible upstream that streams the demo model's text " +
      `(${count(s.upstreamTokens)} tokens) once the gate opens: at pace 0 the demo model's own run would be over ` +
      'before 1,000 clients joined, and they would read a replay. The run is ' +
      `${count(s.recordedRun.events)} events (${count(s.recordedRun.bytes)} bytes); the raw writer replays that ` +
      'recording, one `res.write` per response per 64 KiB of frames (as Sluice writes one per tick). ' +
      `${plural(s.roundsPerMode, 'round')} each, alternating raw and Sluice, after one warm-up round each. CPU: ${s.cpu}.`,
    table,
    `**Ratio** (Sluice / raw events/s): ${r.ratio.toFixed(2)}; target ≥ ${r.target.minRatio}: ${verdict(r.met)}.` +
      problemsList(r.problems),
  ].join('\n\n');
}

function latencySection(r: LatencyScenarioResult): string {
  const s = r.settings;
  const { baseline: b, sluice: l } = r;
  const table = markdownTable(
    ['median over rounds', 'raw writer', 'Sluice'],
    [
      ['gap between events, p50 ms', ms(b.gapP50Ms), ms(l.gapP50Ms)],
      ['gap between events, p99 ms', ms(b.gapP99Ms), ms(l.gapP99Ms)],
      ['gap between events, max ms', ms(b.gapMaxMs), ms(l.gapMaxMs)],
      ['time to first event, p50 ms', ms(b.ttfeP50Ms), ms(l.ttfeP50Ms)],
      ['time to first event, p99 ms', ms(b.ttfeP99Ms), ms(l.ttfeP99Ms)],
      ['events/s over the round', count(b.eventsPerSecond), count(l.eventsPerSecond)],
      ["server's event-loop delay, p99 ms", ms(b.serverLoopDelayP99Ms), ms(l.serverLoopDelayP99Ms)],
      [
        'busy cores: server, load generator',
        `${b.serverCores}, ${b.loadCores}`,
        `${l.serverCores}, ${l.loadCores}`,
      ],
      [`streams completed (of ${count(s.streams)})`, count(b.streamsCompleted), count(l.streamsCompleted)],
      ['failed streams (all rounds)', count(b.errors), count(l.errors)],
    ],
  );
  return [
    `**Measured:** the gap between consecutive events of a stream, at the client, with ${count(s.streams)} streams ` +
      `open at ${s.tokensPerSecond} tokens/s each, against a raw node:http writer pacing the same frames the same way.`,
    `**How:** Sluice runs the demo model at \`demo_pace: ${s.tokensPerSecond}\`, each stream a new session and a run ` +
      `streamed as SSE ("${s.message}": ${count(s.recordedRun.events)} events, ${count(s.recordedRun.chunks)} of ` +
      `them text chunks). The raw writer replays that run with the demo model's schedule: ` +
      `${ms(1000 / s.tokensPerSecond)} ms before each chunk but the first, on ${s.pacing}. The streams start spread ` +
      `over ${count(s.rampMs)} ms (both), and the gaps are those bench/load.ts records (events read together count ` +
      `as gap 0). ${plural(s.roundsPerMode, 'round')} each, alternating. CPU: ${s.cpu}.`,
    table,
    `**Ratio** (Sluice / raw p99 gap): ${r.ratio.toFixed(2)}; target ≤ ${r.target.maxRatio}: ${verdict(r.met)}.` +
      problemsList(r.problems),
  ].join('\n\n');
}

function slowReaderSection(r: SlowReaderScenarioResult): string {
  const s = r.settings;
  const { baseline: b, sluice: l } = r;
  const pct = (change: number) => `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%`;
  const table = markdownTable(
    ['median over rounds', 'raw writer', 'Sluice'],
    [
      [
        "readers' events/s, no stalled client",
        count(b.controlEventsPerSecond),
        count(l.controlEventsPerSecond),
      ],
      [
        "readers' events/s, 1 stalled client",
        count(b.stalledEventsPerSecond),
        count(l.stalledEventsPerSecond),
      ],
      ['change', pct(b.change), pct(l.change)],
      ['heap held for the stalled client, MiB', mib(b.retainedHeapBytes), mib(l.retainedHeapBytes)],
      ['peak RSS, no stalled client, MiB', mib(b.controlRssPeak), mib(l.controlRssPeak)],
      ['peak RSS, 1 stalled client, MiB', mib(b.stalledRssPeak), mib(l.stalledRssPeak)],
      ['events the stalled client got', count(b.stalledEvents), count(l.stalledEvents)],
      [
        'stalled client cut off (`slow_consumer`)',
        b.stalledCutOff ? 'yes' : 'no',
        l.stalledCutOff ? 'yes' : 'no',
      ],
      ['failed streams (all rounds)', count(b.errors), count(l.errors)],
    ],
  );
  return [
    `**Measured:** how much one client that stops reading changes the throughput of ${count(s.readers)} others ` +
      'reading the same live run, and what the server holds for it; Sluice and a raw node:http writer (one ' +
      "producer, every response written without waiting: a full socket leaves the frames in Node's buffer).",
    `**How:** the fan-out set-up (see the fan-out scenario) with a run of ${count(s.recordedRun.events)} events ` +
      `(${mib(s.recordedRun.bytes)} MiB: the demo model's text at ${count(s.words)} words), long enough to fill the ` +
      `stalled client's socket buffers and Sluice's queue (\`runs.max_queued_frames\` = ${count(s.maxQueuedFrames)}). ` +
      'The stalled client joins among the readers and stops reading at its headers; once the readers are done the ' +
      "server's live heap is read after a full collection (stalled client still connected), then the stalled client " +
      `reads again to its end. Rounds without and with it, ${plural(s.roundsPerCase, 'round')} each per server, alternating; ended ` +
      `logs are kept ${count(s.retentionMs)} ms and rounds start 3 s apart so none sees another's log. CPU: ${s.cpu}.`,
    table,
    `**Throughput change** with the stalled client: ${pct(l.change)}; target within ±${(r.target.maxChange * 100).toFixed(0)}%: ` +
      `${verdict(r.throughputMet && r.problems.length === 0)}. **Memory**: ${mib(l.retainedHeapBytes)} MiB held for the ` +
      `stalled client, bound ${mib(r.target.memoryBoundBytes)} MiB (the queue's ${count(s.maxQueuedFrames)} frames ` +
      `at their mean size), cut off: ${l.stalledCutOff ? 'yes' : 'no'}: ${verdict(r.memoryMet && r.problems.length === 0)}.` +
      problemsList(r.problems),
  ].join('\n\n');
}

function genericSection(r: ScenarioResult): string {
  const failure = (r as ScenarioFailure).error;
  if (failure !== undefined) return `The scenario failed before measuring: \`${failure.split('\n')[0]}\`.`;
  const parts = r.comparisons?.length ? [comparisonsTable(r.comparisons)] : [];
  parts.push(`Target: ${verdict(r.met)}.`);
  return parts.join('\n\n');
}

/** One scenario's section, with a `###` heading. */
export function scenarioSection(result: ScenarioResult): string {
  const title = TITLES[result.scenario] ?? result.scenario;
  let body: string;
  if ((result as ScenarioFailure).error !== undefined) body = genericSection(result);
  else if (result.scenario === 'fanout') body = fanOutSection(result as FanOutScenarioResult);
  else if (result.scenario === 'latency') body = latencySection(result as LatencyScenarioResult);
  else if (result.scenario === 'slow-reader') body = slowReaderSection(result as SlowReaderScenarioResult);
  else if (result.scenario === 'capacity') body = capacitySection(result as CapacityScenarioResult);
  else if (result.scenario === 'redis-replay') body = redisReplaySection(result as RedisReplayScenarioResult);
  else body = genericSection(result);
  return `### ${title}\n\n${body}`;
}

/** A whole results file: where it ran, the summary table, then a section per scenario. */
export function scenariosMarkdown(file: ScenarioRunFile, resultsPath: string): string {
  const m = file.machine;
  const comparisons = file.scenarios.flatMap((s) => s.comparisons ?? []);
  const lines = [
    `Measured on ${m.cores} cores (${m.cpuModel}), Node ${m.node}, ${file.startedAt.slice(0, 10)}, with ` +
      `\`${file.command}\`${file.quick ? ' (a quick run: indicative figures only)' : ''}; load average ` +
      `${file.loadAverage.start.map((l) => l.toFixed(1)).join(' ')} at the start. Raw figures: \`${resultsPath}\`.`,
  ];
  if (comparisons.length > 0) lines.push(comparisonsTable(comparisons));
  for (const scenario of file.scenarios) lines.push(scenarioSection(scenario));
  return `${lines.join('\n\n')}\n`;
}
