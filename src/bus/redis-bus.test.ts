import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { newId } from '../protocol/index.ts';
import { makeEntry, runEventBusSuite } from './event-bus.suite.ts';
import type { LogEntry, LogSubscriber } from './event-bus.ts';
import { RedisEventBus, type RedisEventBusOptions } from './redis-bus.ts';
import { describeRedis } from './redis-connect.ts';

const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Every key and channel of this file's run lives under this prefix, deleted at the end. */
const prefix = `sluice-test:${randomBytes(6).toString('hex')}:`;

test('an unreachable Redis fails at connect with the address named and the password kept out', async () => {
  await assert.rejects(
    RedisEventBus.connect({ url: 'redis://:s3cret-pass@127.0.0.1:1', onError: () => {} }),
    (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.match(error.message, /Cannot reach Redis at 127\.0\.0\.1:1/);
      assert.doesNotMatch(error.message, /s3cret/);
      return true;
    },
  );
});

const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
let cause: unknown;
admin.on('error', (error: unknown) => {
  cause = error;
});
let unreachable: string | undefined;
try {
  await admin.connect();
} catch (error) {
  const reason = cause ?? error;
  unreachable = reason instanceof Error ? reason.message || reason.name : String(reason);
  admin.disconnect();
}

if (unreachable !== undefined) {
  const reason = `Redis not reachable at ${describeRedis(url)}: ${unreachable}`;
  if (process.env.CI === 'true') {
    test('Redis is reachable (required when CI=true)', () => assert.fail(reason));
  } else {
    test('Redis event bus', (t) => {
      console.warn(
        `\n!!! SKIPPING the Redis event bus tests. ${reason}\n!!! Set TEST_REDIS_URL to run them.\n`,
      );
      t.skip(reason);
    });
  }
} else {
  after(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await admin.del(...keys);
    } while (cursor !== '0');
    await admin.quit();
  });

  const connect = (options: Partial<RedisEventBusOptions> = {}) =>
    RedisEventBus.connect({ url, prefix, ...options });

  runEventBusSuite('redis', () => connect());

  describe('RedisEventBus', () => {
    test('two instances share logs, cancels and leases', async () => {
      const a = await connect();
      const b = await connect();
      try {
        const run = newId();
        await a.append(run, makeEntry(run, 1));
        await a.append(run, makeEntry(run, 2));
        const joined = new Collector();
        b.subscribe(run, 1, joined);
        await a.append(run, makeEntry(run, 3));
        assert.deepEqual(await b.state(run), { state: 'live', lastSeq: 3 });

        let cancels = 0;
        b.onCancel(run, () => cancels++);
        await a.requestCancel(run);
        await waitFor(() => cancels === 1, 'the cancel to reach the other instance');

        assert.equal(await a.acquireLease(run, 'instance-a', 60_000), true);
        assert.equal(await b.leaseHolder(run), 'instance-a');
        assert.equal(await b.acquireLease(run, 'instance-b', 60_000), false);

        await a.end(run, 60_000);
        await waitFor(() => joined.ends === 1, 'the joined subscriber to end');
        assert.deepEqual(joined.seqs, [2, 3]);
        assert.deepEqual(await b.state(run), { state: 'ended', lastSeq: 3 });
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    test('1,000 subscribers on 200 runs use the same three connections', async () => {
      const name = `sluice-test-${randomBytes(4).toString('hex')}`;
      const bus = await connect({ name });
      try {
        const runs = Array.from({ length: 200 }, () => newId());
        for (const run of runs) await bus.append(run, makeEntry(run, 1));
        const collectors: Collector[] = [];
        const unsubscribes = runs.flatMap((run) =>
          Array.from({ length: 5 }, () => {
            const collector = new Collector();
            collectors.push(collector);
            return bus.subscribe(run, 0, collector);
          }),
        );
        for (const run of runs) await bus.append(run, makeEntry(run, 2));
        await waitFor(() => collectors.every((c) => c.seqs.length === 2), 'every subscriber to get 1 and 2');
        assert.equal(bus.subscribedChannels, 200);
        const clients = (await admin.client('LIST')) as string;
        const ours = clients.split('\n').filter((line) => line.includes(` name=${name}-`));
        assert.equal(ours.length, 3, clients);
        for (const unsubscribe of unsubscribes) unsubscribe();
        assert.equal(bus.subscribedChannels, 0);
        for (const c of collectors) assert.deepEqual(c.seqs, [1, 2]);
      } finally {
        await bus.close();
      }
    });

    test('stream ids derive from seq, and an ended log expires with its keys', async () => {
      const bus = await connect();
      try {
        const run = newId();
        for (let seq = 1; seq <= 3; seq++) await bus.append(run, makeEntry(run, seq));
        const logKey = `${prefix}run:{${run}}:log`;
        const ids = ((await admin.xrange(logKey, '-', '+')) as Array<[string, string[]]>).map(([id]) => id);
        assert.deepEqual(ids, ['1-0', '2-0', '3-0']);
        assert.equal(await admin.pttl(logKey), -1, 'a live log does not expire');
        await bus.end(run, 60_000);
        const ttl = await admin.pttl(logKey);
        assert.ok(ttl > 0 && ttl <= 60_000, `ttl ${ttl}`);
        assert.ok((await admin.pttl(`${prefix}run:{${run}}:meta`)) > 0);
      } finally {
        await bus.close();
      }
    });

    test('a capped stream drops its oldest entries; replays start at the oldest kept one', async () => {
      const bus = await connect({ maxLogEntries: 100 });
      try {
        const run = newId();
        const last = 500;
        for (let seq = 1; seq <= last; seq++) await bus.append(run, makeEntry(run, seq));
        await bus.end(run, 60_000);
        const kept = (await bus.readAfter(run, 0)).map((e) => e.seq);
        const first = kept[0] ?? 0;
        assert.ok(first > 1 && kept.length < last, `kept ${kept.length} from ${first}`);
        assert.deepEqual(kept, range(first, last));
        assert.deepEqual(await bus.state(run), { state: 'ended', lastSeq: last });
        const late = new Collector();
        bus.subscribe(run, 0, late);
        await waitFor(() => late.ends === 1, 'the replay to end');
        assert.deepEqual(late.seqs, kept);
      } finally {
        await bus.close();
      }
    });

    test('subscribers miss nothing when the pub/sub connection is killed mid-run', async () => {
      const name = `sluice-test-${randomBytes(4).toString('hex')}`;
      const bus = await connect({ name, onError: () => {} });
      try {
        const run = newId();
        await bus.append(run, makeEntry(run, 1));
        const collector = new Collector();
        bus.subscribe(run, 0, collector);
        await bus.append(run, makeEntry(run, 2));
        await waitFor(() => collector.seqs.length === 2, 'the live entry');
        const killed = await killClient(`${name}-events`);
        assert.equal(killed, 1);
        for (let seq = 3; seq <= 40; seq++) await bus.append(run, makeEntry(run, seq));
        await bus.end(run, 60_000);
        await waitFor(() => collector.ends === 1, 'the subscriber to end after the reconnect');
        assert.deepEqual(collector.seqs, range(1, 40));
      } finally {
        await bus.close();
      }
    });

    test('subscribing and unsubscribing over and over while a run appends keeps every subscriber whole', async () => {
      const bus = await connect();
      try {
        const run = newId();
        await bus.append(run, makeEntry(run, 1));
        const steady = new Collector();
        bus.subscribe(run, 0, steady);
        const completed: Collector[] = [];
        for (let seq = 2; seq <= 60; seq++) {
          // The only subscriber leaves and a new one joins: the channel is unsubscribed and
          // subscribed again back to back.
          const passing = new Collector();
          bus.subscribe(run, 0, passing)();
          const joiner = new Collector();
          bus.subscribe(run, seq - 1, joiner);
          completed.push(joiner);
          await bus.append(run, makeEntry(run, seq));
        }
        await bus.end(run, 60_000);
        await waitFor(
          () => steady.ends === 1 && completed.every((c) => c.ends === 1),
          'every subscriber to end',
        );
        assert.deepEqual(steady.seqs, range(1, 60));
        for (const [i, c] of completed.entries()) {
          assert.deepEqual(c.seqs, range(i + 2, 60), `joiner after ${i + 1}`);
        }
      } finally {
        await bus.close();
      }
    });
  });
}

/** Kills the named connection; returns how many were killed. */
async function killClient(name: string): Promise<number> {
  const clients = (await admin.client('LIST')) as string;
  const line = clients.split('\n').find((l) => l.includes(` name=${name} `));
  const id = /(?:^|\s)id=(\d+)/.exec(line ?? '')?.[1];
  if (id === undefined) return 0;
  return (await admin.client('KILL', 'ID', id)) as number;
}

class Collector implements LogSubscriber {
  readonly seqs: number[] = [];
  ends = 0;

  onEntry(entry: LogEntry): void {
    this.seqs.push(entry.seq);
  }

  onEnd(): void {
    this.ends++;
  }
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
