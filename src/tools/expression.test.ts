import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  ExpressionError,
  evaluateExpression,
  hasComputation,
  MAX_EXPRESSION_LENGTH,
  MAX_NESTING_DEPTH,
  normalizeExpression,
  parseExpression,
  tidyNumber,
} from './expression.ts';

function throwsAt(input: string, pattern: RegExp, position?: number): void {
  assert.throws(
    () => evaluateExpression(input),
    (error: unknown) => {
      assert.ok(error instanceof ExpressionError, `expected ExpressionError, got ${String(error)}`);
      assert.match(error.message, pattern);
      if (position !== undefined) assert.equal(error.position, position);
      return true;
    },
  );
}

describe('evaluateExpression', () => {
  test('precedence', () => {
    assert.equal(evaluateExpression('2+3*4'), 14);
    assert.equal(evaluateExpression('(2+3)*4'), 20);
    assert.equal(evaluateExpression('2*3^2'), 18);
    assert.equal(evaluateExpression('10-4/2'), 8);
    assert.equal(evaluateExpression('7+10%4'), 9);
  });

  test('associativity', () => {
    assert.equal(evaluateExpression('10-4-3'), 3);
    assert.equal(evaluateExpression('64/4/2'), 8);
    assert.equal(evaluateExpression('2^3^2'), 512);
    assert.equal(evaluateExpression('2**3**2'), 512);
    assert.equal(evaluateExpression('(2^3)^2'), 64);
  });

  test('unary minus binds looser than power', () => {
    assert.equal(evaluateExpression('-2^2'), -4);
    assert.equal(evaluateExpression('(-2)^2'), 4);
    assert.equal(evaluateExpression('2^-1'), 0.5);
    assert.equal(evaluateExpression('--3'), 3);
    assert.equal(evaluateExpression('+-+3'), -3);
    assert.equal(evaluateExpression('4*-2'), -8);
  });

  test('numbers', () => {
    assert.equal(evaluateExpression('1.5e3'), 1500);
    assert.equal(evaluateExpression('2E-2'), 0.02);
    assert.equal(evaluateExpression('.5+5.'), 5.5);
    assert.equal(evaluateExpression('  42  '), 42);
  });

  test('functions and constants', () => {
    assert.equal(evaluateExpression('sqrt(16)'), 4);
    assert.equal(evaluateExpression('abs(-3)'), 3);
    assert.equal(evaluateExpression('round(2.5)'), 3);
    assert.equal(evaluateExpression('round(3.14159, 2)'), 3.14);
    assert.equal(evaluateExpression('floor(-1.5)+ceil(1.2)'), 0);
    assert.equal(evaluateExpression('min(4, 2, 8) + max(1, 9)'), 11);
    assert.equal(evaluateExpression('pow(2, 10)'), 1024);
    assert.equal(evaluateExpression('log(e)'), 1);
    assert.equal(evaluateExpression('log10(1000)'), 3);
    assert.equal(evaluateExpression('log2(8)'), 3);
    assert.equal(evaluateExpression('exp(0)'), 1);
    assert.equal(evaluateExpression('sin(0) + cos(0) + tan(0)'), 1);
    assert.equal(evaluateExpression('asin(1)*2'), Math.PI);
    assert.equal(evaluateExpression('acos(1) + atan(0)'), 0);
    assert.equal(evaluateExpression('PI'), Math.PI);
    assert.equal(evaluateExpression('2*π'), 2 * Math.PI);
    assert.equal(evaluateExpression('SQRT(9)'), 3);
  });

  test('full-width and typographic input', () => {
    assert.equal(evaluateExpression('17×23'), 391);
    assert.equal(evaluateExpression('12÷4'), 3);
    assert.equal(evaluateExpression('（３＋４）＊５'), 35);
    assert.equal(evaluateExpression('２＾１０'), 1024);
    assert.equal(evaluateExpression('10 − 3'), 7);
    assert.equal(normalizeExpression('（３＋４）×５').length, '（３＋４）×５'.length);
  });

  test('errors name the position', () => {
    throwsAt('2 + * 3', /Unexpected token "\*" at position 4/, 4);
    throwsAt('2 +', /Unexpected end of expression at position 3/, 3);
    throwsAt('(1 + 2', /Unexpected end of expression/);
    throwsAt('1 + 2)', /Unexpected token "\)" at position 5/, 5);
    throwsAt('3 $ 4', /Unexpected character "\$" at position 2/, 2);
    throwsAt('1 / (2 - 2)', /Division by zero at position 2/, 2);
    throwsAt('5 % 0', /Division by zero/);
    throwsAt('foo(2)', /Unknown function "foo" at position 0/, 0);
    throwsAt('2 * x', /Unknown name "x" at position 4/, 4);
    throwsAt('sqrt 4', /needs parentheses/);
    throwsAt('pow(2)', /pow\(\) takes 2 arguments, got 1/);
    throwsAt('sqrt(-1)', /not a real number/);
    throwsAt('10^400', /too large/);
    throwsAt('1e400', /too large/);
    throwsAt('', /empty/);
    throwsAt('   ', /empty/);
    throwsAt('1 2', /Unexpected token "2" at position 2/, 2);
  });

  test('limits on length and nesting', () => {
    throwsAt('1+'.repeat(MAX_EXPRESSION_LENGTH / 2) + '1', /too long/);
    assert.equal(
      evaluateExpression(`${'('.repeat(MAX_NESTING_DEPTH - 1)}1${')'.repeat(MAX_NESTING_DEPTH - 1)}`),
      1,
    );
    throwsAt(
      `${'('.repeat(MAX_NESTING_DEPTH + 1)}1${')'.repeat(MAX_NESTING_DEPTH + 1)}`,
      /nested more than 100/,
    );
    throwsAt(`${'-'.repeat(MAX_NESTING_DEPTH + 1)}1`, /nested more than 100/);
  });

  test('hasComputation tells literals from computations', () => {
    assert.equal(hasComputation(parseExpression('-5')), false);
    assert.equal(hasComputation(parseExpression('pi')), false);
    assert.equal(hasComputation(parseExpression('2+2')), true);
    assert.equal(hasComputation(parseExpression('sqrt(2)')), true);
  });

  test('tidyNumber removes floating-point noise only', () => {
    assert.equal(tidyNumber(0.1 + 0.2), 0.3);
    assert.equal(tidyNumber(391), 391);
    assert.equal(tidyNumber(-0), 0);
    assert.equal(tidyNumber(1 / 3), 0.333333333333333);
  });
});

describe('evaluateExpression properties', () => {
  test('random strings either evaluate to a finite number or throw ExpressionError', () => {
    const alphabet = fc.constantFrom(...'0123456789+-*/%^()., eEπ×÷（）＋　piqrtsmaxlogn'.split(''));
    const arbitrary = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: alphabet, maxLength: 80 }));
    fc.assert(
      fc.property(arbitrary, (input) => {
        try {
          assert.ok(Number.isFinite(evaluateExpression(input)));
        } catch (error) {
          assert.ok(
            error instanceof ExpressionError,
            `non-ExpressionError for ${JSON.stringify(input)}: ${error}`,
          );
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('deep and long random inputs still end with ExpressionError, never a stack overflow', () => {
    const pieces = fc.constantFrom('(', ')', '-', '+', '^', '**', '1', 'sqrt(', ',', '2');
    fc.assert(
      fc.property(fc.array(pieces, { minLength: 200, maxLength: 600 }), (parts) => {
        const input = parts.join('');
        try {
          evaluateExpression(input);
        } catch (error) {
          assert.ok(error instanceof ExpressionError, `non-ExpressionError: ${error}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  // The test builds a random integer expression tree, prints it with only the parentheses that
  // precedence and associativity require, and computes the expected value itself.
  type Tree =
    | { leaf: number }
    | { neg: Tree }
    | { op: '+' | '-' | '*' | '/' | '%' | '^'; left: Tree; right: Tree };
  const PRECEDENCE = { '+': 1, '-': 1, '*': 2, '/': 2, '%': 2, neg: 3, '^': 4, leaf: 5 } as const;

  const precedence = (tree: Tree): number =>
    'leaf' in tree ? PRECEDENCE.leaf : 'neg' in tree ? PRECEDENCE.neg : PRECEDENCE[tree.op];

  function print(tree: Tree): string {
    const wrap = (child: Tree, needed: boolean): string => (needed ? `(${print(child)})` : print(child));
    if ('leaf' in tree) return String(tree.leaf);
    if ('neg' in tree) return `-${wrap(tree.neg, precedence(tree.neg) < PRECEDENCE.neg)}`;
    const p = PRECEDENCE[tree.op];
    const rightAssoc = tree.op === '^';
    const left = wrap(tree.left, rightAssoc ? precedence(tree.left) <= p : precedence(tree.left) < p);
    const right = wrap(tree.right, rightAssoc ? precedence(tree.right) < p : precedence(tree.right) <= p);
    return `${left} ${tree.op} ${right}`;
  }

  /** undefined where the evaluator must refuse: a zero divisor or a non-finite intermediate. */
  function compute(tree: Tree): number | undefined {
    if ('leaf' in tree) return tree.leaf;
    if ('neg' in tree) {
      const v = compute(tree.neg);
      return v === undefined ? undefined : -v;
    }
    const l = compute(tree.left);
    const r = compute(tree.right);
    if (l === undefined || r === undefined) return undefined;
    if ((tree.op === '/' || tree.op === '%') && r === 0) return undefined;
    const ops = {
      '+': l + r,
      '-': l - r,
      '*': l * r,
      '/': l / r,
      '%': l % r,
      '^': l ** r,
    };
    const v = ops[tree.op];
    return Number.isFinite(v) ? v : undefined;
  }

  const treeArbitrary = fc.letrec<{ tree: Tree }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.integer({ min: 0, max: 50 }).map((leaf): Tree => ({ leaf })),
      tie('tree').map((neg): Tree => ({ neg })),
      fc
        .record({
          op: fc.constantFrom('+', '-', '*', '/', '%', '^' as const),
          left: tie('tree'),
          right: tie('tree'),
        })
        .map((node): Tree => node),
    ),
  })).tree;

  test('random integer expressions evaluate to the value the test computes', () => {
    fc.assert(
      fc.property(treeArbitrary, (tree) => {
        const source = print(tree);
        fc.pre(source.length <= MAX_EXPRESSION_LENGTH);
        const expected = compute(tree);
        if (expected === undefined) {
          assert.throws(() => evaluateExpression(source), ExpressionError, source);
        } else {
          assert.equal(evaluateExpression(source), expected, source);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
