import type { ServerResponse } from 'node:http';

/** Ends one stream early with a `retry:` hint (see streamRunLog's return value). */
export type HandOff = (retryMs: number) => void;

/**
 * The SSE responses this process serves, so that shutdown can tell each client to resume
 * elsewhere. `open` is the count /api/status reports; whoever opens a stream counts it.
 */
export class OpenStreams {
  open = 0;
  private readonly live = new Map<ServerResponse, { runId: string; handOff: HandOff }>();
  private readonly closeWaiters = new Set<() => void>();

  /** Registers a stream until its response closes. */
  track(res: ServerResponse, runId: string, handOff: HandOff): void {
    if (res.destroyed || res.writableEnded) return;
    this.live.set(res, { runId, handOff });
    res.once('close', () => {
      this.live.delete(res);
      if (this.live.size === 0) for (const wake of [...this.closeWaiters]) wake();
    });
  }

  /** Resolves once no stream is open, or after `timeoutMs`, whichever comes first. */
  async allClosed(timeoutMs: number): Promise<void> {
    if (this.live.size === 0) return;
    let wake!: () => void;
    const closed = new Promise<void>((resolve) => {
      wake = resolve;
    });
    this.closeWaiters.add(wake);
    const timer = setTimeout(wake, timeoutMs);
    try {
      await closed;
    } finally {
      clearTimeout(timer);
      this.closeWaiters.delete(wake);
    }
  }

  /**
   * Ends the streams (all, or those whose run `which` picks) with `retry: retryMs`, so clients
   * reconnect with Last-Event-ID, through the load balancer, to another instance. Frames already
   * queued for a client are written first, so it resumes right after the last one it got.
   * Returns how many streams were handed off.
   */
  handOff(retryMs: number, which: (runId: string) => boolean = () => true): number {
    let count = 0;
    for (const [res, stream] of [...this.live]) {
      if (!which(stream.runId)) continue;
      this.live.delete(res);
      stream.handOff(retryMs);
      count++;
    }
    return count;
  }
}
