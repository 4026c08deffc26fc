import { Redis, type RedisOptions } from 'ioredis';

/** host:port/db of a Redis URL, never its password. */
export function describeRedis(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '6379'}${parsed.pathname || ''}`;
  } catch {
    return 'the configured REDIS_URL';
  }
}

/**
 * Opens one connection and waits until it is ready, so a wrong URL fails at start with the
 * address and the cause named rather than at the first request. Later connection errors go to
 * `onError`; ioredis reconnects by itself.
 */
export async function connectRedis(
  url: string,
  options: RedisOptions & { onError: (error: unknown) => void },
): Promise<Redis> {
  const { onError, ...redisOptions } = options;
  const redis = new Redis(url, { ...redisOptions, lazyConnect: true });
  let cause: unknown;
  const recordCause = (error: unknown) => {
    cause = error;
  };
  redis.on('error', recordCause);
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    const reason = messageOf(cause ?? error);
    throw new Error(`Cannot reach Redis at ${describeRedis(url)}: ${reason}`, { cause: cause ?? error });
  } finally {
    redis.off('error', recordCause);
  }
  redis.on('error', onError);
  return redis;
}

/** Closes politely (pending replies first), and by force if Redis does not answer. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  try {
    await Promise.race([
      redis.quit(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('quit timed out')), 1000).unref()),
    ]);
  } catch {
    redis.disconnect();
  }
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join('; ');
  }
  return error instanceof Error ? error.message || error.name : String(error);
}
