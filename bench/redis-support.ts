import { Redis } from 'ioredis';

/** The Redis the benchmarks use: REDIS_URL, or the local one. */
export const BENCH_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Why Redis does not answer at `url`, or undefined when it does (one try, no retries). */
export async function redisUnreachable(url = BENCH_REDIS_URL): Promise<string | undefined> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.quit();
    return undefined;
  } catch (error) {
    probe.disconnect();
    return error instanceof Error ? error.message : String(error);
  }
}

/** Deletes every key under `prefix` (SCAN, bounded by the keyspace). */
export async function deleteKeys(prefix: string, url = BENCH_REDIS_URL): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}
