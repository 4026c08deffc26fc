/**
 * `node --import tsx bench/scenarios/main.ts [scenario ...] [--quick]`: runs the chosen issue-8
 * scenarios (all of them when none is named) one after the other, each against a raw node:http
 * writer in the same run, prints a summary table, and writes
 * bench/results/scenarios-<YYYY-MM-DD>[-quick].json. A scenario that throws is recorded as failed
 * and the others still run; the exit code is 1 when any failed. Every child process is stopped by
 * its scenario, and killed on any way out of this one.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { killChildren } from '../children.ts';
import { withSection } from '../doc-sections.ts';
import { textTable } from '../format.ts';
import { machineInfo } from '../results.ts';
import { runCapacity } from './capacity.ts';
import { ROOT } from './child-control.ts';
import { runFanOut } from './fanout.ts';
import { runLatency } from './latency.ts';
import { scenariosMarkdown } from './markdown.ts';
import { runRedisReplay } from './redis-replay.ts';
import {
  formatFigure,
  type ScenarioFailure,
  type ScenarioOptions,
  type ScenarioResult,
  type ScenarioRunFile,
} from './scenario.ts';
import { runSlowReader } from './slow-reader.ts';

/** Name on the command line -> the scenario. Add a scenario by adding its line. */
const SCENARIOS: Record<string, (options: ScenarioOptions) => Promise<ScenarioResult>> = {
  fanout: runFanOut,
  latency: runLatency,
  'slow-reader': runSlowReader,
  capacity: runCapacity,
  'redis-replay': runRedisReplay,
};

function parseArgs(argv: string[]): { quick: boolean; names: string[] } {
  const quick = argv.includes('--quick');
  const names = argv.filter((arg) => arg !== '--quick');
  const unknown = names.filter((name) => !(name in SCENARIOS));
  if (unknown.length > 0) {
    console.error(
      `unknown scenario or option: ${unknown.join(', ')}; use ${Object.keys(SCENARIOS).join(', ')} and --quick`,
    );
    process.exit(2);
  }
  return { quick, names: names.length > 0 ? [...new Set(names)] : Object.keys(SCENARIOS) };
}

function summaryTable(results: ScenarioResult[]): string {
  const rows: string[][] = [];
  for (const result of results) {
    const failure = (result as ScenarioFailure).error;
    if (failure !== undefined) {
      rows.push([result.scenario, `failed: ${failure.split('\n')[0]}`, '', '', '', '', 'missed']);
      continue;
    }
    if (!result.comparisons?.length) {
      rows.push([result.scenario, '', '', '', '', '', result.met ? 'met' : 'missed']);
      continue;
    }
    for (const c of result.comparisons) {
      rows.push([
        result.scenario,
        c.what,
        formatFigure(c.baseline, c.unit),
        formatFigure(c.sluice, c.unit),
        c.ratio.toFixed(3),
        c.target,
        c.met ? 'met' : 'missed',
      ]);
    }
  }
  return textTable(['scenario', 'measured', 'raw writer', 'Sluice', 'ratio', 'target', ''], rows);
}

async function main(): Promise<number> {
  const { quick, names } = parseArgs(process.argv.slice(2));
  const began = performance.now();
  const startedAt = new Date();
  const start = loadavg();
  const results: ScenarioResult[] = [];
  for (const name of names) {
    const scenarioBegan = performance.now();
    const run = SCENARIOS[name];
    if (!run) continue;
    try {
      results.push(await run({ quick }));
    } catch (error) {
      console.error(
        `${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      const failure: ScenarioFailure = {
        scenario: name,
        quick,
        met: false,
        seconds: Math.round((performance.now() - scenarioBegan) / 100) / 10,
        error: error instanceof Error ? error.message : String(error),
      };
      results.push(failure);
    }
  }

  const file: ScenarioRunFile = {
    startedAt: startedAt.toISOString(),
    command: `node --import tsx bench/scenarios/main.ts${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: machineInfo(),
    loadAverage: { start, end: loadavg() },
    quick,
    scenarios: results,
    totalSeconds: Math.round((performance.now() - began) / 100) / 10,
  };
  console.log(`\n${summaryTable(results)}`);
  console.log(
    `\nload average ${start.map((l) => l.toFixed(1)).join(' ')} at the start, ` +
      `${file.loadAverage.end.map((l) => l.toFixed(1)).join(' ')} at the end (${file.machine.cores} cores)` +
      (quick ? '; quick run: indicative figures only' : ''),
  );
  const resultsDir = new URL('bench/results/', ROOT);
  mkdirSync(resultsDir, { recursive: true });
  const target = new URL(`scenarios-${file.startedAt.slice(0, 10)}${quick ? '-quick' : ''}.json`, resultsDir);
  writeFileSync(target, `${JSON.stringify(file, null, 2)}\n`);
  console.log(`wrote ${target.pathname} in ${file.totalSeconds} s`);
  // A full run of every scenario is what docs/benchmarks.md reports; quick or partial runs are not.
  if (!quick && names.length === Object.keys(SCENARIOS).length) {
    const page = new URL('docs/benchmarks.md', ROOT);
    const resultsPath = `bench/results/${target.pathname.split('/').pop()}`;
    const section = `## Scenarios: fan-out, capacity, latency, slow reader, Redis replay

<!-- Generated by \`node --import tsx bench/scenarios/main.ts\` (part of \`npm run bench\`). Edit bench/scenarios/markdown.ts, not this section. -->

${scenariosMarkdown(file, resultsPath)}`;
    writeFileSync(page, withSection(readFileSync(page, 'utf8'), 'scenarios', section));
    console.log('wrote the scenarios section of docs/benchmarks.md');
  }
  return results.some((r) => (r as ScenarioFailure).error !== undefined) ? 1 : 0;
}

main().then(
  (code) => {
    killChildren();
    process.exit(code);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    killChildren();
    process.exit(1);
  },
);
