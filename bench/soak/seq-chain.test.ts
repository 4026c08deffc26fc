import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SeqChain } from './seq-chain.ts';
import { Tally } from './tally.ts';

function feed(chain: SeqChain, seqs: number[], endAt?: number): void {
  for (const seq of seqs) chain.accept(seq, seq === endAt ? 'conversation_end' : 'assistant_message_chunk');
}

describe('SeqChain', () => {
  test('accepts 1..n over several connections, each resuming after the last seq', () => {
    const chain = new SeqChain();
    feed(chain, [1, 2, 3]);
    feed(chain, [chain.lastSeq + 1, 5]);
    feed(chain, [6, 7], 7);
    assert.equal(chain.checked, 7);
    assert.equal(chain.ended, true);
    assert.deepEqual(chain.problems(), []);
  });

  test('counts the events a jump skips over as lost', () => {
    const chain = new SeqChain();
    feed(chain, [1, 2, 5, 6, 9], 9);
    assert.equal(chain.lost, 4);
    assert.deepEqual(chain.problems(), ['seq gap (events lost)']);
  });

  test('a takeover starts after the seqs an earlier client checked', () => {
    const chain = new SeqChain(40);
    feed(chain, [41, 42], 42);
    assert.equal(chain.lost, 0);
    assert.equal(chain.checked, 2);
    const late = new SeqChain(40);
    feed(late, [43]);
    assert.equal(late.lost, 2);
  });

  test('flags repeats, events out of order and events after conversation_end', () => {
    const repeated = new SeqChain();
    feed(repeated, [1, 2, 2, 1, 3]);
    assert.equal(repeated.repeated, 2);
    assert.equal(repeated.checked, 3);
    const after = new SeqChain();
    feed(after, [1, 2], 2);
    feed(after, [3]);
    assert.deepEqual(after.problems(), ['event after conversation_end']);
  });
});

describe('Tally.chain', () => {
  test('adds a chain’s events, its losses and the events missing at its end', () => {
    const tally = new Tally();
    const whole = new SeqChain();
    feed(whole, [1, 2, 3], 3);
    tally.chain('native', whole);
    const gappy = new SeqChain();
    feed(gappy, [1, 3]);
    tally.chain('native resume', gappy, 5);
    const snapshot = tally.snapshot();
    assert.equal(snapshot.eventsChecked, 5);
    assert.equal(snapshot.eventsLost, 1 + 5);
    assert.equal(snapshot.runsCheckedToEnd, 1);
    assert.deepEqual(snapshot.errors, {
      'native resume: events missing at the end': 1,
      'native resume: seq gap (events lost)': 1,
    });
  });
});
