import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createCurrentTimeTool, describeInstant, resolveTimeZone } from './current-time.ts';
import type { ToolContext } from './tool.ts';

// Saturday 2026-11-21 09:30:00 UTC
const INSTANT = new Date(Date.UTC(2026, 10, 21, 9, 30, 0));

function context(language: ToolContext['language'] = 'en'): { ctx: ToolContext; progress: string[] } {
  const progress: string[] = [];
  const ctx: ToolContext = {
    signal: new AbortController().signal,
    progress: (message) => progress.push(message),
    language,
    runId: 'run-1',
    callId: 'call-1',
  };
  return { ctx, progress };
}

describe('describeInstant', () => {
  const cases: Array<[zone: string, iso: string, weekday: string]> = [
    ['UTC', '2026-11-21T09:30:00+00:00', 'Saturday'],
    ['Asia/Tokyo', '2026-11-21T18:30:00+09:00', 'Saturday'],
    ['Asia/Kolkata', '2026-11-21T15:00:00+05:30', 'Saturday'],
    ['Asia/Kathmandu', '2026-11-21T15:15:00+05:45', 'Saturday'],
    ['America/St_Johns', '2026-11-21T06:00:00-03:30', 'Saturday'],
    ['America/New_York', '2026-11-21T04:30:00-05:00', 'Saturday'],
    ['America/Los_Angeles', '2026-11-21T01:30:00-08:00', 'Saturday'],
    ['Europe/Paris', '2026-11-21T10:30:00+01:00', 'Saturday'],
    ['Australia/Sydney', '2026-11-21T20:30:00+11:00', 'Saturday'],
    ['Pacific/Kiritimati', '2026-11-21T23:30:00+14:00', 'Saturday'],
    ['Pacific/Pago_Pago', '2026-11-20T22:30:00-11:00', 'Friday'],
  ];
  for (const [zone, iso, weekday] of cases) {
    test(zone, () => {
      const result = describeInstant(INSTANT, zone);
      assert.equal(result.iso, iso);
      assert.equal(result.date, iso.slice(0, 10));
      assert.equal(result.time, iso.slice(11, 19));
      assert.equal(result.utc_offset, iso.slice(19));
      assert.equal(result.weekday, weekday);
      assert.equal(result.unix, INSTANT.getTime() / 1000);
      assert.equal(result.timezone, zone);
    });
  }

  test('summer time applies in DST zones', () => {
    const july = new Date(Date.UTC(2026, 6, 1, 12, 0, 0));
    assert.equal(describeInstant(july, 'America/New_York').iso, '2026-07-01T08:00:00-04:00');
    assert.equal(describeInstant(july, 'Europe/Paris').iso, '2026-07-01T14:00:00+02:00');
    assert.equal(describeInstant(july, 'Australia/Sydney').iso, '2026-07-01T22:00:00+10:00');
  });

  test('the spring-forward gap in New York', () => {
    assert.equal(
      describeInstant(new Date(Date.UTC(2026, 2, 8, 6, 59, 59)), 'America/New_York').iso,
      '2026-03-08T01:59:59-05:00',
    );
    assert.equal(
      describeInstant(new Date(Date.UTC(2026, 2, 8, 7, 0, 0)), 'America/New_York').iso,
      '2026-03-08T03:00:00-04:00',
    );
  });

  test('midnight reads 00, not 24', () => {
    assert.equal(describeInstant(new Date(Date.UTC(2026, 10, 21, 0, 0, 0)), 'UTC').time, '00:00:00');
  });
});

describe('resolveTimeZone', () => {
  test('keeps valid names and fixes their case', () => {
    assert.equal(resolveTimeZone('Asia/Kolkata'), 'Asia/Kolkata');
    assert.equal(resolveTimeZone('asia/tokyo'), 'Asia/Tokyo');
    assert.equal(resolveTimeZone('utc'), 'UTC');
  });

  test('rejects unknown zones by name', () => {
    assert.throws(() => resolveTimeZone('Mars/Olympus_Mons'), /Unknown time zone "Mars\/Olympus_Mons"/);
  });
});

describe('current_time tool', () => {
  const tool = createCurrentTimeTool(() => INSTANT);

  test('defaults to UTC and reports progress', async () => {
    const { ctx, progress } = context();
    const result = await tool.execute({}, ctx);
    assert.deepEqual(result, {
      timezone: 'UTC',
      iso: '2026-11-21T09:30:00+00:00',
      date: '2026-11-21',
      time: '09:30:00',
      weekday: 'Saturday',
      utc_offset: '+00:00',
      unix: INSTANT.getTime() / 1000,
    });
    assert.deepEqual(progress, ['Reading the clock for UTC']);
  });

  test('reads the zone asked for, with progress in the run language', async () => {
    const { ctx, progress } = context('ja');
    const result = (await tool.execute({ timezone: 'Asia/Tokyo' }, ctx)) as { iso: string };
    assert.equal(result.iso, '2026-11-21T18:30:00+09:00');
    assert.deepEqual(progress, ['Asia/Tokyo の時刻を取得しています']);
  });

  test('an invalid zone rejects naming it', async () => {
    const { ctx } = context();
    await assert.rejects(tool.execute({ timezone: 'Nowhere/Land' }, ctx), /Nowhere\/Land/);
  });

  test('reads the clock on every call', async () => {
    let calls = 0;
    const counting = createCurrentTimeTool(() => new Date(INSTANT.getTime() + 1000 * calls++));
    const { ctx } = context();
    const first = (await counting.execute({}, ctx)) as { time: string };
    const second = (await counting.execute({}, ctx)) as { time: string };
    assert.deepEqual([first.time, second.time], ['09:30:00', '09:30:01']);
  });
});
