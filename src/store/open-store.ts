import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { DrizzleStore, type StoreBackend } from './drizzle-store.ts';
import { migratePglite, migratePostgres } from './migrate.ts';
import type { Store } from './repository.ts';
import { isConnectionError, reportingUnavailable } from './unavailable-store.ts';

export interface OpenStoreOptions {
  /** PostgreSQL connection string; when absent the store is PGlite in `dataDir`. */
  databaseUrl?: string | undefined;
  /** PGlite's directory, created if missing. `memory://` (or any `memory:` value) keeps it in memory. */
  dataDir: string;
  /**
   * PostgreSQL only: the one schema on the search_path, which also holds drizzle's migration
   * bookkeeping. Lets tests run in a schema of their own. The schema must already exist.
   */
  schema?: string | undefined;
}

/** Opens the store the options name and applies pending migrations before handing it over. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const store = options.databaseUrl
    ? openPostgres(options.databaseUrl, options.schema)
    : await openPglite(options.dataDir);
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  // PostgreSQL can go away while the server runs; PGlite lives in this process.
  return options.databaseUrl ? reportingUnavailable(store) : store;
}

async function openPglite(dataDir: string): Promise<Store> {
  const inMemory = dataDir.startsWith('memory:');
  if (!inMemory) await mkdir(dataDir, { recursive: true });
  const client = await PGlite.create(inMemory ? 'memory://' : dataDir);
  let migrating = Promise.resolve();
  const backend: StoreBackend = {
    kind: 'pglite',
    db: drizzlePglite({ client }),
    // One process owns a PGlite database; chaining keeps concurrent calls from both applying.
    migrate() {
      const next = migrating.then(() => migratePglite(client));
      migrating = next.catch(() => {});
      return next;
    },
    close: () => client.close(),
  };
  return new DrizzleStore(backend);
}

function openPostgres(databaseUrl: string, schema: string | undefined): Store {
  if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) {
    throw new Error(`Invalid PostgreSQL schema name "${schema}": use letters, digits and underscores.`);
  }
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    application_name: 'sluice',
    connectionTimeoutMillis: 10_000,
    ...(schema !== undefined && { options: `-c search_path=${schema}` }),
  });
  // An idle connection that drops (server restart, network) must not crash the process; the pool
  // discards it and the next query reports the failure through describeConnectionError.
  pool.on('error', () => {});
  const where = describeTarget(databaseUrl);
  const backend: StoreBackend = {
    kind: 'postgres',
    db: drizzleNodePg({ client: pool }),
    async migrate() {
      try {
        await migratePostgres(pool, { migrationsSchema: schema });
      } catch (error) {
        throw isConnectionError(error)
          ? new Error(`Cannot reach PostgreSQL at ${where}: ${messageOf(error)}`, { cause: error })
          : error;
      }
    },
    close: () => pool.end(),
  };
  return new DrizzleStore(backend);
}

/** host:port/database of a connection string, never its password. */
export function describeTarget(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    const host = url.hostname || decodeURIComponent(url.searchParams.get('host') ?? '') || 'localhost';
    return `${host}:${url.port || '5432'}${url.pathname || '/'}`;
  } catch {
    return 'the configured DATABASE_URL';
  }
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join('; ');
  }
  return error instanceof Error ? error.message || error.name : String(error);
}
