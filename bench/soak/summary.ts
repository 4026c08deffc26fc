import { count, mib } from '../format.ts';
import type { SoakResults } from './results.ts';
import { merged, total } from './tally.ts';

function lines(rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
}

function counts(map: Record<string, number>): Array<[string, string]> {
  return Object.entries(map).map(([kind, n]) => [kind, count(n)]);
}

/** The soak's figures for the terminal. */
export function printSummary(results: SoakResults): void {
  const { cycles, mixed, totals, memory, runs, settings, verdict } = results;
  const tallies = [results.warmup.tally, cycles.tally, mixed.tally];
  console.log(
    `\nsoak\n${lines([
      ['cycles', `${count(cycles.started)} of ${count(settings.cycles)} in ${cycles.seconds} s`],
      ['cycle starts', JSON.stringify(cycles.byStart)],
      ['cycle ends', `${JSON.stringify(cycles.byEnd)}, ${cycles.resumedToEnd} resumed to the end`],
      ['mixed traffic', `${mixed.seconds} s, ${count(mixed.scenarios)} scenarios`],
      ['requests', count(totals.requests)],
      ['errors', count(totals.errors)],
      [
        'events checked',
        `${count(totals.eventsChecked)} (${count(totals.runsCheckedToEnd)} chains to the end)`,
      ],
      ['events lost', count(totals.eventsLost)],
      [
        'runs queued/running',
        `${total(runs.unfinished)} (active ${runs.active}, open streams ${runs.openStreams})`,
      ],
      ['runs ended', JSON.stringify(runs.ended)],
      [
        'heap after GC, MiB',
        `${mib(memory.start.heapUsed)} -> ${mib(memory.end.heapUsed)} (bound +${settings.heapBoundMb})`,
      ],
      ['rss, MiB', `${mib(memory.start.rss)} -> ${mib(memory.end.rss)}, peak ${mib(memory.peak.rss)}`],
      ['total', `${results.totalSeconds} s`],
    ])}`,
  );
  console.log(`\nrequests by kind\n${lines(counts(merged(...tallies.map((t) => t.requests))))}`);
  console.log(`\noutcomes\n${lines(counts(merged(...tallies.map((t) => t.outcomes))))}`);
  const errors = merged(...tallies.map((t) => t.errors));
  if (Object.keys(errors).length > 0) {
    console.log(`\nerrors by kind\n${lines(counts(errors))}`);
    for (const tally of tallies) {
      for (const [kind, samples] of Object.entries(tally.errorSamples))
        console.log(`  ${kind}: ${samples.join(' | ')}`);
    }
  }
  console.log(`\n${verdict.passed ? 'PASSED' : `FAILED: ${verdict.failures.join('; ')}`}`);
}
