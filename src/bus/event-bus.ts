import type { CanonicalEvent, SluiceError } from '../protocol/index.ts';

/** One event of a run's log, with its JSON encoded once so every reader shares it. */
export interface LogEntry {
  seq: number;
  event: CanonicalEvent;
  /** `JSON.stringify(event)`, computed once at append. */
  json: string;
  /**
   * The native dialect's SSE frame, encoded by the first subscriber that needs it and shared by
   * the rest (a cache on the entry itself: cheaper for the garbage collector than a WeakMap).
   */
  nativeFrame?: string;
}

export type LogState =
  /** The run is still appending. */
  | { state: 'live'; lastSeq: number }
  /** The run ended; its log is kept until the retention period passes. */
  | { state: 'ended'; lastSeq: number }
  /** Never existed here, or retention passed. The store tells the two apart (404 vs 410). */
  | { state: 'missing' };

export interface LogSubscriber {
  /** Called for every entry with seq > afterSeq, in order, exactly once. Must not throw. */
  onEntry(entry: LogEntry): void;
  /** Called once after the last entry of an ended log, or when the log is dropped. */
  onEnd(): void;
  /**
   * Called once, instead of onEnd, when the bus gives up delivering: its backing service (Redis)
   * stayed unreachable longer than the bus allows (`bus_unavailable`). The log itself may go on;
   * the subscriber should tell its client to resume later. Without it, the subscription waits
   * for the service to come back, however long that takes.
   */
  onError?(error: SluiceError): void;
}

export type Unsubscribe = () => void;

/**
 * The event log of every run, with pub/sub and cancel signals. The memory implementation serves
 * one process; the Redis one (issue 6) lets any instance serve any stream. Both pass the same
 * test suite (src/bus/event-bus.suite.ts).
 */
export interface EventBus {
  readonly kind: 'memory' | 'redis';

  /** Appends the next entry; `entry.seq` must be the log's last seq + 1. */
  append(runId: string, entry: LogEntry): Promise<void>;
  /** Entries with seq > afterSeq, in order (empty when the log is missing). */
  readAfter(runId: string, afterSeq: number): Promise<LogEntry[]>;
  state(runId: string): Promise<LogState>;
  /**
   * Replays entries after `afterSeq`, then delivers live ones as they are appended, with no gap
   * and no repeat between the two; ends with onEnd once the log has ended and been delivered.
   */
  subscribe(runId: string, afterSeq: number, subscriber: LogSubscriber): Unsubscribe;
  /** Marks the log ended; it is dropped `retentionMs` later. */
  end(runId: string, retentionMs: number): Promise<void>;

  /** Asks whichever instance runs `runId` to cancel it. */
  requestCancel(runId: string): Promise<void>;
  /** Registers the running instance's handler for cancel requests. */
  onCancel(runId: string, handler: () => void): Unsubscribe;

  /**
   * Run leases: the instance running a run holds its lease and renews it well within `ttlMs`; a
   * lease nobody renews expires, which tells the other instances that the run's instance died.
   * `holder` is an opaque instance id.
   */
  /** Takes the lease when nobody holds it; true when `holder` now holds it. */
  acquireLease(runId: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Extends the lease by `ttlMs` if `holder` still holds it; false once it expired or was taken. */
  renewLease(runId: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `holder` holds it; does nothing otherwise. */
  releaseLease(runId: string, holder: string): Promise<void>;
  /** The lease's holder, or undefined when nobody holds it (never taken, released or expired). */
  leaseHolder(runId: string): Promise<string | undefined>;

  close(): Promise<void>;
}
