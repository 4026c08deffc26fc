import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalEventSchema, newId } from '../protocol/index.ts';
import type { EventBus, LogEntry, LogSubscriber } from './event-bus.ts';

/**
 * The contract every EventBus implementation passes. Delivery may be synchronous (memory) or
 * not (Redis), so the tests wait for what they expect with a deadline instead of assuming either.
 */
export function runEventBusSuite(
  name: string,
  makeBus: () => Promise<EventBus>,
  options: { retentionMs?: number } = {},
): void {
  const retentionMs = options.retentionMs ?? 50;
  /** Long enough that nothing is dropped while a test still reads it; `close()` clears it. */
  const keepMs = 60_000;

  async function withBus(fn: (bus: EventBus) => Promise<void>): Promise<void> {
    const bus = await makeBus();
    try {
      await fn(bus);
    } finally {
      await bus.close();
    }
  }

  async function appendRange(bus: EventBus, runId: string, from: number, to: number): Promise<void> {
    for (let seq = from; seq <= to; seq++) await bus.append(runId, makeEntry(runId, seq));
  }

  describe(`EventBus contract: ${name}`, () => {
    test('readAfter returns the entries after a seq, unchanged', async () => {
      await withBus(async (bus) => {
        const run = newId();
        const appended = [1, 2, 3, 4].map((seq) => makeEntry(run, seq));
        for (const entry of appended) await bus.append(run, entry);
        assert.deepEqual(await bus.readAfter(run, 0), appended);
        assert.deepEqual(seqsOf(await bus.readAfter(run, 2)), [3, 4]);
        assert.deepEqual(await bus.readAfter(run, 4), []);
        assert.deepEqual(await bus.readAfter(run, 9), []);
        assert.deepEqual(await bus.readAfter(newId(), 0), []);
      });
    });

    test('state goes missing -> live -> ended -> missing once retention passes', async () => {
      await withBus(async (bus) => {
        const run = newId();
        assert.deepEqual(await bus.state(run), { state: 'missing' });
        await bus.append(run, makeEntry(run, 1));
        assert.deepEqual(await bus.state(run), { state: 'live', lastSeq: 1 });
        await bus.append(run, makeEntry(run, 2));
        assert.deepEqual(await bus.state(run), { state: 'live', lastSeq: 2 });
        await bus.end(run, retentionMs);
        assert.deepEqual(await bus.state(run), { state: 'ended', lastSeq: 2 });
        assert.deepEqual(seqsOf(await bus.readAfter(run, 0)), [1, 2]);
        await waitFor(async () => (await bus.state(run)).state === 'missing', 'the log to be dropped');
        assert.deepEqual(await bus.readAfter(run, 0), []);
      });
    });

    test('append rejects a seq that is not last + 1, and any append after end', async () => {
      await withBus(async (bus) => {
        const run = newId();
        await assert.rejects(async () => bus.append(run, makeEntry(run, 2)));
        assert.deepEqual(await bus.state(run), { state: 'missing' });
        await bus.append(run, makeEntry(run, 1));
        await assert.rejects(async () => bus.append(run, makeEntry(run, 1)));
        await assert.rejects(async () => bus.append(run, makeEntry(run, 3)));
        await bus.append(run, makeEntry(run, 2));
        await bus.end(run, keepMs);
        await assert.rejects(async () => bus.append(run, makeEntry(run, 3)));
        assert.deepEqual(seqsOf(await bus.readAfter(run, 0)), [1, 2]);
        assert.deepEqual(await bus.state(run), { state: 'ended', lastSeq: 2 });
      });
    });

    test('subscribing at any afterSeq while entries arrive gets each later entry once, in order', async () => {
      await withBus(async (bus) => {
        const run = newId();
        const last = 6;
        const subscriptions: Array<{ afterSeq: number; collector: Collector }> = [];
        for (let appended = 1; appended <= last; appended++) {
          await bus.append(run, makeEntry(run, appended));
          // Every afterSeq up to one past the end, subscribed while later appends are in flight.
          for (let afterSeq = 0; afterSeq <= appended + 1; afterSeq++) {
            const collector = new Collector();
            bus.subscribe(run, afterSeq, collector);
            subscriptions.push({ afterSeq, collector });
          }
        }
        await bus.end(run, keepMs);
        await waitFor(() => subscriptions.every((s) => s.collector.ends > 0), 'every subscriber to end');
        for (const { afterSeq, collector } of subscriptions) {
          assert.deepEqual(collector.seqs, range(afterSeq + 1, last), `afterSeq ${afterSeq}`);
          assert.equal(collector.ends, 1);
          assert.equal(collector.entriesAfterEnd, 0);
        }
      });
    });

    test('several subscribers receive the same entries', async () => {
      await withBus(async (bus) => {
        const run = newId();
        const appended = [1, 2, 3, 4, 5].map((seq) => makeEntry(run, seq));
        await bus.append(run, appended[0]!);
        const collectors = [new Collector(), new Collector(), new Collector()];
        for (const c of collectors) bus.subscribe(run, 0, c);
        for (const entry of appended.slice(1)) await bus.append(run, entry);
        await bus.end(run, keepMs);
        await waitFor(() => collectors.every((c) => c.ends === 1), 'every subscriber to end');
        for (const c of collectors) assert.deepEqual(c.entries, appended);
      });
    });

    test('unsubscribe stops delivery and onEnd', async () => {
      await withBus(async (bus) => {
        const run = newId();
        await bus.append(run, makeEntry(run, 1));
        const leaving = new Collector();
        const staying = new Collector();
        const unsubscribe = bus.subscribe(run, 0, leaving);
        bus.subscribe(run, 0, staying);
        await bus.append(run, makeEntry(run, 2));
        await waitFor(() => leaving.seqs.length === 2, 'entries 1 and 2');
        unsubscribe();
        unsubscribe();
        await appendRange(bus, run, 3, 4);
        await bus.end(run, keepMs);
        // `staying` ending means everything appended was delivered to whoever was subscribed.
        await waitFor(() => staying.ends === 1, 'the remaining subscriber to end');
        assert.deepEqual(staying.seqs, [1, 2, 3, 4]);
        assert.deepEqual(leaving.seqs, [1, 2]);
        assert.equal(leaving.ends, 0);
      });
    });

    test('onEnd: after the last entry of a live log, after the replay of an ended one, and for a missing one', async () => {
      await withBus(async (bus) => {
        const run = newId();
        await bus.append(run, makeEntry(run, 1));
        const live = new Collector();
        bus.subscribe(run, 0, live);
        await bus.append(run, makeEntry(run, 2));
        await bus.end(run, keepMs);
        await waitFor(() => live.ends === 1, 'the live subscriber to end');
        assert.deepEqual(live.seqs, [1, 2]);

        const late = new Collector();
        bus.subscribe(run, 1, late);
        await waitFor(() => late.ends === 1, 'the late subscriber to end');
        assert.deepEqual(late.seqs, [2]);
        assert.equal(late.entriesAfterEnd, 0);

        const missing = new Collector();
        bus.subscribe(newId(), 0, missing);
        assert.equal(missing.ends, 0, 'onEnd is not called before subscribe returns');
        await waitFor(() => missing.ends === 1, 'the missing log to end its subscriber');
        assert.deepEqual(missing.seqs, []);

        const gone = new Collector();
        bus.subscribe(newId(), 0, gone)();
        const fence = new Collector();
        bus.subscribe(newId(), 0, fence);
        await waitFor(() => fence.ends === 1, 'a later subscriber to a missing log to end');
        assert.equal(gone.ends, 0, 'no onEnd after unsubscribe');

        for (const c of [live, late, missing]) assert.equal(c.ends, 1);
      });
    });

    test('a cancel request reaches the handler', async () => {
      await withBus(async (bus) => {
        const run = newId();
        await bus.append(run, makeEntry(run, 1));
        let calls = 0;
        bus.onCancel(run, () => calls++);
        await bus.requestCancel(run);
        await waitFor(() => calls === 1, 'the handler to be called');
      });
    });

    test('a removed cancel handler is not called', async () => {
      await withBus(async (bus) => {
        const run = newId();
        await bus.append(run, makeEntry(run, 1));
        let removedCalls = 0;
        let keptCalls = 0;
        const remove = bus.onCancel(run, () => removedCalls++);
        bus.onCancel(run, () => keptCalls++);
        remove();
        await bus.requestCancel(run);
        await waitFor(() => keptCalls === 1, 'the kept handler to be called');
        assert.equal(removedCalls, 0);
      });
    });

    test('a cancel requested before the handler registers still reaches it, once', async () => {
      await withBus(async (bus) => {
        const run = newId();
        await bus.append(run, makeEntry(run, 1));
        await bus.requestCancel(run);
        let calls = 0;
        bus.onCancel(run, () => calls++);
        await waitFor(() => calls === 1, 'the kept cancel to reach the handler');
        await bus.requestCancel(run);
        await waitFor(() => calls >= 2, 'the second cancel');
        assert.equal(calls, 2);
      });
    });

    test('a lease has one holder: acquire, renew and release work only for it', async () => {
      await withBus(async (bus) => {
        const run = newId();
        assert.equal(await bus.leaseHolder(run), undefined);
        assert.equal(await bus.renewLease(run, 'a', keepMs), false, 'nothing to renew yet');
        assert.equal(await bus.acquireLease(run, 'a', keepMs), true);
        assert.equal(await bus.leaseHolder(run), 'a');
        assert.equal(await bus.acquireLease(run, 'b', keepMs), false);
        assert.equal(await bus.acquireLease(run, 'a', keepMs), false, 'acquire is not renew');
        assert.equal(await bus.renewLease(run, 'b', keepMs), false);
        assert.equal(await bus.renewLease(run, 'a', keepMs), true);
        await bus.releaseLease(run, 'b');
        assert.equal(await bus.leaseHolder(run), 'a', 'only the holder releases');
        await bus.releaseLease(run, 'a');
        assert.equal(await bus.leaseHolder(run), undefined);
        assert.equal(await bus.acquireLease(run, 'b', keepMs), true);
        assert.equal(await bus.leaseHolder(run), 'b');
        assert.equal(await bus.leaseHolder(newId()), undefined, 'leases are per run');
      });
    });

    test('a lease nobody renews expires: its holder cannot renew it and another can take it', async () => {
      await withBus(async (bus) => {
        const run = newId();
        const renewed = newId();
        assert.equal(await bus.acquireLease(run, 'a', retentionMs), true);
        assert.equal(await bus.acquireLease(renewed, 'a', retentionMs), true);
        await waitFor(async () => (await bus.leaseHolder(run)) === undefined, 'the lease to expire');
        assert.equal(await bus.renewLease(run, 'a', keepMs), false);
        assert.equal(await bus.acquireLease(run, 'b', keepMs), true);
        assert.equal(await bus.leaseHolder(run), 'b');
        assert.equal(await bus.acquireLease(renewed, 'b', keepMs), true, 'the second lease expired too');
      });
    });
  });
}

/** An entry whose event passes `canonicalEventSchema`: conversation_start, then text chunks. */
export function makeEntry(
  runId: string,
  seq: number,
  sessionId = '0193a000-0000-7000-8000-000000000000',
): LogEntry {
  const envelope = {
    seq,
    run_id: runId,
    session_id: sessionId,
    timestamp: new Date().toISOString(),
    metadata: {},
  };
  const event = canonicalEventSchema.parse(
    seq === 1
      ? {
          event_type: 'conversation_start',
          ...envelope,
          data: { user_input: 'hello', agent_id: 'assistant', language: 'en', model: 'demo' },
        }
      : {
          event_type: 'assistant_message_chunk',
          ...envelope,
          data: {
            content: `chunk ${seq} 你好\n`,
            is_complete: false,
            chunk_index: seq - 2,
            total_chunks: null,
            message_id: 'm1',
          },
        },
  );
  return { seq, event, json: JSON.stringify(event) };
}

class Collector implements LogSubscriber {
  readonly entries: LogEntry[] = [];
  readonly seqs: number[] = [];
  ends = 0;
  entriesAfterEnd = 0;

  onEntry(entry: LogEntry): void {
    if (this.ends > 0) this.entriesAfterEnd++;
    this.entries.push(entry);
    this.seqs.push(entry.seq);
  }

  onEnd(): void {
    this.ends++;
  }
}

function seqsOf(entries: LogEntry[]): number[] {
  return entries.map((e) => e.seq);
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}

/** Polls until `condition` holds; the deadline only keeps a broken implementation from hanging. */
async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
