import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type EventBus, MemoryEventBus, RedisEventBus } from '../bus/index.ts';
import type { SluiceConfig } from '../config/index.ts';
import { type Logger, RunLeases, RunReaper } from '../runs/index.ts';
import type { Store } from '../store/index.ts';

/** Names this process among instances: in lease holders and log lines. */
export function newInstanceId(): string {
  return `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
}

/** The Redis bus when `redis_url` is set, else the in-process one. */
export async function openBus(config: SluiceConfig, log: Logger): Promise<EventBus> {
  if (!config.redis_url) {
    return new MemoryEventBus({ maxRetainedBytes: config.runs.retained_log_mb * 1024 * 1024 });
  }
  return RedisEventBus.connect({
    url: config.redis_url,
    prefix: config.redis.prefix,
    maxLogEntries: config.redis.max_log_events,
    maxOutageMs: config.redis.max_outage_ms,
    onError: (error) => log.warn({ err: error }, 'redis event bus'),
  });
}

/** How a server accounts for runs that an earlier or another process left unfinished. */
export interface Orphans {
  /** Given to the RunManager: leases for the runs this process runs (shared bus only). */
  leases: RunLeases | undefined;
  /** Starts looking for orphaned runs. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * With an in-process bus, no other process can be running the store's unfinished runs: they died
 * with their process, and are marked interrupted at start. With a shared bus, other instances may
 * be running them: each run holds a lease, and the RunReaper marks interrupted those whose lease
 * expired, at start and then periodically.
 */
export function orphanHandling(
  config: SluiceConfig,
  deps: { store: Store; bus: EventBus; log: Logger; instanceId: string },
): Orphans {
  const { store, bus, log, instanceId } = deps;
  if (bus.kind === 'memory') {
    return {
      leases: undefined,
      async start() {
        for (const run of await store.listUnfinishedRuns()) {
          await store.updateRun(run.id, {
            status: 'interrupted',
            error_code: 'run_interrupted',
            ended_at: new Date().toISOString(),
          });
        }
      },
      async close() {},
    };
  }
  const { ttl_ms: ttlMs, renew_ms: renewMs } = config.leases;
  const leases = new RunLeases(bus, { instanceId, ttlMs, renewMs }, log);
  const reaper = new RunReaper({
    store,
    bus,
    log,
    instanceId,
    intervalMs: renewMs,
    claimTtlMs: ttlMs,
    retentionMs: config.runs.retention_ms,
  });
  return {
    leases,
    async start() {
      reaper.start();
    },
    async close() {
      await reaper.close();
      leases.close();
    },
  };
}
