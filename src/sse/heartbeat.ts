import { HEARTBEAT_FRAME } from './encode.ts';

export interface HeartbeatHandle {
  /** Records activity: the next beat is due `intervalMs` from now. O(1), no timer work. */
  touch(): void;
  /** Removes the handle; idempotent. */
  stop(): void;
}

export interface HeartbeatWheelOptions {
  /** Granularity of the shared timer; a beat fires at most `tickMs` after it is due. Default 1000. */
  tickMs?: number;
  /** Monotonic clock in milliseconds. Default `performance.now()`. */
  now?: () => number;
  /** Receives whatever a `beat` throws; the other handles still beat. Default `console.error`. */
  onError?: (error: unknown) => void;
}

class Handle implements HeartbeatHandle {
  readonly wheel: HeartbeatWheel;
  readonly beat: () => void;
  readonly intervalMs: number;
  lastActive: number;
  /** Index of the bucket holding this handle, or -1 once stopped. */
  key = -1;

  constructor(wheel: HeartbeatWheel, beat: () => void, intervalMs: number) {
    this.wheel = wheel;
    this.beat = beat;
    this.intervalMs = intervalMs;
    this.lastActive = wheel.clock();
  }

  touch(): void {
    if (this.key !== -1) this.lastActive = this.wheel.clock();
  }

  stop(): void {
    if (this.key !== -1) this.wheel.remove(this);
  }
}

/**
 * Idle-only heartbeats for any number of streams on one shared timer.
 *
 * Handles sit in buckets keyed by the tick at which they next fall due (`lastActive +
 * intervalMs`). `touch()` only records the time; a tick visits just the buckets that fell due,
 * beats the handles that really were idle for `intervalMs`, and moves the touched ones to the
 * bucket of their new due time. So each handle costs O(1) per interval, whatever the write rate.
 * The interval timer runs only while handles exist and never keeps the process alive.
 */
export class HeartbeatWheel {
  readonly clock: () => number;
  private readonly tickMs: number;
  private readonly onError: (error: unknown) => void;
  private readonly buckets = new Map<number, Set<Handle>>();
  private count = 0;
  /** Last tick index processed; buckets at or below it are empty. */
  private cursor = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: HeartbeatWheelOptions = {}) {
    this.tickMs = options.tickMs ?? 1000;
    if (!(this.tickMs > 0)) throw new RangeError('tickMs must be positive');
    this.clock = options.now ?? (() => performance.now());
    this.onError = options.onError ?? ((error) => console.error('heartbeat beat failed', error));
  }

  /**
   * Calls `beat` whenever `intervalMs` pass without a `touch()` (then the clock restarts).
   * `beat` must not touch its own handle for the write it makes, or it would hide idleness.
   */
  add(beat: () => void, intervalMs: number): HeartbeatHandle {
    if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) {
      throw new RangeError('intervalMs must be a positive finite number');
    }
    if (this.count === 0) this.start();
    const handle = new Handle(this, beat, intervalMs);
    this.count++;
    this.schedule(handle, handle.lastActive + intervalMs);
    return handle;
  }

  get size(): number {
    return this.count;
  }

  /** Stops every handle and the timer. The wheel stays usable: a later `add` restarts it. */
  close(): void {
    for (const bucket of this.buckets.values()) for (const handle of bucket) handle.key = -1;
    this.buckets.clear();
    this.count = 0;
    this.stopTimer();
  }

  /** @internal Called by `Handle.stop()`. */
  remove(handle: Handle): void {
    const bucket = this.buckets.get(handle.key);
    if (bucket !== undefined) {
      bucket.delete(handle);
      if (bucket.size === 0) this.buckets.delete(handle.key);
    }
    handle.key = -1;
    if (--this.count === 0) this.stopTimer();
  }

  private start(): void {
    this.cursor = Math.floor(this.clock() / this.tickMs);
    const timer = setInterval(() => this.tick(), this.tickMs);
    (timer as { unref?: () => void }).unref?.();
    this.timer = timer;
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private schedule(handle: Handle, due: number): void {
    // Never into a bucket already processed, even if the injected clock goes backwards.
    const key = Math.max(Math.ceil(due / this.tickMs), this.cursor + 1);
    handle.key = key;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = new Set();
      this.buckets.set(key, bucket);
    }
    bucket.add(handle);
  }

  private tick(): void {
    const now = this.clock();
    const current = Math.floor(now / this.tickMs);
    if (current <= this.cursor) return;
    const dueKeys: number[] = [];
    if (current - this.cursor <= this.buckets.size) {
      for (let key = this.cursor + 1; key <= current; key++) if (this.buckets.has(key)) dueKeys.push(key);
    } else {
      for (const key of this.buckets.keys()) if (key <= current) dueKeys.push(key);
    }
    this.cursor = current;
    for (const key of dueKeys) {
      const bucket = this.buckets.get(key);
      if (bucket === undefined) continue;
      this.buckets.delete(key);
      for (const handle of bucket) this.visit(handle, now);
    }
  }

  private visit(handle: Handle, now: number): void {
    if (handle.key === -1) return;
    if (now - handle.lastActive < handle.intervalMs) {
      this.schedule(handle, handle.lastActive + handle.intervalMs);
      return;
    }
    handle.lastActive = now;
    // Scheduled before the beat so a beat that stops its own handle removes it cleanly.
    this.schedule(handle, now + handle.intervalMs);
    try {
      handle.beat();
    } catch (error) {
      this.onError(error);
    }
  }
}

/**
 * Keep-alive as a wrapper around a stream's write: every write counts as activity, and a stream
 * idle for `intervalMs` gets `HEARTBEAT_FRAME`. Call `stop()` when the stream closes.
 */
export function withHeartbeat(
  write: (chunk: string) => void,
  wheel: HeartbeatWheel,
  intervalMs: number,
): { write(chunk: string): void; stop(): void } {
  const handle = wheel.add(() => write(HEARTBEAT_FRAME), intervalMs);
  return {
    write(chunk: string): void {
      handle.touch();
      write(chunk);
    },
    stop(): void {
      handle.stop();
    },
  };
}
