import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newId } from '../protocol/index.ts';
import { makeEntry, runEventBusSuite } from './event-bus.suite.ts';
import type { LogEntry, LogSubscriber } from './event-bus.ts';
import { MemoryEventBus } from './memory-bus.ts';

runEventBusSuite('memory', async () => new MemoryEventBus());

/** Records every callback as a string: entry seqs and "end". */
function recorder(onEntry?: (entry: LogEntry) => void): LogSubscriber & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    onEntry(entry) {
      log.push(String(entry.seq));
      onEntry?.(entry);
    },
    onEnd() {
      log.push('end');
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('MemoryEventBus', () => {
  test('a throwing subscriber is reported and does not affect the others', async () => {
    const errors: unknown[] = [];
    const bus = new MemoryEventBus({ onError: (e) => errors.push(e) });
    const run = newId();
    await bus.append(run, makeEntry(run, 1));
    const thrower: LogSubscriber = {
      onEntry() {
        throw new Error('entry');
      },
      onEnd() {
        throw new Error('end');
      },
    };
    const before = recorder();
    const after = recorder();
    bus.subscribe(run, 0, before);
    bus.subscribe(run, 0, thrower);
    bus.subscribe(run, 0, after);
    for (let seq = 2; seq <= 3; seq++) await bus.append(run, makeEntry(run, seq));
    await bus.end(run, 1000);
    assert.deepEqual(before.log, ['1', '2', '3', 'end']);
    assert.deepEqual(after.log, ['1', '2', '3', 'end']);
    assert.deepEqual(
      errors.map((e) => (e as Error).message),
      ['entry', 'entry', 'entry', 'end'],
    );
    await bus.close();
  });

  test('delivery is synchronous: replay before subscribe returns, live entries before append returns', async () => {
    const bus = new MemoryEventBus();
    const run = newId();
    await bus.append(run, makeEntry(run, 1));
    const sub = recorder();
    bus.subscribe(run, 0, sub);
    assert.deepEqual(sub.log, ['1']);
    const appended = bus.append(run, makeEntry(run, 2));
    assert.deepEqual(sub.log, ['1', '2']);
    await appended;
    await bus.close();
  });

  test('appends and subscriptions made from inside onEntry keep every order gapless', async () => {
    const bus = new MemoryEventBus();
    const run = newId();
    const last = 6;
    await bus.append(run, makeEntry(run, 1));
    const appender = recorder((entry) => {
      if (entry.seq < last) void bus.append(run, makeEntry(run, entry.seq + 1));
    });
    const witness = recorder();
    const lateJoiner = recorder();
    const joiner = recorder((entry) => {
      if (entry.seq === 3) bus.subscribe(run, 1, lateJoiner);
    });
    bus.subscribe(run, 0, witness);
    bus.subscribe(run, 0, joiner);
    bus.subscribe(run, 0, appender);
    await bus.end(run, 1000);
    const all = ['1', '2', '3', '4', '5', '6', 'end'];
    assert.deepEqual(witness.log, all);
    assert.deepEqual(joiner.log, all);
    assert.deepEqual(appender.log, all);
    await tick();
    assert.deepEqual(lateJoiner.log, ['2', '3', '4', '5', '6', 'end']);
    await bus.close();
  });

  test('end called from inside onEntry reaches the others after the entry', async () => {
    const bus = new MemoryEventBus();
    const run = newId();
    const ender = recorder((entry) => {
      if (entry.seq === 2) void bus.end(run, 1000);
    });
    await bus.append(run, makeEntry(run, 1));
    bus.subscribe(run, 0, ender);
    const other = recorder();
    bus.subscribe(run, 0, other);
    await bus.append(run, makeEntry(run, 2));
    assert.deepEqual(other.log, ['1', '2', 'end']);
    assert.deepEqual(ender.log, ['1', '2', 'end']);
    await bus.close();
  });

  test('a cancel for an ended run, or whose run ended before a handler came, is not kept', async () => {
    const bus = new MemoryEventBus();
    let calls = 0;
    const ended = newId();
    await bus.append(ended, makeEntry(ended, 1));
    await bus.end(ended, 1000);
    await bus.requestCancel(ended);
    bus.onCancel(ended, () => calls++);

    const endedLater = newId();
    await bus.append(endedLater, makeEntry(endedLater, 1));
    await bus.requestCancel(endedLater);
    await bus.end(endedLater, 1000);
    bus.onCancel(endedLater, () => calls++);

    await tick();
    assert.equal(calls, 0);
    await bus.close();
  });

  test('a kept cancel expires after pendingCancelMs', async () => {
    const bus = new MemoryEventBus({ pendingCancelMs: 10 });
    const run = newId();
    await bus.requestCancel(run);
    await new Promise((resolve) => setTimeout(resolve, 40));
    let calls = 0;
    bus.onCancel(run, () => calls++);
    await tick();
    assert.equal(calls, 0);
    await bus.close();
  });

  test('a kept cancel is not delivered to a handler removed before the microtask', async () => {
    const bus = new MemoryEventBus();
    const run = newId();
    await bus.requestCancel(run);
    let calls = 0;
    bus.onCancel(run, () => calls++)();
    await tick();
    assert.equal(calls, 0);
    await bus.close();
  });

  test('close ends live subscribers and drops every log', async () => {
    const bus = new MemoryEventBus();
    const run = newId();
    await bus.append(run, makeEntry(run, 1));
    const sub = recorder();
    bus.subscribe(run, 0, sub);
    await bus.end(newId(), 60_000);
    await bus.close();
    assert.deepEqual(sub.log, ['1', 'end']);
    assert.deepEqual(await bus.state(run), { state: 'missing' });
  });

  test('subscriberCount counts live subscriptions per log and in all; unsubscribing and ending remove them', async () => {
    const bus = new MemoryEventBus();
    const run = newId();
    const other = newId();
    assert.equal(bus.subscriberCount(run), 0, 'a missing log has none');
    await bus.append(run, makeEntry(run, 1));
    await bus.append(other, makeEntry(other, 1));
    const first = bus.subscribe(run, 0, recorder());
    bus.subscribe(run, 1, recorder());
    bus.subscribe(other, 0, recorder());
    assert.equal(bus.subscriberCount(run), 2);
    assert.equal(bus.subscriberCount(other), 1);
    assert.equal(bus.subscriberCount(), 3);
    first();
    first();
    assert.equal(bus.subscriberCount(run), 1, 'unsubscribing twice removes one');
    await bus.end(run, 60_000);
    assert.equal(bus.subscriberCount(run), 0, 'ending the log ends its subscribers');
    // A subscription to an ended log ends in a microtask and never counts.
    bus.subscribe(run, 0, recorder());
    assert.equal(bus.subscriberCount(run), 0);
    assert.equal(bus.subscriberCount(), 1);
    await bus.close();
    assert.equal(bus.subscriberCount(), 0);
  });
});

describe('MemoryEventBus retained-log budget', () => {
  test('past the budget the oldest ended logs go first; live logs are never dropped', async () => {
    const one = makeEntry('probe', 1).json.length;
    // Room for about two ended logs of three entries each.
    const bus = new MemoryEventBus({ maxRetainedBytes: one * 7 });
    try {
      const fill = async (runId: string) => {
        for (let seq = 1; seq <= 3; seq++) await bus.append(runId, makeEntry(runId, seq));
      };
      await fill('live');
      for (const runId of ['a', 'b', 'c']) {
        await fill(runId);
        await bus.end(runId, 60_000);
      }
      assert.equal((await bus.state('a')).state, 'missing', 'the oldest ended log was dropped');
      assert.equal((await bus.state('b')).state, 'ended');
      assert.equal((await bus.state('c')).state, 'ended');
      assert.equal((await bus.state('live')).state, 'live', 'a live log does not count and stays');
      assert.equal((await bus.readAfter('c', 0)).length, 3);
      // Ending again moves a log to the back of the queue.
      await bus.end('b', 60_000);
      await fill('d');
      await bus.end('d', 60_000);
      assert.equal((await bus.state('c')).state, 'missing');
      assert.equal((await bus.state('b')).state, 'ended');
    } finally {
      await bus.close();
    }
  });

  test('a single log larger than the budget is still kept until the next one ends', async () => {
    const bus = new MemoryEventBus({ maxRetainedBytes: 1 });
    try {
      await bus.append('big', makeEntry('big', 1));
      await bus.end('big', 60_000);
      assert.equal((await bus.state('big')).state, 'ended');
      await bus.append('next', makeEntry('next', 1));
      await bus.end('next', 60_000);
      assert.equal((await bus.state('big')).state, 'missing');
      assert.equal((await bus.state('next')).state, 'ended');
    } finally {
      await bus.close();
    }
  });
});
