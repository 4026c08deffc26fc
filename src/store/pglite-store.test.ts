import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from './open-store.ts';
import { runStoreSuite } from './store.suite.ts';

runStoreSuite('PGlite store (in memory)', () => openStore({ dataDir: 'memory://' }));

test('PGlite store persists to its data directory across close and reopen', async () => {
  const root = await mkdtemp(join(tmpdir(), 'sluice-pglite-'));
  // A directory that does not exist yet: openStore creates it.
  const dataDir = join(root, 'nested', 'data');
  try {
    const first = await openStore({ dataDir });
    assert.equal(first.kind, 'pglite');
    const session = await first.createSession({
      tenant_id: 't1',
      agent_id: 'planner',
      language: 'zh',
      title: '计划',
    });
    const written = await first.appendMessages(session.id, [
      { role: 'user', content: '你好' },
      { role: 'assistant', content: 'hello', metadata: { finish_reason: 'stop' } },
    ]);
    await first.close();

    const second = await openStore({ dataDir });
    try {
      assert.deepEqual(await second.getSession('t1', session.id), session);
      assert.deepEqual(await second.listMessages(session.id), written);
      const [next] = await second.appendMessages(session.id, [{ role: 'user', content: 'again' }]);
      assert.equal(next?.position, 3);
    } finally {
      await second.close();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
