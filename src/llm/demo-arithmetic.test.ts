import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { arithmeticRequest, findExpression } from './demo-arithmetic.ts';

test('findExpression takes the longest computing stretch of the text', () => {
  const cases: Array<[string, string | undefined]> = [
    ['what is 17*23?', '17*23'],
    ['计算 (3+4)*5', '(3+4)*5'],
    ['cuánto es 2^10', '2^10'],
    ['combien font 12 / 4 ?', '12 / 4'],
    ['17×23は？', '17*23'],
    ['（１＋２）＊３', '(1+2)*3'],
    ['what is 2+2.', '2+2'],
    ['sqrt(16) + 2 and then 5', 'sqrt(16) + 2'],
    ['first 1+1 then (2+3)*4-1', '(2+3)*4-1'],
    ['2 * pi', '2 * pi'],
    ['I have 2 apples and 3 pears', undefined],
    ['what is -5', undefined],
    ['the meeting is on 2026-11-21', undefined],
    ['due 21/11/2026', undefined],
    ['', undefined],
  ];
  for (const [text, expected] of cases) assert.equal(findExpression(text)?.expression, expected, text);
});

test('offsets point into the original text', () => {
  const text = '请计算１７×２３。';
  const found = findExpression(text)!;
  assert.equal(text.slice(found.start, found.end), '１７×２３');
  assert.equal(found.expression, '17*23');
});

test('arithmeticRequest needs a cue word or a message that is mostly the expression', () => {
  assert.equal(arithmeticRequest('17*23')?.expression, '17*23');
  assert.equal(arithmeticRequest('3+4=?')?.expression, '3+4');
  assert.equal(arithmeticRequest('Quel est le résultat de 7*6 ?')?.expression, '7*6');
  assert.equal(arithmeticRequest('The 1914-1918 war changed Europe'), undefined);
  assert.equal(arithmeticRequest('Open 24/7 for customers'), undefined);
});

test('findExpression never throws on random text and stays bounded on long text', () => {
  const chars = fc.constantFrom(...'0123456789+-*/^()., abcxyzsqrtpie×÷（）計算？'.split(''));
  fc.assert(
    fc.property(
      fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: chars, maxLength: 200 })),
      (text) => {
        const found = findExpression(text);
        if (found) assert.ok(found.end > found.start && found.expression.length > 0);
      },
    ),
    { numRuns: 1000 },
  );
  const long = findExpression(`${'1+'.repeat(3000)}1`);
  assert.ok(long && long.expression.length > 900 && long.expression.length <= 1000);
});
