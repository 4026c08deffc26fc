import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MiB, soakResultsFixture } from './results-fixture.ts';
import { verdict } from './verdict.ts';

function clean() {
  const results = soakResultsFixture();
  results.totals.errors = 0;
  return results;
}

describe('verdict', () => {
  test('passes a soak with no loss, nothing left running, no error and a flat heap', () => {
    assert.deepEqual(verdict(clean()), { passed: true, failures: [] });
  });

  test('fails on each condition alone', () => {
    const lost = clean();
    lost.totals.eventsLost = 3;
    assert.deepEqual(verdict(lost).failures, ['3 events lost']);

    const running = clean();
    running.runs.unfinished = { running: 1 };
    assert.match(verdict(running).failures.join(), /runs left: 1 queued or running/);
    const streaming = clean();
    streaming.runs.openStreams = 2;
    assert.match(verdict(streaming).failures.join(), /2 open streams/);

    assert.deepEqual(verdict(soakResultsFixture()).failures, ['2 errors']);

    const short = clean();
    short.cycles.started = 9_999;
    assert.match(verdict(short).failures.join(), /only 9999 of 10000 cycles/);

    const grown = clean();
    grown.memory.end.heapUsed = grown.memory.start.heapUsed + 51 * MiB;
    assert.match(verdict(grown).failures.join(), /heap grew by 51\.0 MiB after GC \(bound 50 MiB\)/);
    grown.memory.end.heapUsed = grown.memory.start.heapUsed + 50 * MiB;
    assert.equal(verdict(grown).passed, true);

    const noGc = clean();
    noGc.memory.gc = false;
    assert.match(verdict(noGc).failures.join(), /could not collect garbage/);
  });
});
