import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSoakArgs } from './args.ts';

describe('parseSoakArgs', () => {
  test('defaults to the full soak: 10,000 cycles and 30 minutes', () => {
    const args = parseSoakArgs([]);
    assert.equal(args.quick, false);
    assert.equal(args.cycles, 10_000);
    assert.equal(args.minutes, 30);
  });

  test('--quick shortens both, and explicit values win', () => {
    assert.deepEqual(
      { ...parseSoakArgs(['--quick', '--seed', '7']), seed: 7 },
      { quick: true, cycles: 200, minutes: 0.25, seed: 7 },
    );
    const args = parseSoakArgs(['--minutes', '1', '--cycles', '1000', '--quick']);
    assert.equal(args.minutes, 1);
    assert.equal(args.cycles, 1000);
  });

  test('refuses unknown flags and bad numbers', () => {
    assert.throws(() => parseSoakArgs(['--hours', '1']), /unknown argument --hours/);
    assert.throws(() => parseSoakArgs(['--minutes']), /--minutes needs a number/);
    assert.throws(() => parseSoakArgs(['--cycles', '-5']), /--cycles needs a number/);
    assert.throws(() => parseSoakArgs(['--minutes', 'ten']), /--minutes needs a number/);
  });
});
