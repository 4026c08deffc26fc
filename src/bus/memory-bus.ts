import type { EventBus, LogEntry, LogState, LogSubscriber, Unsubscribe } from './event-bus.ts';
import { MemoryLeases } from './memory-leases.ts';

export interface MemoryEventBusOptions {
  /** How long a cancel waits for its run's handler to register (see `requestCancel`). Default 60 s. */
  pendingCancelMs?: number;
  /** Receives what a subscriber or cancel handler throws. Default `console.error`. */
  onError?: (error: unknown) => void;
  /**
   * Upper bound on the JSON text of ended logs kept for resumption; past it the oldest ended logs
   * are dropped before their retention period ends (their runs answer 410 like expired ones).
   * Live logs never count and are never dropped. Default: no bound.
   */
  maxRetainedBytes?: number;
}

interface Subscription {
  readonly subscriber: LogSubscriber;
  /** The seq this subscriber gets next; anything lower was delivered already. */
  next: number;
  active: boolean;
}

interface RunLog {
  /** `entries[i].seq === i + 1`. */
  readonly entries: LogEntry[];
  ended: boolean;
  readonly subscriptions: Set<Subscription>;
  /** Entries handed to live subscribers so far; the rest are queued behind a delivery in progress. */
  delivered: number;
  delivering: boolean;
  dropTimer: ReturnType<typeof setTimeout> | undefined;
  /** Sum of the entries' text lengths (frame, else JSON): the measure of what an ended log keeps in memory. */
  bytes: number;
}

const RESOLVED: Promise<void> = Promise.resolve();
const MISSING: LogState = Object.freeze({ state: 'missing' });

function unref(timer: ReturnType<typeof setTimeout>): void {
  (timer as { unref?: () => void }).unref?.();
}

/**
 * The in-process EventBus: one process serves every run. Delivery is synchronous: `append`
 * returns after every subscriber's `onEntry` ran, and `subscribe` replays before it returns.
 * Re-entrant calls from inside a callback (appending, subscribing, ending) keep each subscriber's
 * order gapless and without repeats.
 *
 * Contracts beyond the interface:
 * - `append` rejects (a programming error) unless `entry.seq` is the last seq + 1, and on an ended
 *   log. A missing log starts at seq 1.
 * - `subscribe` on a missing log calls `onEnd` in a microtask, so append a run's first entry
 *   before subscribing to it. On an ended log, `onEnd` also comes in a microtask, after the replay.
 * - `end` on a missing log records an empty ended log. Ending again restarts the retention period.
 * - A throwing subscriber is reported to `onError` and stays subscribed (skipping would leave it a
 *   gap); the others are unaffected.
 * - `close()` ends every subscriber, drops every log, lease and cancel handler, and clears every timer.
 */
export class MemoryEventBus implements EventBus {
  readonly kind = 'memory' as const;
  private readonly logs = new Map<string, RunLog>();
  private readonly cancelHandlers = new Map<string, Set<() => void>>();
  private readonly pendingCancels = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly pendingCancelMs: number;
  private readonly onError: (error: unknown) => void;
  private readonly leases = new MemoryLeases();
  private readonly maxRetainedBytes: number;
  /** Ended logs, oldest end first, with the bytes they hold; a Map keeps insertion order. */
  private readonly retained = new Map<string, number>();
  private retainedBytes = 0;

  constructor(options: MemoryEventBusOptions = {}) {
    this.pendingCancelMs = options.pendingCancelMs ?? 60_000;
    this.onError = options.onError ?? ((error) => console.error('event bus callback failed', error));
    this.maxRetainedBytes = options.maxRetainedBytes ?? Number.POSITIVE_INFINITY;
  }

  append(runId: string, entry: LogEntry): Promise<void> {
    let log = this.logs.get(runId);
    const last = log === undefined ? 0 : log.entries.length;
    if (entry.seq !== last + 1 || log?.ended) {
      const why = log?.ended ? 'the log has ended' : `expected seq ${last + 1}`;
      return Promise.reject(new Error(`append to run ${runId} with seq ${entry.seq}: ${why}`));
    }
    if (log === undefined) {
      log = newLog();
      this.logs.set(runId, log);
    }
    log.entries.push(entry);
    // What the entry holds: its frame when the run log made one (the JSON is a view into it).
    log.bytes += (entry.nativeFrame ?? entry.json).length;
    if (!log.delivering) this.deliver(log);
    return RESOLVED;
  }

  readAfter(runId: string, afterSeq: number): Promise<LogEntry[]> {
    const log = this.logs.get(runId);
    return Promise.resolve(log === undefined ? [] : log.entries.slice(startIndex(afterSeq)));
  }

  state(runId: string): Promise<LogState> {
    const log = this.logs.get(runId);
    if (log === undefined) return Promise.resolve(MISSING);
    const lastSeq = log.entries.length;
    return Promise.resolve(log.ended ? { state: 'ended', lastSeq } : { state: 'live', lastSeq });
  }

  subscribe(runId: string, afterSeq: number, subscriber: LogSubscriber): Unsubscribe {
    const log = this.logs.get(runId);
    const subscription: Subscription = { subscriber, next: startIndex(afterSeq) + 1, active: true };
    const unsubscribe = () => {
      subscription.active = false;
      log?.subscriptions.delete(subscription);
    };
    if (log === undefined) {
      queueMicrotask(() => this.endSubscription(subscription));
      return unsubscribe;
    }
    // Reads the length on every step: an onEntry that appends extends this replay.
    for (let i = subscription.next - 1; i < log.entries.length && subscription.active; i++) {
      this.deliverTo(subscription, log.entries[i]!);
    }
    if (!subscription.active) return unsubscribe;
    if (log.ended) queueMicrotask(() => this.endSubscription(subscription));
    else log.subscriptions.add(subscription);
    return unsubscribe;
  }

  /**
   * Read-only introspection, for leak checks: live subscriptions to `runId`'s log, or to every log
   * when no id is given. A subscription leaves the count when it unsubscribes or its log ends.
   */
  subscriberCount(runId?: string): number {
    if (runId !== undefined) return this.logs.get(runId)?.subscriptions.size ?? 0;
    let count = 0;
    for (const log of this.logs.values()) count += log.subscriptions.size;
    return count;
  }

  end(runId: string, retentionMs: number): Promise<void> {
    let log = this.logs.get(runId);
    if (log === undefined) {
      log = newLog();
      this.logs.set(runId, log);
    }
    this.dropPendingCancel(runId);
    if (log.dropTimer !== undefined) clearTimeout(log.dropTimer);
    const ended = log;
    log.dropTimer = setTimeout(() => {
      if (this.logs.get(runId) === ended) this.drop(runId);
    }, retentionMs);
    unref(log.dropTimer);
    if (!log.ended) {
      log.ended = true;
      // A delivery in progress finishes the entries first, then ends the subscribers.
      if (!log.delivering) this.endAll(log);
    }
    this.retain(runId, log.bytes);
    return RESOLVED;
  }

  /** Counts an ended log against the budget, dropping the oldest others while over it. */
  private retain(runId: string, bytes: number): void {
    this.retainedBytes -= this.retained.get(runId) ?? 0;
    this.retained.delete(runId);
    this.retained.set(runId, bytes);
    this.retainedBytes += bytes;
    for (const oldest of this.retained.keys()) {
      if (this.retainedBytes <= this.maxRetainedBytes || oldest === runId) break;
      this.drop(oldest);
    }
  }

  private drop(runId: string): void {
    const log = this.logs.get(runId);
    if (log?.dropTimer !== undefined) clearTimeout(log.dropTimer);
    this.logs.delete(runId);
    this.retainedBytes -= this.retained.get(runId) ?? 0;
    this.retained.delete(runId);
  }

  /**
   * Calls the run's cancel handlers. With none registered, the cancel is kept for the first
   * handler that registers, until the run's log ends or `pendingCancelMs` passes: this covers
   * the gap between starting a run and registering its handler. A cancel for an ended run is
   * ignored: there is nothing left to cancel.
   */
  requestCancel(runId: string): Promise<void> {
    const handlers = this.cancelHandlers.get(runId);
    if (handlers !== undefined) {
      for (const handler of handlers) this.call(handler);
    } else if (!this.logs.get(runId)?.ended && !this.pendingCancels.has(runId)) {
      const timer = setTimeout(() => this.pendingCancels.delete(runId), this.pendingCancelMs);
      unref(timer);
      this.pendingCancels.set(runId, timer);
    }
    return RESOLVED;
  }

  /** A kept cancel (see `requestCancel`) reaches the handler in a microtask, once. */
  onCancel(runId: string, handler: () => void): Unsubscribe {
    let handlers = this.cancelHandlers.get(runId);
    if (handlers === undefined) {
      handlers = new Set();
      this.cancelHandlers.set(runId, handlers);
    }
    // A distinct wrapper per registration, so registering one function twice needs two removals.
    const registration = () => handler();
    handlers.add(registration);
    if (this.pendingCancels.has(runId)) {
      this.dropPendingCancel(runId);
      queueMicrotask(() => {
        if (handlers.has(registration)) this.call(registration);
      });
    }
    return () => {
      handlers.delete(registration);
      if (handlers.size === 0 && this.cancelHandlers.get(runId) === handlers)
        this.cancelHandlers.delete(runId);
    };
  }

  acquireLease(runId: string, holder: string, ttlMs: number): Promise<boolean> {
    return Promise.resolve(this.leases.acquire(runId, holder, ttlMs));
  }

  renewLease(runId: string, holder: string, ttlMs: number): Promise<boolean> {
    return Promise.resolve(this.leases.renew(runId, holder, ttlMs));
  }

  releaseLease(runId: string, holder: string): Promise<void> {
    this.leases.release(runId, holder);
    return RESOLVED;
  }

  leaseHolder(runId: string): Promise<string | undefined> {
    return Promise.resolve(this.leases.holder(runId));
  }

  close(): Promise<void> {
    this.leases.clear();
    for (const log of this.logs.values()) {
      if (log.dropTimer !== undefined) clearTimeout(log.dropTimer);
      log.ended = true;
      if (!log.delivering) this.endAll(log);
    }
    this.logs.clear();
    this.retained.clear();
    this.retainedBytes = 0;
    for (const timer of this.pendingCancels.values()) clearTimeout(timer);
    this.pendingCancels.clear();
    this.cancelHandlers.clear();
    return RESOLVED;
  }

  /** Hands queued entries to the live subscribers; the only loop that does, so order holds. */
  private deliver(log: RunLog): void {
    log.delivering = true;
    try {
      while (log.delivered < log.entries.length) {
        const entry = log.entries[log.delivered++]!;
        for (const subscription of log.subscriptions) this.deliverTo(subscription, entry);
      }
    } finally {
      log.delivering = false;
    }
    if (log.ended) this.endAll(log);
  }

  private deliverTo(subscription: Subscription, entry: LogEntry): void {
    if (!subscription.active || entry.seq !== subscription.next) return;
    subscription.next++;
    try {
      subscription.subscriber.onEntry(entry);
    } catch (error) {
      this.onError(error);
    }
  }

  private endAll(log: RunLog): void {
    const subscriptions = [...log.subscriptions];
    log.subscriptions.clear();
    for (const subscription of subscriptions) this.endSubscription(subscription);
  }

  private endSubscription(subscription: Subscription): void {
    if (!subscription.active) return;
    subscription.active = false;
    try {
      subscription.subscriber.onEnd();
    } catch (error) {
      this.onError(error);
    }
  }

  private dropPendingCancel(runId: string): void {
    const timer = this.pendingCancels.get(runId);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.pendingCancels.delete(runId);
  }

  private call(handler: () => void): void {
    try {
      handler();
    } catch (error) {
      this.onError(error);
    }
  }
}

/** Index of the first entry after `afterSeq` (0 for anything not positive). */
function startIndex(afterSeq: number): number {
  return afterSeq > 0 ? Math.floor(afterSeq) : 0;
}

function newLog(): RunLog {
  return {
    entries: [],
    ended: false,
    subscriptions: new Set(),
    delivered: 0,
    delivering: false,
    dropTimer: undefined,
    bytes: 0,
  };
}
