import type { SeqChain } from './seq-chain.ts';

/** A check that failed: `kind` names the check (stable, no ids), `detail` says what was seen. */
export class SoakFailure extends Error {
  constructor(
    readonly kind: string,
    detail: string,
  ) {
    super(detail);
  }
}

export interface TallySnapshot {
  requests: Record<string, number>;
  /** How checked runs ended where the soak let them choose (cancel raced with the end, multitask). */
  outcomes: Record<string, number>;
  errors: Record<string, number>;
  /** A few details per error kind. */
  errorSamples: Record<string, string[]>;
  eventsChecked: number;
  eventsLost: number;
  /** Chains followed to their conversation_end without a fault. */
  runsCheckedToEnd: number;
}

const SAMPLES_PER_KIND = 3;

/** Counts of a soak phase: requests and errors by kind, and the events whose seqs were checked. */
export class Tally {
  private readonly requests = new Map<string, number>();
  private readonly outcomes = new Map<string, number>();
  private readonly errors = new Map<string, number>();
  private readonly samples = new Map<string, string[]>();
  private eventsChecked = 0;
  private eventsLost = 0;
  private runsCheckedToEnd = 0;

  request(kind: string): void {
    this.requests.set(kind, (this.requests.get(kind) ?? 0) + 1);
  }

  outcome(kind: string): void {
    this.outcomes.set(kind, (this.outcomes.get(kind) ?? 0) + 1);
  }

  error(kind: string, detail: string): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
    const samples = this.samples.get(kind) ?? [];
    if (samples.length < SAMPLES_PER_KIND) samples.push(detail.slice(0, 300));
    this.samples.set(kind, samples);
  }

  /** Records anything a scenario threw: a SoakFailure under its kind, others by their message. */
  failure(scenario: string, thrown: unknown): void {
    if (thrown instanceof SoakFailure) this.error(`${scenario}: ${thrown.kind}`, thrown.message);
    else {
      const message = thrown instanceof Error ? thrown.message : String(thrown);
      const code = (thrown as { code?: unknown }).code;
      this.error(`${scenario}: ${typeof code === 'string' ? code : message.slice(0, 60)}`, message);
    }
  }

  /**
   * Adds a chain's counts once its client is done with it. `missing`: events the server says the
   * run had past the chain's last seq, when the chain was meant to reach the end and did not.
   */
  chain(scenario: string, chain: SeqChain, missing = 0): void {
    this.eventsChecked += chain.checked;
    this.eventsLost += chain.lost + missing;
    if (chain.ended && chain.problems().length === 0 && missing === 0) this.runsCheckedToEnd++;
    for (const problem of chain.problems()) {
      this.error(`${scenario}: ${problem}`, `lost ${chain.lost}, repeated ${chain.repeated}`);
    }
    if (missing > 0) this.error(`${scenario}: events missing at the end`, `${missing} events`);
  }

  snapshot(): TallySnapshot {
    return {
      requests: sorted(this.requests),
      outcomes: sorted(this.outcomes),
      errors: sorted(this.errors),
      errorSamples: Object.fromEntries(this.samples),
      eventsChecked: this.eventsChecked,
      eventsLost: this.eventsLost,
      runsCheckedToEnd: this.runsCheckedToEnd,
    };
  }
}

function sorted(counts: Map<string, number> | Record<string, number>): Record<string, number> {
  const entries = counts instanceof Map ? [...counts] : Object.entries(counts);
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

/** Counts of several tallies added up, keys sorted. */
export function merged(...counts: Array<Record<string, number>>): Record<string, number> {
  const all: Record<string, number> = {};
  for (const map of counts) for (const [key, n] of Object.entries(map)) all[key] = (all[key] ?? 0) + n;
  return sorted(all);
}

export function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}
