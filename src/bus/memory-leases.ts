interface Lease {
  holder: string;
  /** `Date.now()` after which the lease no longer counts. */
  expiresAt: number;
}

/**
 * Run leases for one process. Expiry is checked on read, so no timers are needed. The memory bus
 * uses these only so that the run engine can treat every bus alike: within one process a lease
 * never protects anything from another instance.
 */
export class MemoryLeases {
  private readonly leases = new Map<string, Lease>();

  acquire(runId: string, holder: string, ttlMs: number): boolean {
    if (this.current(runId) !== undefined) return false;
    this.leases.set(runId, { holder, expiresAt: Date.now() + ttlMs });
    return true;
  }

  renew(runId: string, holder: string, ttlMs: number): boolean {
    const lease = this.current(runId);
    if (lease?.holder !== holder) return false;
    lease.expiresAt = Date.now() + ttlMs;
    return true;
  }

  release(runId: string, holder: string): void {
    if (this.current(runId)?.holder === holder) this.leases.delete(runId);
  }

  holder(runId: string): string | undefined {
    return this.current(runId)?.holder;
  }

  clear(): void {
    this.leases.clear();
  }

  /** The lease if it has not expired; an expired one is dropped on the way. */
  private current(runId: string): Lease | undefined {
    const lease = this.leases.get(runId);
    if (lease === undefined) return undefined;
    if (lease.expiresAt > Date.now()) return lease;
    this.leases.delete(runId);
    return undefined;
  }
}
