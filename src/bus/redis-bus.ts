import type { Redis } from 'ioredis';
import { type CanonicalEvent, SluiceError } from '../protocol/index.ts';
import type { EventBus, LogEntry, LogState, LogSubscriber, Unsubscribe } from './event-bus.ts';
import { CancelHandlers } from './redis-cancels.ts';
import { ChannelMux } from './redis-channels.ts';
import { closeRedis, connectRedis } from './redis-connect.ts';
import { LogFollowers, type LogPage } from './redis-followers.ts';
import { type RunKeys, runKeys, seqOfStreamId, streamId } from './redis-keys.ts';
import { type BusScripts, defineScripts } from './redis-scripts.ts';

export interface RedisEventBusOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  url: string;
  /** Prepended to every key and channel, so deployments or test runs can share a Redis. Default `sluice:`. */
  prefix?: string;
  /** Each run's stream is capped near this many entries (XADD MAXLEN ~); the oldest go first. Default 100,000. */
  maxLogEntries?: number;
  /** How long a cancel waits for its run's handler to register. Default 60 s. */
  pendingCancelMs?: number;
  /** Entries per XRANGE when replaying. Default 1,000. */
  pageSize?: number;
  /** Connection names (CLIENT LIST) are `<name>-writer`, `-reader` and `-events`. Default `sluice`. */
  name?: string;
  /** Receives connection errors and what a subscriber or cancel handler throws. Default `console.error`. */
  onError?: (error: unknown) => void;
  /**
   * While Redis is unreachable: how long a subscription waits before its subscriber is told
   * (`onError`, `bus_unavailable`), and the longest a request waits on Redis (taking a run's
   * lease, asking for a cancel) before it fails with `bus_unavailable`. Default 15 s.
   */
  maxOutageMs?: number;
}

type RawEntry = [id: string, fields: string[]];

/**
 * The EventBus over Redis, so that any instance serves any run: each run's log is a Redis Stream
 * whose entry ids derive from seq (`<seq>-0`), its state a hash, its live tail a pub/sub channel.
 *
 * Three connections per process, whatever the number of runs and subscribers:
 * - writer: appends, ends, cancels and leases, in order (one connection keeps a run's appends in
 *   the order they were made; each append is one atomic script that checks seq, XADDs and PUBLISHes;
 *   were Redis's script cache flushed mid-connection, ioredis would resend the failed EVALSHAs late,
 *   and the seq check rejects them rather than reorder the log);
 * - reader: replays (XRANGE) and state reads, so large replays never delay appends;
 * - events: the pub/sub connection every local subscription shares (see LogFollowers, CancelHandlers).
 *
 * Contracts beyond the interface (the same as MemoryEventBus unless said):
 * - `append` rejects unless `entry.seq` is the last seq + 1, and on an ended log.
 * - `end` keeps the log for `retentionMs` (PEXPIRE on its keys); a live log has no expiry: a run
 *   whose instance died is ended by another instance once its lease expires (RunReaper).
 * - Delivery is asynchronous; `subscribe` on a missing log ends the subscriber.
 * - A stream longer than `maxLogEntries` loses its oldest entries; a replay from before them starts
 *   at the oldest kept one.
 * - `close()` ends every local subscriber and closes the connections; the logs stay in Redis.
 */
export class RedisEventBus implements EventBus {
  readonly kind = 'redis' as const;
  private readonly prefix: string;
  private readonly maxLogEntries: number;
  private readonly pendingCancelMs: number;
  private readonly pageSize: number;
  private readonly scripts: BusScripts;
  private readonly mux: ChannelMux;
  private readonly followers: LogFollowers;
  private readonly cancels: CancelHandlers;
  private readonly maxOutageMs: number;
  private closed = false;

  /** Connects the three connections; rejects with the address and cause when Redis cannot be reached. */
  static async connect(options: RedisEventBusOptions): Promise<RedisEventBus> {
    const onError = options.onError ?? ((error: unknown) => console.error('redis event bus:', error));
    const name = options.name ?? 'sluice';
    const opened: Redis[] = [];
    try {
      for (const role of ['writer', 'reader', 'events'] as const) {
        opened.push(
          await connectRedis(options.url, {
            connectionName: `${name}-${role}`,
            onError,
            // Commands issued in one tick go out in one write, in order: 2-3x the appends per second.
            // The subscriber instead waits out outages: ioredis resubscribes when it is back.
            ...(role === 'events' ? { maxRetriesPerRequest: null } : { enableAutoPipelining: true }),
            // Reads (replays, state, /health) fail within seconds while Redis is away (within the
            // outage bound, so that a stream's failing reads reach it in time). Writes wait: an
            // append that timed out here could still land later, after its successors.
            ...(role === 'reader' ? { commandTimeout: Math.min(5000, options.maxOutageMs ?? 15_000) } : {}),
          }),
        );
      }
    } catch (error) {
      for (const redis of opened) redis.disconnect();
      throw error;
    }
    const [writer, reader, events] = opened as [Redis, Redis, Redis];
    return new RedisEventBus(writer, reader, events, { ...options, onError });
  }

  private constructor(
    private readonly writer: Redis,
    private readonly reader: Redis,
    private readonly events: Redis,
    options: RedisEventBusOptions & { onError: (error: unknown) => void },
  ) {
    this.prefix = options.prefix ?? 'sluice:';
    this.maxLogEntries = options.maxLogEntries ?? 100_000;
    this.pendingCancelMs = options.pendingCancelMs ?? 60_000;
    this.pageSize = options.pageSize ?? 1000;
    this.maxOutageMs = options.maxOutageMs ?? 15_000;
    this.scripts = defineScripts(writer);
    const onError = options.onError;
    this.mux = new ChannelMux(events, onError);
    this.followers = new LogFollowers({
      mux: this.mux,
      channelOf: (runId) => this.keys(runId).events,
      readPage: (runId, fromSeq) => this.readPage(runId, fromSeq),
      onError,
      retryMs: 500,
      maxOutageMs: this.maxOutageMs,
    });
    this.cancels = new CancelHandlers({
      mux: this.mux,
      channelOf: (runId) => this.keys(runId).cancel,
      claimPending: async (runId) => (await this.writer.del(this.keys(runId).pendingCancel)) === 1,
      onError,
    });
    // After a reconnect ioredis resubscribes before 'ready' is emitted; the PING returns once those
    // subscriptions are in place, and the followers then read whatever was published meanwhile.
    let lost = false;
    events.on('close', () => {
      lost = true;
      // Live followers would hear nothing while the connection is down, and so never notice an
      // outage: reading makes them retry until Redis is back, or give up past maxOutageMs.
      if (!this.closed) this.followers.resync();
    });
    events.on('ready', () => {
      if (!lost) return;
      lost = false;
      events.ping().then(
        () => this.followers.resync(),
        (error: unknown) => onError(error),
      );
    });
  }

  async append(runId: string, entry: LogEntry): Promise<void> {
    if (!Number.isSafeInteger(entry.seq) || entry.seq < 1) {
      throw new Error(`append to run ${runId} with seq ${entry.seq}: not a positive integer`);
    }
    const keys = this.keys(runId);
    const result = await this.scripts.sluiceAppend(
      keys.log,
      keys.meta,
      entry.seq,
      entry.json,
      this.maxLogEntries,
      keys.events,
    );
    if (result === 0) return;
    const why = result === -1 ? 'the log has ended' : `expected seq ${result}`;
    throw new Error(`append to run ${runId} with seq ${entry.seq}: ${why}`);
  }

  async readAfter(runId: string, afterSeq: number): Promise<LogEntry[]> {
    return this.bounded(this.readAll(runId, afterSeq));
  }

  private async readAll(runId: string, afterSeq: number): Promise<LogEntry[]> {
    const { log } = this.keys(runId);
    const out: LogEntry[] = [];
    let from = afterSeq > 0 ? Math.floor(afterSeq) + 1 : 1;
    for (;;) {
      const raw = (await this.reader.xrange(log, streamId(from), '+', 'COUNT', this.pageSize)) as RawEntry[];
      for (const item of raw) out.push(toEntry(item));
      const last = out.at(-1);
      if (raw.length < this.pageSize || last === undefined) return out;
      from = last.seq + 1;
    }
  }

  async state(runId: string): Promise<LogState> {
    const [last, ended] = await this.bounded(this.reader.hmget(this.keys(runId).meta, 'last', 'ended'));
    return toState(last ?? null, ended ?? null);
  }

  subscribe(runId: string, afterSeq: number, subscriber: LogSubscriber): Unsubscribe {
    if (this.closed) {
      queueMicrotask(() => subscriber.onEnd());
      return () => {};
    }
    return this.followers.follow(runId, afterSeq, subscriber);
  }

  async end(runId: string, retentionMs: number): Promise<void> {
    const keys = this.keys(runId);
    await this.scripts.sluiceEnd(
      keys.log,
      keys.meta,
      keys.pendingCancel,
      Math.max(1, Math.ceil(retentionMs)),
      keys.events,
    );
  }

  async requestCancel(runId: string): Promise<void> {
    const keys = this.keys(runId);
    await this.bounded(
      this.scripts.sluiceCancel(keys.meta, keys.pendingCancel, keys.cancel, this.pendingCancelMs),
    );
  }

  onCancel(runId: string, handler: () => void): Unsubscribe {
    return this.cancels.register(runId, handler);
  }

  async acquireLease(runId: string, holder: string, ttlMs: number): Promise<boolean> {
    const lease = this.keys(runId).lease;
    const result = await this.bounded(this.writer.set(lease, holder, 'PX', Math.ceil(ttlMs), 'NX'));
    return result === 'OK';
  }

  async renewLease(runId: string, holder: string, ttlMs: number): Promise<boolean> {
    const renewed = this.scripts.sluiceRenewLease(this.keys(runId).lease, holder, Math.ceil(ttlMs));
    return (await this.bounded(renewed)) === 1;
  }

  async releaseLease(runId: string, holder: string): Promise<void> {
    await this.scripts.sluiceReleaseLease(this.keys(runId).lease, holder);
  }

  async leaseHolder(runId: string): Promise<string | undefined> {
    return (await this.bounded(this.writer.get(this.keys(runId).lease))) ?? undefined;
  }

  /** Channels the subscriber connection listens to now: one per run with local subscribers or handlers. */
  get subscribedChannels(): number {
    return this.mux.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.followers.endAll();
    this.cancels.clear();
    this.mux.clear();
    await Promise.all([closeRedis(this.writer), closeRedis(this.reader), closeRedis(this.events)]);
  }

  /**
   * A call a request or a timer waits on: when Redis fails it or does not answer within
   * maxOutageMs, it rejects with `bus_unavailable` (an HTTP 503 from the error table). Appends and
   * ends are not bounded this way: they must land in order, so they wait for Redis instead.
   */
  private async bounded<T>(call: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Redis did not answer within ${this.maxOutageMs} ms`)),
        this.maxOutageMs,
      );
    });
    try {
      return await Promise.race([call, timeout]);
    } catch (error) {
      throw new SluiceError('bus_unavailable', {}, null, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  private keys(runId: string): RunKeys {
    return runKeys(this.prefix, runId);
  }

  private async readPage(runId: string, fromSeq: number): Promise<LogPage> {
    const keys = this.keys(runId);
    const results = await this.reader
      .pipeline()
      .hmget(keys.meta, 'last', 'ended')
      .xrange(keys.log, streamId(fromSeq), '+', 'COUNT', this.pageSize)
      .exec();
    const [meta, range] = results ?? [];
    if (!meta || !range) throw new Error('redis pipeline returned no results');
    if (meta[0]) throw meta[0];
    if (range[0]) throw range[0];
    const [last, ended] = meta[1] as Array<string | null>;
    const raw = range[1] as RawEntry[];
    return {
      state: toState(last ?? null, ended ?? null),
      entries: raw.map(toEntry),
      more: raw.length === this.pageSize,
    };
  }
}

function toEntry([id, fields]: RawEntry): LogEntry {
  // The only field is `j`; read by name anyway so that a later field cannot shift it.
  const at = fields.indexOf('j');
  const json = fields[at + 1] ?? 'null';
  return { seq: seqOfStreamId(id), event: JSON.parse(json) as CanonicalEvent, json };
}

function toState(last: string | null, ended: string | null): LogState {
  if (last === null && ended === null) return { state: 'missing' };
  const lastSeq = Number(last ?? 0);
  return ended === null ? { state: 'live', lastSeq } : { state: 'ended', lastSeq };
}
