import type { Percentiles } from './ipc.ts';

/** Values below this (ms) share bucket 0 and read back as 0: one microsecond. */
const FLOOR_MS = 0.001;
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
/** 1 µs * 1.01^2000 is about 440 s: far beyond any stream here. */
const BUCKETS = 2002;

/**
 * A fixed-size log histogram of durations in milliseconds: constant memory and O(1) recording
 * however many events a round reads, percentiles within about 1% (each bucket reads back as its
 * geometric middle). The maximum is kept exactly.
 */
export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private maximum = 0;

  record(ms: number, times = 1): void {
    if (times <= 0) return;
    const index =
      ms < FLOOR_MS ? 0 : Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(ms / FLOOR_MS) / LOG_GROWTH));
    this.counts[index]! += times;
    this.total += times;
    if (ms > this.maximum) this.maximum = ms;
  }

  /** q in [0, 1]; 0 when empty. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let index = 0; index < BUCKETS; index++) {
      seen += this.counts[index]!;
      if (seen >= rank) {
        if (index === 0) return 0;
        return Math.min(this.maximum, FLOOR_MS * GROWTH ** (index - 0.5));
      }
    }
    return this.maximum;
  }

  summary(): Percentiles {
    return {
      p50: round3(this.quantile(0.5)),
      p99: round3(this.quantile(0.99)),
      max: round3(this.maximum),
      count: this.total,
    };
  }
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
