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

/** What the Sluice server child knows of its runs (the `runs` command; bench/soak.ts). */
export interface RunCounts {
  /** Runs the store still holds as `queued` or `running`, by status. */
  unfinished: Record<string, number>;
  /** Runs that ended since the server started, by status. */
  ended: Record<string, number>;
  /** Runs the run engine is still executing. */
  active: number;
  /** SSE responses still open. */
  openStreams: number;
}

/**
 * The server's event-loop delay over a window, in ms (perf_hooks.monitorEventLoopDelay at 10 ms
 * resolution: how late a timer due every 10 ms ran).
 */
export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * The baseline's frames. With `delaysMs` (one per frame), /stream waits that long before writing
 * each frame, on a timer of its own per stream: a paced writer (bench/scenarios/latency.ts).
 */
export type ServerInit = { type: 'init'; frames: string[]; delaysMs?: number[] };

/**
 * What a server child (baseline or Sluice) accepts. `gc` runs the garbage collector when the
 * child was started with --expose-gc; `runs` is answered by the Sluice server only; `loop-delay`
 * answers the event-loop delay since the previous `loop-delay` (or the start) and opens a new window.
 */
export type ServerCommand =
  | ServerInit
  | { type: 'stats' }
  | { type: 'gc' }
  | { type: 'runs' }
  | { type: 'loop-delay' }
  | { type: 'stop' };

/** What a server child sends back. */
export type ServerReply =
  | { type: 'ready'; url: string }
  | { type: 'stats'; stats: ProcessStats }
  | { type: 'gc'; collected: boolean; stats: ProcessStats }
  | { type: 'runs'; counts: RunCounts }
  | { type: 'loop-delay'; delay: LoopDelay }
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
  /** Spreads the first streams evenly over this many ms instead of starting them all at once. */
  rampMs?: number;
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
