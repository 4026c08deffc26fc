/** The Redis replay scenario's section, for bench/scenarios/markdown.ts. */
import { count, markdownTable, ms } from '../format.ts';
import type { RedisReplayScenarioResult } from './redis-replay.ts';

function verdict(met: boolean): string {
  return met ? '**met**' : '**missed**';
}

function problemsList(problems: string[]): string {
  if (problems.length === 0) return '';
  return `\n\nThese figures do not count:\n\n${problems.map((p) => `- ${p}`).join('\n')}`;
}

export function redisReplaySection(r: RedisReplayScenarioResult): string {
  const s = r.settings;
  const { baseline: b, sluice: l } = r;
  const table = markdownTable(
    [`over ${s.rounds} replays`, 'raw writer', 'Sluice (Redis bus)'],
    [
      ['request -> last event, median ms', ms(b.medianMs), ms(l.medianMs)],
      ['request -> last event, min ms', ms(b.minMs), ms(l.minMs)],
      ['request -> last event, max ms', ms(b.maxMs), ms(l.maxMs)],
      ['request -> response headers, median ms', ms(b.headersMedianMs), ms(l.headersMedianMs)],
      ['bytes per replay', count(b.bytes), count(l.bytes)],
    ],
  );
  return [
    `**Measured:** the time a resuming client waits for ${count(s.replayedEvents)} events of a run's log held in ` +
      'Redis: from sending `GET /api/runs/{id}/events` to reading the last of them.',
    `**How:** a Sluice server with the Redis bus (\`redis_url\`, a fresh \`redis.prefix\` deleted at the end; store: ` +
      `${s.store}) runs the demo model at pace 0 on "${s.message}" (${count(s.runEvents)} events, one chunk per ` +
      `word). The client resumes with \`Last-Event-ID: ${s.lastEventId}\`, so exactly ${count(s.replayedEvents)} ` +
      'events follow, read with node:http on a fresh connection. The raw writer (`bench/baseline-server.ts`) ' +
      `answers the body of a Sluice replay, byte for byte, one \`res.write\` per frame. After ${s.warmups} warm-ups ` +
      `each, ${s.rounds} replays alternate raw and Sluice. Bus throughput against the in-process bus is \`bench/bus.ts\`.`,
    table,
    `**Replay time** (median): ${ms(l.medianMs)} ms, ${r.ratio.toFixed(2)} times the raw writer's; target < ` +
      `${r.target.maxMs} ms: ${verdict(r.met)}.` +
      problemsList(r.problems),
  ].join('\n\n');
}
