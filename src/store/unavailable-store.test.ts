import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { SluiceError } from '../protocol/index.ts';
import { DrizzleStore } from './drizzle-store.ts';
import { openStore } from './open-store.ts';
import { isConnectionError, reportingUnavailable } from './unavailable-store.ts';

/** A loopback port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('reportingUnavailable', () => {
  test('a PostgreSQL that refuses connections: every call rejects with store_unavailable, the cause kept', async () => {
    const pool = new pg.Pool({
      connectionString: `postgres://postgres@127.0.0.1:${await closedPort()}/test`,
      connectionTimeoutMillis: 2000,
    });
    pool.on('error', () => {});
    const store = reportingUnavailable(
      new DrizzleStore({
        kind: 'postgres',
        db: drizzle({ client: pool }),
        migrate: async () => {},
        close: () => pool.end(),
      }),
    );
    try {
      assert.equal(store.kind, 'postgres');
      for (const call of [
        () => store.getRun('01a20000-0000-7000-8000-000000000000'),
        // A transaction: drizzle takes a client from the pool itself, outside its query wrapper.
        () => store.createSession({ tenant_id: 't1', agent_id: 'assistant', language: 'en' }),
      ]) {
        await assert.rejects(call(), (error: unknown) => {
          assert.ok(error instanceof SluiceError);
          assert.equal(error.code, 'store_unavailable');
          assert.equal(error.status, 503);
          assert.ok(isConnectionError(error.cause), String(error.cause));
          return true;
        });
      }
    } finally {
      await store.close();
    }
  });

  test('errors that are not about the connection pass through untouched', async () => {
    const store = reportingUnavailable(await openStore({ dataDir: 'memory://' }));
    try {
      await assert.rejects(
        store.appendMessages('01a20000-0000-7000-8000-000000000000', [{ role: 'user', content: 'hi' }]),
        (error: unknown) => error instanceof SluiceError && error.code === 'session_not_found',
      );
      const session = await store.createSession({ tenant_id: 't1', agent_id: 'assistant', language: 'en' });
      const id = '01a20000-0000-7000-8000-0000000000aa';
      await store.appendMessages(session.id, [{ id, role: 'user', content: 'hi' }]);
      // The same message id again: a query error (unique violation), not an outage.
      await assert.rejects(
        store.appendMessages(session.id, [{ id, role: 'user', content: 'hi' }]),
        (error) => {
          assert.ok(!(error instanceof SluiceError), String(error));
          assert.equal(isConnectionError(error), false);
          return true;
        },
      );
    } finally {
      await store.close();
    }
  });
});
