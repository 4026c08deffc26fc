/**
 * How long an ended run's event log stays in the bus. The default (10 minutes) keeps every run of
 * the benchmark in memory, some 370 KB each: the heap grows by gigabytes over a full run and the
 * later rounds measure the garbage collector. Ten seconds keeps resumption possible and memory
 * bounded; docs/benchmarks.md says so.
 */
export const BENCH_RETENTION_MS = 10_000;

/** The per-client rate limit, lifted: the load generator is one client sending thousands of requests. */
export const BENCH_RATE_LIMIT = { max: 1_000_000_000, window_ms: 60_000 };
