import { type CanonicalEvent, SluiceError } from '../protocol/index.ts';
import type { LogEntry, LogState, LogSubscriber, Unsubscribe } from './event-bus.ts';
import type { ChannelMux, Listening } from './redis-channels.ts';

/**
 * One page of a log read from Redis, with the log's state read just before the entries: an ended
 * state then means the page holds everything up to its lastSeq that the stream still has.
 */
export interface LogPage {
  entries: LogEntry[];
  state: LogState;
  /** The page was full: more entries may follow. */
  more: boolean;
}

export interface FollowerIo {
  mux: ChannelMux;
  /** The channel the run's appends and end are published on. */
  channelOf(runId: string): string;
  /** The state, then the entries with seq >= fromSeq (one page), in one round trip. */
  readPage(runId: string, fromSeq: number): Promise<LogPage>;
  onError(error: unknown): void;
  /** Wait before reading again after a failed read. */
  retryMs: number;
  /**
   * How long reads may keep failing (Redis unreachable) before a follower whose subscriber has
   * `onError` is ended with `bus_unavailable`, so that its client is told instead of left waiting.
   */
  maxOutageMs: number;
}

interface Follower {
  readonly subscriber: LogSubscriber;
  /** The seq this follower gets next; anything lower was delivered already. */
  next: number;
  active: boolean;
  /** A read from Redis is in flight (or about to start); live messages only mark it stale. */
  reading: boolean;
  /** Something was published while reading: read once more before going live. */
  stale: boolean;
  retry: ReturnType<typeof setTimeout> | undefined;
  /** When the first of the reads failing in a row began; undefined after a read that worked. */
  failingSince: number | undefined;
}

interface Feed {
  readonly runId: string;
  readonly followers: Set<Follower>;
  listening: Listening | undefined;
}

/**
 * Subscriptions to run logs in Redis. Each run with local subscribers has one feed: one channel
 * subscription (on the process's shared subscriber connection) that every append and the end are
 * published on, atomically with the write. A follower first reads the stream (XRANGE) from its
 * position, and goes live once a read ends with nothing published meanwhile; a live follower takes
 * each published entry whose seq is its next, and reads again on any gap (a lost message, a
 * reconnect). Order, no gap and no repeat hold because every delivery checks `seq === next`, and
 * the channel is confirmed subscribed before the first read, so nothing appended after that read
 * goes unannounced.
 *
 * One published message is parsed once and the same LogEntry goes to every local follower.
 *
 * While Redis is unreachable a follower keeps reading every `retryMs`; once its reads have failed
 * for `maxOutageMs`, a subscriber with `onError` gets `bus_unavailable` instead of a silent wait.
 */
export class LogFollowers {
  private readonly feeds = new Map<string, Feed>();

  constructor(private readonly io: FollowerIo) {}

  follow(runId: string, afterSeq: number, subscriber: LogSubscriber): Unsubscribe {
    const follower: Follower = {
      subscriber,
      next: afterSeq > 0 ? Math.floor(afterSeq) + 1 : 1,
      active: true,
      reading: true,
      stale: false,
      retry: undefined,
      failingSince: undefined,
    };
    const feed = this.feedFor(runId);
    feed.followers.add(follower);
    feed.listening?.ready.then(
      () => this.read(feed, follower),
      (error: unknown) => {
        if (!follower.active) return;
        this.io.onError(error);
        this.end(feed, follower);
      },
    );
    return () => this.leave(feed, follower);
  }

  /** After the subscriber connection came back: anything may have been missed, so read again. */
  resync(): void {
    for (const feed of this.feeds.values()) {
      for (const follower of feed.followers) this.startReading(feed, follower);
    }
  }

  /** Ends every follower (onEnd) and forgets every feed. */
  endAll(): void {
    for (const feed of [...this.feeds.values()]) {
      for (const follower of [...feed.followers]) this.end(feed, follower);
    }
    this.feeds.clear();
  }

  /** Runs with local followers now. */
  get feedCount(): number {
    return this.feeds.size;
  }

  private feedFor(runId: string): Feed {
    const existing = this.feeds.get(runId);
    if (existing) return existing;
    const feed: Feed = { runId, followers: new Set(), listening: undefined };
    feed.listening = this.io.mux.listen(this.io.channelOf(runId), (message) => this.onMessage(feed, message));
    this.feeds.set(runId, feed);
    return feed;
  }

  private onMessage(feed: Feed, message: string): void {
    const space = message.indexOf(' ');
    const head = message.slice(0, space);
    if (head === 'end') {
      const lastSeq = Number(message.slice(space + 1));
      for (const follower of [...feed.followers]) {
        if (!follower.active) continue;
        if (follower.reading) follower.stale = true;
        else if (follower.next > lastSeq) this.end(feed, follower);
        else this.startReading(feed, follower);
      }
      return;
    }
    const seq = Number(head);
    let entry: LogEntry | undefined;
    for (const follower of [...feed.followers]) {
      if (!follower.active) continue;
      if (follower.reading) follower.stale = true;
      else if (seq === follower.next) {
        entry ??= {
          seq,
          event: JSON.parse(message.slice(space + 1)) as CanonicalEvent,
          json: message.slice(space + 1),
        };
        this.deliver(follower, entry);
      } else if (seq > follower.next) this.startReading(feed, follower);
    }
  }

  private startReading(feed: Feed, follower: Follower): void {
    if (!follower.active) return;
    if (follower.reading) {
      follower.stale = true;
      return;
    }
    follower.reading = true;
    void this.read(feed, follower);
  }

  /** Reads until caught up with nothing published meanwhile; `follower.reading` is set by the caller. */
  private async read(feed: Feed, follower: Follower): Promise<void> {
    let startedAt = Date.now();
    try {
      for (;;) {
        follower.stale = false;
        startedAt = Date.now();
        const page = await this.io.readPage(feed.runId, follower.next);
        follower.failingSince = undefined;
        if (!follower.active) return;
        for (const entry of page.entries) {
          if (entry.seq < follower.next) continue;
          // Only a capped stream that dropped its oldest entries skips ahead: resume at the oldest kept.
          follower.next = entry.seq;
          this.deliver(follower, entry);
          if (!follower.active) return;
        }
        const { state } = page;
        const done =
          state.state === 'missing' ||
          (state.state === 'ended' && (follower.next > state.lastSeq || page.entries.length === 0));
        if (done) {
          this.end(feed, follower);
          return;
        }
        if (!page.more && !follower.stale) break;
      }
      follower.reading = false;
    } catch (error) {
      if (!follower.active) return;
      this.io.onError(error);
      // Counted from when the first failing read began: a read can wait seconds before it fails.
      follower.failingSince ??= startedAt;
      const { onError } = follower.subscriber;
      if (onError && Date.now() - follower.failingSince >= this.io.maxOutageMs) {
        this.leave(feed, follower);
        try {
          onError.call(follower.subscriber, new SluiceError('bus_unavailable', {}, null, { cause: error }));
        } catch (thrown) {
          this.io.onError(thrown);
        }
        return;
      }
      // Stays `reading` until the retry, so live messages only mark it stale meanwhile.
      follower.retry = setTimeout(() => {
        follower.retry = undefined;
        if (follower.active) void this.read(feed, follower);
      }, this.io.retryMs);
    }
  }

  private deliver(follower: Follower, entry: LogEntry): void {
    if (!follower.active || entry.seq !== follower.next) return;
    follower.next++;
    try {
      follower.subscriber.onEntry(entry);
    } catch (error) {
      this.io.onError(error);
    }
  }

  private end(feed: Feed, follower: Follower): void {
    if (!follower.active) return;
    this.leave(feed, follower);
    try {
      follower.subscriber.onEnd();
    } catch (error) {
      this.io.onError(error);
    }
  }

  private leave(feed: Feed, follower: Follower): void {
    follower.active = false;
    if (follower.retry !== undefined) clearTimeout(follower.retry);
    feed.followers.delete(follower);
    if (feed.followers.size > 0 || this.feeds.get(feed.runId) !== feed) return;
    this.feeds.delete(feed.runId);
    feed.listening?.stop();
  }
}
