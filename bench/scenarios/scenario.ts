/** What every scenario of bench/scenarios/main.ts takes and gives back. */
import { count, ms } from '../format.ts';
import type { MachineInfo } from '../results.ts';

export interface ScenarioOptions {
  /** A shorter run, to check the scenario works; its figures are indicative only. */
  quick?: boolean;
  /** Progress lines; default console.log. */
  log?: (line: string) => void;
}

/** One of Sluice's figures against the raw writer's, and its target: a row of the summary table. */
export interface Comparison {
  what: string;
  unit: string;
  baseline: number;
  sluice: number;
  /** Sluice over the raw writer (or as `target` defines it). */
  ratio: number;
  /** The target, in words: "ratio ≥ 0.5". */
  target: string;
  met: boolean;
}

/** The fields every scenario result has; each scenario adds its own figures. */
export interface ScenarioResult {
  scenario: string;
  quick: boolean;
  met: boolean;
  seconds: number;
  /** The headline comparisons, for the summary table (scenarios without them show met/missed only). */
  comparisons?: Comparison[];
}

export function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** A comparison's figure with its unit, for tables: "12,345 events/s", "25.40 ms", "0.97×". */
export function formatFigure(value: number, unit: string): string {
  if (unit === 'events/s') return `${count(value)} events/s`;
  if (unit === 'ms') return `${ms(value)} ms`;
  if (unit === '×') return `${value.toFixed(3)}×`;
  return `${value} ${unit}`;
}

/** "1 round", "3 rounds". */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function elapsedSeconds(began: number): number {
  return round((performance.now() - began) / 1000, 1);
}

/** What bench/results/scenarios-<date>[-quick].json holds. */
export interface ScenarioRunFile {
  /** ISO time the run started. */
  startedAt: string;
  command: string;
  machine: MachineInfo;
  /** os.loadavg() at the start and the end: other work on the machine skews every figure. */
  loadAverage: { start: number[]; end: number[] };
  quick: boolean;
  scenarios: Array<ScenarioResult | ScenarioFailure>;
  totalSeconds: number;
}

/** A scenario that threw instead of measuring. */
export interface ScenarioFailure extends ScenarioResult {
  error: string;
}
