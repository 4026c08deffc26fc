import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';

export const databaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A PostgreSQL schema and a Redis key prefix of this test run's own, removed by `cleanup`. */
export interface SharedServices {
  databaseUrl: string;
  redisUrl: string;
  schema: string;
  prefix: string;
  /** The environment that points a Sluice process at them. */
  env: Record<string, string>;
  /** Drops the schema and deletes every key under the prefix. */
  cleanup(): Promise<void>;
}

/**
 * Connects to the test PostgreSQL and Redis and sets up a fresh schema and prefix. When either
 * does not answer, returns the reason instead; `unavailable()` turns it into a failing test under
 * CI=true and a loud skip otherwise.
 */
export async function sharedServices(): Promise<{ services: SharedServices } | { reason: string }> {
  const admin = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => {});
    return { reason: `PostgreSQL not reachable at ${databaseUrl}: ${messageOf(error)}` };
  }
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  let cause: unknown;
  redis.on('error', (error: unknown) => {
    cause = error;
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    await admin.end();
    return { reason: `Redis not reachable at ${redisUrl}: ${messageOf(cause ?? error)}` };
  }
  const id = randomBytes(6).toString('hex');
  const schema = `sluice_test_${id}`;
  const prefix = `sluice-test:${id}:`;
  await admin.query(`CREATE SCHEMA ${admin.escapeIdentifier(schema)}`);
  return {
    services: {
      databaseUrl,
      redisUrl,
      schema,
      prefix,
      env: { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema, REDIS_URL: redisUrl, REDIS_PREFIX: prefix },
      async cleanup() {
        await admin.query(`DROP SCHEMA IF EXISTS ${admin.escapeIdentifier(schema)} CASCADE`);
        await admin.end();
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) await redis.del(...keys);
        } while (cursor !== '0');
        await redis.quit();
      },
    },
  };
}

/** The stand-in test when the services are missing: fails under CI=true, skips loudly otherwise. */
export function servicesUnavailable(what: string, reason: string): void {
  if (process.env.CI === 'true') {
    test(`PostgreSQL and Redis are reachable (required when CI=true): ${what}`, () => assert.fail(reason));
    return;
  }
  test(what, (t) => {
    console.warn(
      `\n!!! SKIPPING ${what}. ${reason}\n!!! Set TEST_DATABASE_URL and TEST_REDIS_URL to run them.\n`,
    );
    t.skip(reason);
  });
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join('; ');
  }
  return error instanceof Error ? error.message || error.name : String(error);
}
