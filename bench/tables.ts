import { count, ms, ratio } from './format.ts';
import type { ConcurrencySummary } from './summary.ts';

/** The tables shared by the terminal output and docs/benchmarks.md: header and rows. */
export interface Table {
  header: string[];
  rows: string[][];
}

export function throughputTable(summary: ConcurrencySummary[]): Table {
  return {
    header: [
      'concurrency',
      'baseline events/s',
      'Sluice events/s',
      'ratio',
      'baseline streams/s',
      'Sluice streams/s',
    ],
    rows: summary.map((s) => [
      String(s.concurrency),
      count(s.baseline.eventsPerSecond),
      count(s.sluice.eventsPerSecond),
      ratio(s.ratio.eventsPerSecond),
      s.baseline.streamsPerSecond.toFixed(1),
      s.sluice.streamsPerSecond.toFixed(1),
    ]),
  };
}

export function latencyTable(summary: ConcurrencySummary[]): Table {
  return {
    header: [
      'concurrency',
      'TTFE p50 base',
      'TTFE p50 Sluice',
      'TTFE p99 base',
      'TTFE p99 Sluice',
      'gap p50 base',
      'gap p50 Sluice',
      'gap p99 base',
      'gap p99 Sluice',
    ],
    rows: summary.map((s) => [
      String(s.concurrency),
      ms(s.baseline.ttfeP50),
      ms(s.sluice.ttfeP50),
      ms(s.baseline.ttfeP99),
      ms(s.sluice.ttfeP99),
      ms(s.baseline.gapP50),
      ms(s.sluice.gapP50),
      ms(s.baseline.gapP99),
      ms(s.sluice.gapP99),
    ]),
  };
}

export function costTable(summary: ConcurrencySummary[]): Table {
  return {
    header: [
      'concurrency',
      'CPU µs/event base',
      'CPU µs/event Sluice',
      'ratio',
      'Sluice CPU ms/stream',
      'server cores base',
      'server cores Sluice',
      'load cores base',
      'load cores Sluice',
      'errors base',
      'errors Sluice',
    ],
    rows: summary.map((s) => [
      String(s.concurrency),
      s.baseline.serverCpuUsPerEvent.toFixed(2),
      s.sluice.serverCpuUsPerEvent.toFixed(2),
      ratio(s.ratio.serverCpuUsPerEvent),
      s.sluice.serverCpuMsPerStream.toFixed(2),
      s.baseline.serverCores.toFixed(2),
      s.sluice.serverCores.toFixed(2),
      s.baseline.loadCores.toFixed(2),
      s.sluice.loadCores.toFixed(2),
      String(s.baseline.errors),
      String(s.sluice.errors),
    ]),
  };
}
