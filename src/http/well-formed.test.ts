import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SluiceError } from '../protocol/index.ts';
import { MAX_JSON_DEPTH, wellFormed, wellFormedValue } from './well-formed.ts';

describe('wellFormed', () => {
  test('replaces U+0000 and lone surrogates, keeps pairs and other text', () => {
    assert.equal(wellFormed('a\u0000b'), 'a\ufffdb');
    assert.equal(wellFormed('\ud800x\udc00'), '\ufffdx\ufffd');
    assert.equal(wellFormed('x\ud83d'), 'x\ufffd');
    assert.equal(wellFormed('\udc00\ud83d\ude00'), '\ufffd\ud83d\ude00');
    assert.equal(wellFormed('😀 héllo\n\r'), '😀 héllo\n\r');
  });

  test('wellFormedValue fixes strings and keys at any depth, in place', () => {
    const value = { 'k\u0000': ['\ud800', { deep: 'ok', n: 1, z: null }] };
    assert.equal(wellFormedValue(value), value);
    assert.deepEqual(value, { 'k\ufffd': ['\ufffd', { deep: 'ok', n: 1, z: null }] });
    assert.equal(wellFormedValue('\udfff'), '\ufffd');
    assert.equal(wellFormedValue(undefined), undefined);
  });

  test('10,000 levels of nesting are refused without overflowing the stack; 64 pass', () => {
    const deep = JSON.parse(`${'['.repeat(10_000)}"\\u0000"${']'.repeat(10_000)}`) as unknown;
    assert.throws(
      () => wellFormedValue(deep),
      (error) => error instanceof SluiceError && error.code === 'validation_failed',
    );
    const limit = JSON.parse(
      `${'{"a":'.repeat(MAX_JSON_DEPTH)}"\\u0000"${'}'.repeat(MAX_JSON_DEPTH)}`,
    ) as unknown;
    wellFormedValue(limit);
    assert.equal(JSON.stringify(limit).includes('\ufffd'), true);
    assert.throws(() => wellFormedValue([limit]), SluiceError);
  });
});
