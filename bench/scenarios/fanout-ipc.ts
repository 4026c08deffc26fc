/**
 * Messages between a fan-out scenario (fanout.ts, slow-reader.ts) and its load child
 * (fanout-load.ts). One job: `clients` streams join one source, the load child opens the source's
 * gate once every one of them has its response headers, and reads until they all end.
 */
import type { Percentiles } from '../ipc.ts';

export interface FanOutJob {
  /** What every client GETs as SSE; the server holds the stream until the gate opens. */
  joinUrl: string;
  /** POSTed once every client has joined: starts the run (Sluice) or the producer (raw writer). */
  goUrl: string;
  /** Clients that read as fast as they can. */
  readers: number;
  /**
   * Clients that stop reading right after their response headers. After the readers are done
   * they read again, to their end, so what the server did with them can be seen.
   */
  stalled: number;
  /** Joins in flight at once. */
  joinParallel: number;
  joinTimeoutMs: number;
  /** Readers still open this long after the gate opened are cut, and counted as errors. */
  readTimeoutMs: number;
  /**
   * Once the readers are done, and before the stalled clients read again, send `readers-done` and
   * wait (up to 60 s) for `continue`: the orchestrator reads the server's memory in between.
   */
  pauseAfterReaders: boolean;
}

/** What a stalled client got once it read again. */
export interface StalledOutcome {
  events: number;
  bytes: number;
  /** Its stream ended with a `slow_consumer` error frame (Sluice cut it off). */
  slowConsumer: boolean;
  /** It read its stream to the end within the time allowed. */
  ended: boolean;
}

export interface FanOutResult {
  readers: number;
  /** From the first join request to the last client's headers. */
  joinMs: number;
  /** Events the readers read after the gate was opened (replayed ones before it do not count). */
  events: number;
  bytes: number;
  /** Gate opened -> the last reader's end. */
  elapsedMs: number;
  eventsPerSecond: number;
  /** Fewest and most events one reader read after the gate opened. */
  eventsPerReader: { min: number; max: number };
  /** Gate opened -> each reader's first event. */
  firstEvent: Percentiles;
  /** Gate opened -> each reader's end. */
  end: Percentiles;
  stalled: StalledOutcome[];
  errors: number;
  errorSamples: string[];
  /** The load process's own CPU time during the job, microseconds. */
  loadCpuUs: number;
}

export type FanOutCommand = { type: 'job'; job: FanOutJob } | { type: 'continue' } | { type: 'stop' };
export type FanOutReply =
  | { type: 'ready' }
  | { type: 'readers-done' }
  | { type: 'result'; result: FanOutResult }
  | { type: 'error'; message: string };
