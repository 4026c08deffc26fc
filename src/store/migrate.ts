import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePgliteDb } from 'drizzle-orm/pglite/migrator';
import type { Pool } from 'pg';

/**
 * The SQL files drizzle-kit generated from schema.ts, found beside this module so that start-up
 * works from any working directory.
 */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

/** Where drizzle keeps its bookkeeping table; undefined means drizzle's own `drizzle` schema. */
export interface MigrateOptions {
  migrationsSchema?: string | undefined;
}

function migrationConfig(options: MigrateOptions) {
  return options.migrationsSchema === undefined
    ? { migrationsFolder: MIGRATIONS_FOLDER }
    : { migrationsFolder: MIGRATIONS_FOLDER, migrationsSchema: options.migrationsSchema };
}

/** PGlite has one owner process, so no lock is needed beyond the caller's in-process serialisation. */
export async function migratePglite(client: PGlite, options: MigrateOptions = {}): Promise<void> {
  await migratePgliteDb(drizzlePglite({ client }), migrationConfig(options));
}

/**
 * Applies pending migrations while holding a database-wide advisory lock on one dedicated
 * connection, so processes starting together apply each migration once: the others wait, then
 * find nothing left to do. The lock is session-scoped: it also ends if the connection dies.
 */
export async function migratePostgres(pool: Pool, options: MigrateOptions = {}): Promise<void> {
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query("SELECT pg_advisory_lock(hashtext('sluice:migrate'))");
    try {
      await migrateNodePg(drizzleNodePg({ client }), migrationConfig(options));
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext('sluice:migrate'))");
    }
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // A connection that failed mid-way is discarded rather than returned with unknown state.
    client.release(failed);
  }
}
