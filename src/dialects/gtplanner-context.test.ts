import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SluiceError } from '../protocol/index.ts';
import { agentContextRequestSchema } from './gtplanner.ts';
import { contentText, dialogueToChat, plannerHistory, userMessage } from './gtplanner-context.ts';

function request(history: unknown[], extra: Record<string, unknown> = {}) {
  return agentContextRequestSchema.parse({ session_id: 's', dialogue_history: history, ...extra });
}

describe('GTPlanner context to a run', () => {
  test("the last entry is the run's message; the entries before it are the history", () => {
    const body = request([
      { role: 'user', content: 'design a shop' },
      { role: 'assistant', content: 'Done.' },
      { role: 'user', content: '  add payments  ' },
    ]);
    assert.equal(userMessage(body), 'add payments');
    assert.deepEqual(plannerHistory(body, 'en', 1000), [
      { role: 'user', content: 'design a shop' },
      { role: 'assistant', content: 'Done.' },
    ]);
  });

  test('tool_execution_results reach the model as a system message in the run language, cut to the limit', () => {
    const body = request([{ role: 'user', content: '再加上支付' }], {
      tool_execution_results: { design: { title: '在线购物系统设计文档', content: 'x'.repeat(100) } },
    });
    const [first, ...rest] = plannerHistory(body, 'zh', 40);
    assert.equal(rest.length, 0);
    assert.equal(first?.role, 'system');
    assert.match(first?.content ?? '', /^本次对话中之前调用的工具结果/);
    const json = JSON.stringify(body.tool_execution_results);
    assert.ok(
      first?.content.endsWith(`\n${json.slice(0, 40)}… [truncated ${json.length - 40} characters]`),
      first?.content,
    );
  });

  test('a history that does not end with a user message, or an empty one, is validation_failed', () => {
    for (const history of [
      [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: 'y' },
      ],
      [{ role: 'user', content: '   ' }],
      [{ role: 'user', content: null }],
    ]) {
      assert.throws(
        () => userMessage(request(history)),
        (error: unknown) => error instanceof SluiceError && error.code === 'validation_failed',
      );
    }
  });

  test('tool calls keep their results, in either shape; unpaired calls and results are dropped', () => {
    const history = dialogueToChat(
      request([
        { role: 'user', content: 'plan' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'a', type: 'function', function: { name: 'short_planning', arguments: '{"steps":["x"]}' } },
            { id: 'lost', name: 'design', arguments: {} },
          ],
        },
        { role: 'tool', content: '{"plan":"1. x"}', tool_call_id: 'a', name: 'short_planning' },
        { role: 'tool', content: 'orphan', tool_call_id: 'nobody' },
        { role: 'tool', content: 'no id' },
        { role: 'user', content: 'next' },
      ]).dialogue_history,
    );
    assert.deepEqual(history, [
      { role: 'user', content: 'plan' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ id: 'a', name: 'short_planning', arguments: '{"steps":["x"]}' }],
      },
      { role: 'tool', content: '{"plan":"1. x"}', tool_call_id: 'a', name: 'short_planning' },
      { role: 'user', content: 'next' },
    ]);
  });

  test('multimodal content keeps its text and names the other parts', () => {
    assert.equal(
      contentText([
        { type: 'text', text: '分析这个架构图' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
      ]),
      '分析这个架构图\n[image_url]',
    );
    assert.equal(contentText(null), '');
  });
});
