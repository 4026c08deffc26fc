import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HEARTBEAT_FRAME } from './encode.ts';
import { HeartbeatWheel, withHeartbeat } from './heartbeat.ts';

/**
 * A clock the test moves by hand. The wheel reads it once per tick of its real (2 ms) timer, so
 * `ticks(n)` resolves once n ticks have completed; nothing in the tests reads it meanwhile.
 * The wheel's timer is unref'd, so `ticks` holds a ref'd timer (also a deadline) while it waits.
 */
class TestClock {
  time = 0;
  calls = 0;
  private waiters: Array<{ left: number; resolve: () => void }> = [];

  readonly now = (): number => {
    this.calls++;
    const waiting = this.waiters;
    this.waiters = [];
    for (const waiter of waiting) {
      if (--waiter.left === 0) queueMicrotask(waiter.resolve);
      else this.waiters.push(waiter);
    }
    return this.time;
  };

  ticks(n = 1): Promise<void> {
    return new Promise((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error('the wheel stopped ticking')), 10_000);
      this.waiters.push({
        left: n,
        resolve: () => {
          clearTimeout(deadline);
          resolve();
        },
      });
    });
  }

  /** Moves to `time`, then waits for two ticks so the first one surely read the new time. */
  async advanceTo(time: number): Promise<void> {
    this.time = time;
    await this.ticks(2);
  }
}

function setup() {
  const clock = new TestClock();
  const errors: unknown[] = [];
  const wheel = new HeartbeatWheel({ tickMs: 2, now: clock.now, onError: (e) => errors.push(e) });
  return { clock, wheel, errors };
}

describe('HeartbeatWheel', () => {
  test('beats only after intervalMs without activity, then restarts the clock', async () => {
    const { clock, wheel } = setup();
    let beats = 0;
    wheel.add(() => beats++, 100);
    await clock.advanceTo(99);
    assert.equal(beats, 0);
    await clock.advanceTo(100);
    assert.equal(beats, 1);
    await clock.ticks(3);
    assert.equal(beats, 1, 'no second beat while time stands still');
    await clock.advanceTo(199);
    assert.equal(beats, 1);
    await clock.advanceTo(200);
    assert.equal(beats, 2);
    wheel.close();
  });

  test('touch postpones the beat to intervalMs after the touch', async () => {
    const { clock, wheel } = setup();
    let beats = 0;
    const handle = wheel.add(() => beats++, 100);
    clock.time = 60;
    handle.touch();
    await clock.advanceTo(100);
    assert.equal(beats, 0);
    await clock.advanceTo(159);
    assert.equal(beats, 0);
    await clock.advanceTo(160);
    assert.equal(beats, 1);
    wheel.close();
  });

  test('stop removes a handle; stop and touch after stop are harmless', async () => {
    const { clock, wheel } = setup();
    let a = 0;
    let b = 0;
    const ha = wheel.add(() => a++, 100);
    wheel.add(() => b++, 100);
    assert.equal(wheel.size, 2);
    ha.stop();
    ha.stop();
    ha.touch();
    assert.equal(wheel.size, 1);
    await clock.advanceTo(100);
    assert.deepEqual([a, b], [0, 1]);
    wheel.close();
  });

  test('the timer runs only while handles exist', async () => {
    const { clock, wheel } = setup();
    const h1 = wheel.add(() => {}, 100);
    const h2 = wheel.add(() => {}, 50);
    await clock.ticks(1);
    h1.stop();
    h2.stop();
    assert.equal(wheel.size, 0);
    const calls = clock.calls;
    // 25 periods of the 2 ms timer: a running timer would have read the clock meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(clock.calls, calls);
    let beats = 0;
    wheel.add(() => beats++, 10);
    await clock.advanceTo(10);
    assert.equal(beats, 1, 'adding again restarts the timer');
    wheel.close();
    assert.equal(wheel.size, 0);
  });

  test('a beat may stop its own handle; a throwing beat does not stop the others', async () => {
    const { clock, wheel, errors } = setup();
    let others = 0;
    const self = wheel.add(() => self.stop(), 100);
    wheel.add(() => {
      throw new Error('broken stream');
    }, 100);
    wheel.add(() => others++, 100);
    await clock.advanceTo(100);
    assert.equal(others, 1);
    assert.equal(wheel.size, 2);
    assert.equal(errors.length, 1);
    wheel.close();
  });

  test('close stops every handle', async () => {
    const { clock, wheel } = setup();
    let beats = 0;
    const handle = wheel.add(() => beats++, 10);
    wheel.add(() => beats++, 10);
    wheel.close();
    handle.stop();
    assert.equal(wheel.size, 0);
    clock.time = 1000;
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(beats, 0);
  });

  test('rejects a non-positive interval', () => {
    const { wheel } = setup();
    assert.throws(() => wheel.add(() => {}, 0), RangeError);
    assert.throws(() => wheel.add(() => {}, Number.POSITIVE_INFINITY), RangeError);
    assert.equal(wheel.size, 0);
  });

  test('10,000 handles with mixed intervals on one wheel each beat exactly when idle', async () => {
    const { clock, wheel } = setup();
    const count = 10_000;
    const beats = new Array<number>(count).fill(0);
    const intervals = beats.map((_, i) => 100 * (1 + (i % 10)));
    const handles = intervals.map((interval, i) => wheel.add(() => beats[i]!++, interval));
    assert.equal(wheel.size, count);
    await clock.advanceTo(50);
    handles.forEach((h, i) => {
      if (i % 2 === 0) h.touch();
    });
    for (let t = 100; t <= 1000; t += 50) await clock.advanceTo(t);
    // Untouched: beats at I, 2I, ... <= 1000. Touched at 50: beats at 50 + I, 50 + 2I, ... <= 1000.
    const expected = intervals.map((interval, i) => Math.floor((i % 2 === 0 ? 950 : 1000) / interval));
    assert.deepEqual(beats, expected);
    wheel.close();
  });
});

describe('withHeartbeat', () => {
  test('passes writes through and writes a heartbeat only when idle', async () => {
    const { clock, wheel } = setup();
    const written: string[] = [];
    const stream = withHeartbeat((chunk) => written.push(chunk), wheel, 100);
    clock.time = 80;
    stream.write('data: a\n\n');
    await clock.advanceTo(150);
    assert.deepEqual(written, ['data: a\n\n']);
    await clock.advanceTo(180);
    assert.deepEqual(written, ['data: a\n\n', HEARTBEAT_FRAME]);
    stream.stop();
    assert.equal(wheel.size, 0);
    clock.time = 1000;
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(written.length, 2);
  });
});
