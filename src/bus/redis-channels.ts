import type { Redis } from 'ioredis';

export interface Listening {
  /**
   * Resolves once Redis has confirmed the subscription: everything published after that reaches
   * the listener. Rejects only when the connection is closed for good.
   */
  ready: Promise<void>;
  /** Stops listening; the channel is unsubscribed when its last listener stops. */
  stop(): void;
}

interface Channel {
  listeners: Set<(message: string) => void>;
  ready: Promise<void>;
}

/**
 * Every channel this process listens to, over one subscriber connection: a process serving
 * 10,000 streams keeps one connection, with one subscription per run that has local listeners.
 * Commands on the connection run in order, so an UNSUBSCRIBE followed by a SUBSCRIBE of the same
 * channel leaves it subscribed.
 */
export class ChannelMux {
  private readonly channels = new Map<string, Channel>();

  constructor(
    private readonly redis: Redis,
    private readonly onError: (error: unknown) => void,
  ) {
    redis.on('message', (channel: string, message: string) => {
      const listeners = this.channels.get(channel)?.listeners;
      if (listeners === undefined) return;
      for (const listener of [...listeners]) {
        try {
          listener(message);
        } catch (error) {
          onError(error);
        }
      }
    });
  }

  /** Channels subscribed now (for tests and status). */
  get size(): number {
    return this.channels.size;
  }

  listen(name: string, listener: (message: string) => void): Listening {
    let channel = this.channels.get(name);
    if (channel === undefined) {
      const ready = this.redis.subscribe(name).then(() => {});
      // Rejections reach whoever awaits `ready`; this keeps an unawaited one from going unhandled.
      ready.catch(() => {});
      channel = { listeners: new Set(), ready };
      this.channels.set(name, channel);
    }
    const own = channel;
    // A distinct wrapper per call, so one function listening twice needs two stops.
    const registration = (message: string) => listener(message);
    own.listeners.add(registration);
    return {
      ready: own.ready,
      stop: () => {
        if (!own.listeners.delete(registration) || own.listeners.size > 0) return;
        if (this.channels.get(name) !== own) return;
        this.channels.delete(name);
        this.redis.unsubscribe(name).catch((error: unknown) => {
          if (this.redis.status !== 'end') this.onError(error);
        });
      },
    };
  }

  clear(): void {
    this.channels.clear();
  }
}
