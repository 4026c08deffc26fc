import type { SoakResults } from './results.ts';
import type { TallySnapshot } from './tally.ts';

export const MiB = 1024 * 1024;

export function tally(partial: Partial<TallySnapshot> = {}): TallySnapshot {
  return {
    requests: {},
    outcomes: {},
    errors: {},
    errorSamples: {},
    eventsChecked: 0,
    eventsLost: 0,
    runsCheckedToEnd: 0,
    ...partial,
  };
}

/** Results of a made-up full soak with two errors, for the tests of what reads results. */
export function soakResultsFixture(): SoakResults {
  return {
    startedAt: '2026-11-22T10:00:00.000Z',
    command: 'node --import tsx bench/soak.ts',
    machine: {
      cpuModel: 'Test CPU',
      cores: 2,
      totalMemoryBytes: 8 * 1024 * MiB,
      node: 'v20.20.2',
      platform: 'linux-x64',
      kernel: '6',
    },
    settings: {
      quick: false,
      cycles: 10_000,
      minutes: 30,
      seed: 42,
      cycleConcurrency: 50,
      cycleTimeBoundMs: 1_620_000,
      resumeSample: 0.3,
      mixedConcurrency: 16,
      warmupMs: 20_000,
      demoPace: 300,
      retentionMs: 10_000,
      requestTimeoutMs: 60_000,
      heapBoundMb: 50,
    },
    warmup: { seconds: 20, tally: tally({ requests: { 'POST /api/sessions': 10 } }) },
    cycles: {
      started: 10_000,
      byStart: { new: 4000, join: 3000, takeover: 3000 },
      byEnd: { 'read to the end': 1500, 'dropped midway': 7000, 'dropped at the headers': 1500 },
      resumedToEnd: 2500,
      seconds: 260,
      tally: tally({ requests: { 'POST /api/sessions': 4000 }, eventsChecked: 500_000 }),
    },
    mixed: {
      scenarios: 30_000,
      byScenario: { native: 5000 },
      seconds: 1800,
      tally: tally({
        requests: { 'POST /v1/extract': 1234 },
        outcomes: { 'cancel: run cancelled': 900 },
        errors: { 'native: GET /api/runs/{id}/events answered 410': 2 },
        eventsChecked: 1_000_000,
      }),
    },
    totals: { requests: 5244, errors: 2, eventsChecked: 1_500_000, eventsLost: 0, runsCheckedToEnd: 12_345 },
    memory: {
      gc: true,
      start: { rss: 500 * MiB, heapUsed: 66 * MiB },
      end: { rss: 700 * MiB, heapUsed: 70 * MiB },
      peak: { rss: 800 * MiB, heapUsed: 150 * MiB },
      samples: [],
    },
    runs: { unfinished: {}, ended: { completed: 20_000, cancelled: 900 }, active: 0, openStreams: 0 },
    verdict: { passed: false, failures: ['2 errors'] },
    totalSeconds: 2200,
  };
}
