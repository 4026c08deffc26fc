import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Histogram } from './histogram.ts';

describe('Histogram', () => {
  test('reads percentiles back within about 1%', () => {
    const histogram = new Histogram();
    for (let i = 1; i <= 1000; i++) histogram.record(i / 10);
    const close = (actual: number, expected: number) =>
      assert.ok(Math.abs(actual - expected) / expected < 0.011, `${actual} vs ${expected}`);
    close(histogram.quantile(0.5), 50);
    close(histogram.quantile(0.99), 99);
    assert.equal(histogram.summary().max, 100);
    assert.equal(histogram.summary().count, 1000);
  });

  test('reads values under a microsecond, and repeated records, as 0', () => {
    const histogram = new Histogram();
    histogram.record(0, 98);
    histogram.record(5, 2);
    assert.equal(histogram.quantile(0.5), 0);
    assert.equal(histogram.quantile(0.98), 0);
    assert.ok(histogram.quantile(0.99) > 4.9);
  });

  test('is all zeros when empty', () => {
    assert.deepEqual(new Histogram().summary(), { p50: 0, p99: 0, max: 0, count: 0 });
  });
});
