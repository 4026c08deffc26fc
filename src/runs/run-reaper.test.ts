import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeEntry } from '../bus/event-bus.suite.ts';
import { type EventBus, type LogEntry, MemoryEventBus } from '../bus/index.ts';
import { newId } from '../protocol/index.ts';
import { openStore, type RunRecord, type Store } from '../store/index.ts';
import { silentLogger } from './logger.ts';
import { RunLeases } from './run-leases.ts';
import { RunReaper } from './run-reaper.ts';

const TTL_MS = 60_000;

describe('RunReaper', () => {
  let store: Store;
  let bus: EventBus;
  before(async () => {
    store = await openStore({ dataDir: 'memory://' });
  });
  after(async () => {
    await store.close();
  });

  async function storedRun(status: RunRecord['status'], entries: number): Promise<RunRecord> {
    const session = await store.createSession({ tenant_id: 't', agent_id: 'assistant', language: 'fr' });
    const run = await store.createRun({
      id: newId(),
      session_id: session.id,
      tenant_id: 't',
      agent_id: 'assistant',
      language: 'fr',
      model: 'demo',
      input: 'bonjour',
      status,
    });
    for (let seq = 1; seq <= entries; seq++) await bus.append(run.id, makeEntry(run.id, seq, session.id));
    return run;
  }

  function reaper(instanceId: string): RunReaper {
    return new RunReaper({
      store,
      bus,
      log: silentLogger,
      instanceId,
      intervalMs: 60_000,
      claimTtlMs: TTL_MS,
      retentionMs: TTL_MS,
    });
  }

  test('marks interrupted the unfinished runs nobody holds a lease on, and tells their logs', async () => {
    bus = new MemoryEventBus();
    const orphan = await storedRun('running', 3);
    const queuedOrphan = await storedRun('queued', 1);
    const held = await storedRun('running', 2);
    await bus.acquireLease(held.id, 'alive', TTL_MS);
    const finished = await storedRun('completed', 2);

    const reaped = await reaper('b').sweep();
    assert.deepEqual(reaped.sort(), [orphan.id, queuedOrphan.id].sort());

    const log = await bus.readAfter(orphan.id, 3);
    const [error, end] = log.map((e) => e.event);
    assert.equal(error?.event_type === 'error' && error.data.code, 'run_interrupted');
    assert.equal(error?.event_type === 'error' && error.data.error_message.startsWith("L'exécution"), true);
    assert.equal(end?.event_type === 'conversation_end' && end.data.status, 'interrupted');
    assert.deepEqual(await bus.state(orphan.id), { state: 'ended', lastSeq: 5 });
    const stored = await store.getRun(orphan.id);
    assert.equal(stored?.status, 'interrupted');
    assert.equal(stored?.error_code, 'run_interrupted');
    assert.equal(stored?.last_seq, 5);
    assert.equal((await store.getRun(queuedOrphan.id))?.status, 'interrupted');

    assert.equal((await store.getRun(held.id))?.status, 'running');
    assert.deepEqual(await bus.state(held.id), { state: 'live', lastSeq: 2 });
    assert.equal((await store.getRun(finished.id))?.status, 'completed');
    assert.deepEqual(await reaper('b').sweep(), [], 'nothing left to do');
    for (const run of [orphan, queuedOrphan, held, finished])
      await store.updateRun(run.id, { status: 'completed' });
    await bus.close();
  });

  test('two instances sweeping at once interrupt each run once', async () => {
    bus = new MemoryEventBus();
    const runs = await Promise.all([storedRun('running', 2), storedRun('running', 4)]);
    const [fromA, fromB] = await Promise.all([reaper('a').sweep(), reaper('b').sweep()]);
    assert.deepEqual([...fromA, ...fromB].sort(), runs.map((r) => r.id).sort());
    for (const run of runs) {
      const events = (await bus.readAfter(run.id, 0)).map((e: LogEntry) => e.event.event_type);
      assert.equal(events.filter((t) => t === 'error').length, 1);
      assert.equal(events.filter((t) => t === 'conversation_end').length, 1);
      await store.updateRun(run.id, { status: 'completed' });
    }
    await bus.close();
  });
});

describe('RunLeases', () => {
  test('renews held leases and calls onLost once when another instance took one', async () => {
    const bus = new MemoryEventBus();
    let renewals = 0;
    const counting: EventBus = Object.assign(Object.create(bus) as EventBus, {
      renewLease: (runId: string, holder: string, ttlMs: number) => {
        renewals++;
        return bus.renewLease(runId, holder, ttlMs);
      },
    });
    const leases = new RunLeases(counting, { instanceId: 'me', ttlMs: 60_000, renewMs: 10 }, silentLogger);
    const kept = newId();
    const lost = newId();
    let lostCalls = 0;
    await leases.acquire(kept, () => assert.fail('kept lease lost'));
    await leases.acquire(lost, () => lostCalls++);
    await assert.rejects(
      leases.acquire(lost, () => {}),
      /held by another instance/,
    );
    await waitFor(() => renewals >= 4, 'two rounds of renewals');

    // Another instance declared the run interrupted: it holds the lease now.
    await bus.releaseLease(lost, 'me');
    await bus.acquireLease(lost, 'reaper', 60_000);
    await waitFor(() => lostCalls === 1, 'the lost lease to be noticed');
    const after = renewals;
    await waitFor(() => renewals >= after + 2, 'more renewals');
    assert.equal(lostCalls, 1);
    assert.equal(await bus.leaseHolder(kept), 'me');

    leases.release(kept);
    await waitFor(async () => (await bus.leaseHolder(kept)) === undefined, 'the release');
    assert.equal(leases.size, 0);
    leases.close();
    await bus.close();
  });
});

async function waitFor(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
