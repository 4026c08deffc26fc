import type { Unsubscribe } from './event-bus.ts';
import type { ChannelMux, Listening } from './redis-channels.ts';

export interface CancelIo {
  mux: ChannelMux;
  channelOf(runId: string): string;
  /** Deletes the run's kept cancel; true when there was one (so exactly one caller gets it). */
  claimPending(runId: string): Promise<boolean>;
  onError(error: unknown): void;
}

interface RunHandlers {
  readonly handlers: Set<() => void>;
  listening: Listening | undefined;
}

/**
 * Cancel handlers of the runs this process runs. Each such run's cancel channel is subscribed
 * while it has a handler. A cancel published while nobody listened was kept in a key (see the
 * `sluiceCancel` script); a new registration claims it once its subscription is confirmed, so a
 * cancel is either published to the subscription or kept for the claim, never both or neither.
 */
export class CancelHandlers {
  private readonly runs = new Map<string, RunHandlers>();

  constructor(private readonly io: CancelIo) {}

  register(runId: string, handler: () => void): Unsubscribe {
    let run = this.runs.get(runId);
    if (run === undefined) {
      const created: RunHandlers = { handlers: new Set(), listening: undefined };
      created.listening = this.io.mux.listen(this.io.channelOf(runId), () => {
        for (const registered of [...created.handlers]) this.call(registered);
      });
      this.runs.set(runId, created);
      run = created;
    }
    const own = run;
    // A distinct wrapper per registration, so registering one function twice needs two removals.
    const registration = () => handler();
    own.handlers.add(registration);
    own.listening?.ready
      .then(async () => {
        if (own.handlers.has(registration) && (await this.io.claimPending(runId))) {
          if (own.handlers.has(registration)) this.call(registration);
        }
      })
      .catch((error: unknown) => {
        if (own.handlers.has(registration)) this.io.onError(error);
      });
    return () => {
      if (!own.handlers.delete(registration) || own.handlers.size > 0) return;
      if (this.runs.get(runId) === own) this.runs.delete(runId);
      own.listening?.stop();
    };
  }

  clear(): void {
    this.runs.clear();
  }

  private call(handler: () => void): void {
    try {
      handler();
    } catch (error) {
      this.io.onError(error);
    }
  }
}
