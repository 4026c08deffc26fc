import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calculatorTool } from './calculator.ts';
import type { ToolContext } from './tool.ts';

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

test('calculator returns the expression and its value, reporting progress once', async () => {
  const { ctx, progress } = context();
  assert.deepEqual(await calculatorTool.execute({ expression: ' 17*23 ' }, ctx), {
    expression: '17*23',
    result: 391,
  });
  assert.deepEqual(progress, ['Evaluating 17*23']);
});

test('calculator reports progress in the run language', async () => {
  const { ctx, progress } = context('zh');
  await calculatorTool.execute({ expression: '（３＋４）×５' }, ctx);
  assert.deepEqual(progress, ['正在计算 （３＋４）×５']);
});

test('calculator tidies floating-point noise', async () => {
  const { ctx } = context();
  assert.deepEqual(await calculatorTool.execute({ expression: '0.1+0.2' }, ctx), {
    expression: '0.1+0.2',
    result: 0.3,
  });
});

test('calculator errors reject with the parser message', async () => {
  const { ctx } = context();
  await assert.rejects(
    calculatorTool.execute({ expression: '1/(3-3)' }, ctx),
    /Division by zero at position 1/,
  );
});

test('calculator schema wants a string expression', () => {
  assert.equal(calculatorTool.inputSchema.safeParse({ expression: '1+1' }).success, true);
  assert.equal(calculatorTool.inputSchema.safeParse({ expression: 2 }).success, false);
  assert.equal(calculatorTool.inputSchema.safeParse({}).success, false);
});
