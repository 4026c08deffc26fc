import { mib } from '../format.ts';
import type { SoakResults } from './results.ts';
import { quiet } from './server.ts';
import { type TallySnapshot, total } from './tally.ts';

/** Why the soak failed, if it did: events lost, runs left, errors, cycles cut short, heap growth. */
export function verdict(results: Omit<SoakResults, 'verdict' | 'totalSeconds'>): SoakResults['verdict'] {
  const { totals, runs, memory, settings, cycles } = results;
  const failures: string[] = [];
  if (totals.eventsLost > 0) failures.push(`${totals.eventsLost} events lost`);
  if (!quiet(runs)) {
    failures.push(
      `runs left: ${total(runs.unfinished)} queued or running, ${runs.active} active, ${runs.openStreams} open streams`,
    );
  }
  if (totals.errors > 0) failures.push(`${totals.errors} errors`);
  if (cycles.started < settings.cycles) {
    failures.push(
      `only ${cycles.started} of ${settings.cycles} cycles within ${settings.cycleTimeBoundMs} ms`,
    );
  }
  if (!memory.gc) failures.push('the server could not collect garbage (no --expose-gc)');
  const growth = memory.end.heapUsed - memory.start.heapUsed;
  if (growth > settings.heapBoundMb * 1024 * 1024) {
    failures.push(`heap grew by ${mib(growth)} MiB after GC (bound ${settings.heapBoundMb} MiB)`);
  }
  return { passed: failures.length === 0, failures };
}

export function totals(...tallies: TallySnapshot[]): SoakResults['totals'] {
  const sum = (pick: (t: TallySnapshot) => number) => tallies.reduce((n, t) => n + pick(t), 0);
  return {
    requests: sum((t) => total(t.requests)),
    errors: sum((t) => total(t.errors)),
    eventsChecked: sum((t) => t.eventsChecked),
    eventsLost: sum((t) => t.eventsLost),
    runsCheckedToEnd: sum((t) => t.runsCheckedToEnd),
  };
}
