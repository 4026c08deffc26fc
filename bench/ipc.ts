/**
 * Messages between bench/run.ts and its child processes (node IPC). Every child is forked by the
 * orchestrator and exits when the orchestrator disconnects, so a crash of the parent leaves no
 * server running.
 */

/** A server child's resource use, read from inside its process. */
export interface ProcessStats {
  rss: number;
  heapUsed: number;
  /** process.cpuUsage(), microseconds since the process started. */
  cpuUser: number;
  cpuSystem: number;
}

/** What a server child (baseline or Sluice) accepts. */
export type ServerCommand = { type: 'init'; frames: string[] } | { type: 'stats' } | { type: 'stop' };

/** What a server child sends back. */
export type ServerReply =
  | { type: 'ready'; url: string }
  | { type: 'stats'; stats: ProcessStats }
  | { type: 'error'; message: string };

export type LoadMode = 'baseline' | 'sluice';

export interface LoadJob {
  url: string;
  mode: LoadMode;
  concurrency: number;
  /** No stream starts after this many ms; in-flight streams are read to their end. */
  durationMs: number;
  /** No stream starts after this many have started, whichever of the two comes first. */
  maxStreams: number;
  /** In-flight streams still open this long after the duration are cut and counted as errors. */
  tailMs: number;
  /** The run's message (Sluice mode). */
  message: string;
}

/** Milliseconds; percentiles come from a log histogram (about 1% relative precision). */
export interface Percentiles {
  p50: number;
  p99: number;
  max: number;
  count: number;
}

export interface LoadResult {
  mode: LoadMode;
  concurrency: number;
  /** From the first request to the end of the last stream. */
  elapsedMs: number;
  streamsStarted: number;
  streamsCompleted: number;
  /** Frames carrying an `id:` line, over completed and cut streams alike. */
  events: number;
  bytes: number;
  eventsPerSecond: number;
  /** Fewest and most events one completed stream carried (a check on the counting). */
  eventsPerStream: { min: number; max: number };
  /** Stream request sent -> response headers. */
  ttfb: Percentiles;
  /** Stream request sent -> first complete event frame. */
  ttfe: Percentiles;
  /** Between consecutive events of one stream, as the client read them. */
  gap: Percentiles;
  /** Sluice only: POST /api/sessions round trip. */
  sessionCreate: Percentiles | undefined;
  errors: number;
  /** The first few error messages. */
  errorSamples: string[];
  /** The load process's own CPU time during the round, microseconds. */
  loadCpuUs: number;
}

export type LoadCommand = { type: 'job'; job: LoadJob } | { type: 'stop' };
export type LoadReply =
  | { type: 'ready' }
  | { type: 'result'; result: LoadResult }
  | { type: 'error'; message: string };
