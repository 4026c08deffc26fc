import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PHASES, type Phase, vanishCycle } from './support/vanish-cycle.ts';
import { oneShot, startVanishServer, until, type VanishServer } from './support/vanish-server.ts';
import type { Vanish } from './support/vanishing-client.ts';

/**
 * No leaked timers, sockets or memory after clients vanish by the hundred: open handles return
 * to their baseline after 300 cycles, the heap grows less than 10 MB over 1,000 more, and closing
 * the server leaves none of its handles behind. docs/reliability.md, "Clients that vanish".
 */

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const WATCHED = ['Timeout', 'TCPSocketWrap', 'TCPServerWrap'] as const;
type Handles = Record<(typeof WATCHED)[number], number>;

function handles(): Handles {
  const counts: Handles = { Timeout: 0, TCPSocketWrap: 0, TCPServerWrap: 0 };
  for (const type of process.getActiveResourcesInfo()) {
    if (type in counts) counts[type as keyof Handles]++;
  }
  return counts;
}

/** Waits (bounded) until no watched handle count is above `baseline`; returns the last counts. */
async function handlesBackTo(baseline: Handles): Promise<Handles> {
  let last = handles();
  const back = () => WATCHED.every((type) => last[type] <= baseline[type]);
  await until(() => {
    last = handles();
    return back() ? true : undefined;
  }, 'open handles to return to the baseline').catch(() => {});
  assert.deepEqual(last, { ...last, ...baseline }, `handles above the baseline ${JSON.stringify(baseline)}`);
  return last;
}

const VANISH: Vanish[] = ['destroy', 'reset', 'half-close'];
const POLICIES = ['continue', 'cancel'];
/** Phase g (a 6 MB upload to fill the socket) costs a hundred times the others: one cycle in 25. */
const G_EVERY = 25;

/** Cycle i: phases a to f in turn (g every 25th), the vanish modes and policies rotating over them. */
function planOf(i: number): { phase: Phase; how: Vanish; policy: string } {
  const phase = i % G_EVERY === G_EVERY - 1 ? 'g' : (PHASES[i % 6] as Phase);
  return {
    phase,
    how: VANISH[Math.floor(i / 6) % 3] as Vanish,
    policy: POLICIES[Math.floor(i / 18) % 2] as string,
  };
}

async function runCycles(
  t: VanishServer,
  from: number,
  count: number,
  timeLimitMs: number,
): Promise<number[]> {
  const deadline = Date.now() + timeLimitMs;
  const perPhase = new Map<Phase, number>(PHASES.map((phase) => [phase, 0]));
  for (let i = from; i < from + count; i++) {
    if (Date.now() > deadline)
      throw new Error(`cycles still running after ${timeLimitMs} ms (at ${i - from})`);
    const { phase, how, policy } = planOf(i);
    await vanishCycle(t, phase, how, policy);
    perPhase.set(phase, (perPhase.get(phase) ?? 0) + 1);
  }
  return [...perPhase.values()];
}

/** Everything a vanished client could have left behind is gone, and the server still answers. */
async function assertSettled(t: VanishServer): Promise<void> {
  const { ctx } = t.server;
  const settled = () =>
    ctx.runs.activeCount === 0 &&
    ctx.streams.open === 0 &&
    ctx.wheel.size === 0 &&
    t.bus.subscriberCount() === 0;
  await until(
    () => (settled() ? true : undefined),
    'runs, streams, heartbeats and subscriptions to drop to 0',
  ).catch(() => {});
  assert.deepEqual(
    {
      runs: ctx.runs.activeCount,
      streams: ctx.streams.open,
      heartbeats: ctx.wheel.size,
      subscriptions: t.bus.subscriberCount(),
    },
    { runs: 0, streams: 0, heartbeats: 0, subscriptions: 0 },
  );
  assert.deepEqual(t.errors.splice(0), [], 'errors logged');
  assert.equal((await oneShot(`${t.url}/health`)).status, 200);
}

/** heapUsed once ended logs passed their retention (1 s here) and two full collections ran. */
async function settledHeap(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return process.memoryUsage().heapUsed;
}

const MB = 1024 * 1024;

describe('no leaked timers, sockets or memory when clients vanish', () => {
  let before0: Handles;
  let t: VanishServer;
  before(async () => {
    before0 = handles();
    t = await startVanishServer({
      demo_pace: 0,
      body_limit: 16 * MB,
      // Ended logs go after 1 s, so what the heap keeps is what leaked, not what is retained.
      runs: { retention_ms: 1_000, retained_log_mb: 1, max_queued_frames: 64 },
    });
  });
  after(async () => {
    await t.close();
  });

  test('after 300 vanish cycles over every phase, Timeout and TCP handles are back to the baseline', async (tt) => {
    const baseline = handles();
    const perPhase = await runCycles(t, 0, 300, 60_000);
    assert.ok(
      perPhase.every((n) => n > 0),
      'every phase ran',
    );
    await assertSettled(t);
    const after = await handlesBackTo(baseline);
    tt.diagnostic(`cycles per phase a..g: ${perPhase.join(' ')}`);
    tt.diagnostic(`handles before: ${JSON.stringify(baseline)}; after: ${JSON.stringify(after)}`);
  });

  test('the heap grows less than 10 MB over 1,000 more cycles (after the 300 above as warm-up)', async (tt) => {
    const heapBefore = await settledHeap();
    await runCycles(t, 300, 1_000, 90_000);
    await assertSettled(t);
    const heapAfter = await settledHeap();
    tt.diagnostic(
      `heapUsed before: ${(heapBefore / MB).toFixed(1)} MB; after: ${(heapAfter / MB).toFixed(1)} MB; growth ${((heapAfter - heapBefore) / MB).toFixed(2)} MB`,
    );
    assert.ok(heapAfter - heapBefore < 10 * MB, `heap grew ${((heapAfter - heapBefore) / MB).toFixed(1)} MB`);
  });

  test('after server.close(), none of its Timeout or TCP handles remain', async (tt) => {
    await t.close();
    const after = await handlesBackTo(before0);
    tt.diagnostic(
      `handles before the server: ${JSON.stringify(before0)}; after close: ${JSON.stringify(after)}`,
    );
  });
});
