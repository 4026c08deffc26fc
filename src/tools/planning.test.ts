import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Language } from '../protocol/index.ts';
import { cleanSteps, numberedPlan, shortPlanningTool } from './planning.ts';
import type { ToolContext } from './tool.ts';

function context(language: Language) {
  const progress: Array<[string, number | undefined]> = [];
  const ctx: ToolContext = {
    signal: new AbortController().signal,
    progress: (message, fraction) => progress.push([message, fraction]),
    language,
    runId: 'run-1',
    callId: 'call-1',
  };
  return { ctx, progress };
}

describe('short_planning', () => {
  test('numbers the steps the model wrote and reports progress three times, in the run language', async () => {
    const { ctx, progress } = context('zh');
    const result = await shortPlanningTool.execute(
      { requirements: ' 帮我设计一个在线购物系统 ', steps: ['明确目标', '设计架构', '测试上线'] },
      ctx,
    );
    assert.deepEqual(result, {
      requirements: '帮我设计一个在线购物系统',
      steps: ['明确目标', '设计架构', '测试上线'],
      plan: '1. 明确目标\n2. 设计架构\n3. 测试上线',
      step_count: 3,
    });
    assert.deepEqual(progress, [
      ['正在阅读需求', 0.2],
      ['正在排列 3 个步骤', 0.6],
      ['计划已完成：共 3 步', 1],
    ]);
  });

  test('strips numbering the model added, blanks and repeats', () => {
    assert.deepEqual(
      cleanSteps([
        '1. Goals',
        '2) Goals',
        '- Build',
        '第3步：测试',
        'ステップ4: 公開',
        'Step 5: Ship',
        '   ',
        '* Build',
      ]),
      ['Goals', 'Build', '测试', '公開', 'Ship'],
    );
    assert.equal(numberedPlan(['a', 'b']), '1. a\n2. b');
  });

  test('fails when no step is left, so the model is told', async () => {
    const { ctx } = context('en');
    await assert.rejects(
      shortPlanningTool.execute({ requirements: 'x', steps: ['1.', ' - '] }, ctx),
      /empty/,
    );
  });

  test('the input schema wants requirements and 1 to 20 steps', () => {
    const schema = shortPlanningTool.inputSchema;
    assert.equal(schema.safeParse({ requirements: 'x', steps: ['a'] }).success, true);
    assert.equal(schema.safeParse({ requirements: 'x', steps: [] }).success, false);
    assert.equal(schema.safeParse({ steps: ['a'] }).success, false);
    assert.equal(schema.safeParse({ requirements: 'x', steps: Array(21).fill('a') }).success, false);
  });
});
