import cluster, { type Worker } from 'node:cluster';
import { hostname } from 'node:os';
import { RedisEventBus } from '../bus/index.ts';
import type { SluiceConfig } from '../config/index.ts';
import { openStore } from '../store/index.ts';

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
type Level = keyof typeof LEVELS;

/** A worker that lived this long was healthy: its death does not count towards the backoff. */
const HEALTHY_AFTER_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;
/** After the workers' own grace period, how long the primary waits before killing them. */
const EXIT_MARGIN_MS = 15_000;

/**
 * The primary process of `sluice start --workers N`. It serves nothing itself:
 * - it checks that PostgreSQL and Redis answer, applying pending migrations once (the store's
 *   migrate() holds a PostgreSQL advisory lock, so workers that migrate too find nothing to do);
 * - it forks N workers, which each run the normal server; node:cluster shares the listening
 *   socket among them and hands out connections round-robin;
 * - it restarts a worker that dies, after a delay that grows while workers keep dying young;
 * - on SIGTERM or SIGINT it forwards SIGTERM to every worker (each drains gracefully) and exits
 *   once all have exited; a second signal, or workers that outlive their grace period, get SIGKILL.
 * Log lines are JSON in pino's shape, like the workers'.
 */
export async function runPrimary(config: SluiceConfig): Promise<void> {
  const log = lineLogger(config.log_level);
  await checkServices(config);

  let stopping = false;
  let recentDeaths = 0;
  let announced = false;
  /** Live workers and when each was forked. */
  const workers = new Map<Worker, number>();
  const fork = () => {
    workers.set(cluster.fork(), Date.now());
  };

  cluster.on('listening', (worker, address) => {
    const host = address.address && address.address !== '::' ? address.address : config.host;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    log('info', `worker ${worker.process.pid} listening`, { worker: worker.process.pid, address: url });
    if (!announced) {
      announced = true;
      log('info', `Sluice is listening on ${url} with ${config.workers} workers`, { address: url });
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (workers.get(worker) ?? Date.now());
    workers.delete(worker);
    if (stopping) {
      if (workers.size === 0) {
        log('info', 'all workers have exited');
        process.exit(0);
      }
      return;
    }
    recentDeaths = lived >= HEALTHY_AFTER_MS ? 0 : recentDeaths + 1;
    const delay = recentDeaths === 0 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 500 * 2 ** (recentDeaths - 1));
    log('warn', `worker ${worker.process.pid} died; starting another in ${delay} ms`, {
      worker: worker.process.pid,
      code,
      signal,
    });
    setTimeout(() => {
      if (!stopping) fork();
    }, delay);
  });

  const killAll = () => {
    for (const worker of workers.keys()) worker.process.kill('SIGKILL');
    process.exit(1);
  };
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log('warn', `second ${signal}: killing the workers`);
      killAll();
    }
    stopping = true;
    log('info', `${signal}: stopping ${workers.size} workers`, { graceMs: config.runs.shutdown_grace_ms });
    if (workers.size === 0) process.exit(0);
    for (const worker of workers.keys()) worker.process.kill('SIGTERM');
    setTimeout(() => {
      log('error', 'workers did not exit in time: killing them');
      killAll();
    }, config.runs.shutdown_grace_ms + EXIT_MARGIN_MS).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  for (let i = 0; i < config.workers; i++) fork();
}

/** Opens (and migrates) the store and connects to Redis once, so a bad URL fails here, not N times. */
async function checkServices(config: SluiceConfig): Promise<void> {
  const store = await openStore({
    dataDir: config.data_dir,
    databaseUrl: config.database_url,
    schema: config.database_schema,
  });
  await store.close();
  if (!config.redis_url) return;
  const bus = await RedisEventBus.connect({
    url: config.redis_url,
    prefix: config.redis.prefix,
    onError: () => {},
  });
  await bus.close();
}

function lineLogger(level: SluiceConfig['log_level']) {
  const threshold = level === 'silent' ? Number.POSITIVE_INFINITY : LEVELS[level];
  const host = hostname();
  return (at: Level, msg: string, fields: Record<string, unknown> = {}) => {
    if (LEVELS[at] < threshold) return;
    const line = {
      level: LEVELS[at],
      time: Date.now(),
      pid: process.pid,
      hostname: host,
      role: 'primary',
      ...fields,
      msg,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };
}
