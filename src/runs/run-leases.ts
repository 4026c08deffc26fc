import type { EventBus } from '../bus/index.ts';
import type { Logger } from './logger.ts';

export interface LeaseSettings {
  /** This instance's id: the name its leases are held under. */
  instanceId: string;
  /** How long a lease lasts unless renewed. */
  ttlMs: number;
  /** How often every held lease is renewed; well under `ttlMs` so one slow renewal does not lose it. */
  renewMs: number;
}

/**
 * The leases of the runs this process runs. A run's lease is taken before the run exists in the
 * store (so a run the store calls running always has, or had, a lease), renewed with all the
 * others on one timer, and released once the run has ended and been persisted. A renewal that
 * finds the lease expired or taken means another instance declared the run interrupted:
 * `onLost` stops it. A renewal that fails (Redis unreachable) is only logged: the next may succeed.
 */
export class RunLeases {
  private readonly held = new Map<string, () => void>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private renewing = false;

  constructor(
    private readonly bus: EventBus,
    readonly settings: LeaseSettings,
    private readonly log: Logger,
  ) {}

  /** Runs holding a lease here. */
  get size(): number {
    return this.held.size;
  }

  /** Takes the run's lease; rejects when Redis fails or another instance holds it. */
  async acquire(runId: string, onLost: () => void): Promise<void> {
    const { instanceId, ttlMs } = this.settings;
    if (!(await this.bus.acquireLease(runId, instanceId, ttlMs))) {
      throw new Error(`run ${runId}: its lease is held by another instance`);
    }
    this.held.set(runId, onLost);
    if (this.timer === undefined) {
      this.timer = setInterval(() => void this.renewAll(), this.settings.renewMs);
      this.timer.unref();
    }
  }

  /** Gives the lease up (in the background; a failure only leaves it to expire). */
  release(runId: string): void {
    if (!this.held.delete(runId)) return;
    if (this.held.size === 0) this.stopTimer();
    this.bus.releaseLease(runId, this.settings.instanceId).catch((error: unknown) => {
      this.log.warn({ err: error, runId }, 'releasing a run lease failed; it will expire');
    });
  }

  /** Stops renewing; leases still held expire by themselves. */
  close(): void {
    this.stopTimer();
    this.held.clear();
  }

  private async renewAll(): Promise<void> {
    if (this.renewing) return;
    this.renewing = true;
    const { instanceId, ttlMs } = this.settings;
    try {
      await Promise.all(
        [...this.held].map(async ([runId, onLost]) => {
          try {
            if (await this.bus.renewLease(runId, instanceId, ttlMs)) return;
            if (this.held.get(runId) !== onLost) return;
            this.held.delete(runId);
            this.log.warn({ runId }, 'run lease lost: another instance has declared the run interrupted');
            onLost();
          } catch (error) {
            this.log.warn({ err: error, runId }, 'renewing a run lease failed');
          }
        }),
      );
    } finally {
      this.renewing = false;
    }
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
