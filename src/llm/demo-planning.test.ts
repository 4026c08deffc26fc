import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Language } from '../protocol/index.ts';
import { builtinTools, executeTool, planningTools, ToolRegistry } from '../tools/index.ts';
import { DemoProvider } from './demo-provider.ts';
import type { ChatMessage } from './provider.ts';

const registry = new ToolRegistry();
for (const tool of [...builtinTools(), ...planningTools()]) registry.register(tool);
const PLANNER_TOOLS = registry.specs(['short_planning', 'design']);
const demo = new DemoProvider({ tokensPerSecond: 0 });

/** Plays the agent: asks the demo, runs the calls with the real tools, until it answers. */
async function converse(
  text: string,
  language: Language,
  history: ChatMessage[] = [],
  tools = PLANNER_TOOLS,
) {
  const messages: ChatMessage[] = [
    { role: 'system', content: 'planner' },
    ...history,
    { role: 'user', content: text },
  ];
  const calls: Array<{ name: string; arguments: Record<string, unknown>; result: unknown }> = [];
  for (let step = 0; step < 5; step++) {
    const reply = demo.reply({ model: 'demo', messages, tools, language });
    messages.push(
      reply.calls.length > 0
        ? { role: 'assistant', content: reply.text, tool_calls: reply.calls }
        : { role: 'assistant', content: reply.text },
    );
    if (reply.calls.length === 0) return { answer: reply.text, calls, messages };
    for (const call of reply.calls) {
      const outcome = await executeTool(
        registry.get(call.name),
        call.name,
        call.arguments,
        {
          signal: new AbortController().signal,
          progress: () => {},
          language,
          runId: 'run-1',
          callId: call.id,
        },
        { timeoutMs: 5000 },
      );
      assert.equal(outcome.status, 'completed', outcome.error ?? '');
      calls.push({ name: call.name, arguments: JSON.parse(call.arguments), result: outcome.result });
      messages.push({
        role: 'tool',
        tool_call_id: call.id,
        name: call.name,
        content: JSON.stringify(outcome.result),
      });
    }
  }
  throw new Error('no answer after 5 steps');
}

const CASES: Array<[Language, string, string, RegExp]> = [
  [
    'zh',
    '帮我设计一个在线购物系统',
    '# 在线购物系统设计文档',
    /## 概述[\s\S]*## 需求[\s\S]*## 功能[\s\S]*购物车[\s\S]*## 实施计划/,
  ],
  [
    'en',
    'Design an online shop',
    '# Design: Online shop',
    /## Overview[\s\S]*## Features[\s\S]*Shopping cart[\s\S]*## Implementation plan/,
  ],
  [
    'ja',
    'オンラインショップを設計してください',
    '# オンラインショップ 設計書',
    /## 概要[\s\S]*## 機能[\s\S]*ショッピングカート[\s\S]*## 実装計画/,
  ],
  [
    'es',
    'Diseña una tienda en línea',
    '# Diseño: Tienda en línea',
    /## Resumen[\s\S]*## Funcionalidades[\s\S]*Carrito de compra[\s\S]*## Plan de implementación/,
  ],
  [
    'fr',
    'Conçois une boutique en ligne',
    '# Conception : Boutique en ligne',
    /## Vue d'ensemble[\s\S]*## Fonctionnalités[\s\S]*Panier[\s\S]*## Plan de réalisation/,
  ],
];

describe('demo model: planning and design', () => {
  for (const [language, request, title, body] of CASES) {
    test(`${language}: "${request}" calls short_planning, then design with a document in ${language}, then sums up`, async () => {
      const { calls, answer } = await converse(request, language);
      assert.deepEqual(
        calls.map((c) => c.name),
        ['short_planning', 'design'],
      );
      const [plan, design] = calls;
      assert.equal(plan?.arguments.requirements, request);
      const steps = (plan?.result as { steps: string[] } | undefined)?.steps ?? [];
      assert.equal(steps.length, 6);
      const document = design?.arguments.document as string;
      assert.equal(design?.arguments.mode, 'quick');
      assert.ok(document.startsWith(`${title}\n\n`), document.slice(0, 80));
      assert.match(document, body);
      for (const step of steps) assert.ok(document.includes(step), `the plan is in the document: ${step}`);
      assert.ok(answer.includes(title.slice(2)), answer);
    });
  }

  test('a second turn builds on the plan fed back: the requirements add up, deep mode adds sections', async () => {
    const first = await converse('帮我设计一个在线购物系统', 'zh');
    const history = first.messages.slice(1);
    const second = await converse('再加上会员积分功能，请做详细设计', 'zh', history);
    const [plan, design] = second.calls;
    assert.equal(plan?.arguments.requirements, '帮我设计一个在线购物系统\n再加上会员积分功能，请做详细设计');
    const steps = (plan?.result as { steps: string[] } | undefined)?.steps ?? [];
    assert.ok(steps.includes('确定核心功能：会员积分功能'));
    assert.equal(design?.arguments.mode, 'deep');
    const result = design?.result as { sections: string[]; content: string };
    assert.equal(result.sections.length, 11);
    assert.ok(result.sections.includes('风险') && result.sections.includes('部署'));
    assert.match(result.content, /会员积分功能模块/);
    assert.ok(second.answer.includes('11'), second.answer);
  });

  test('without the planner tools, a design request goes to the other rules', async () => {
    const { calls } = await converse(
      'Design an online shop',
      'en',
      [],
      registry.specs(['calculator', 'current_time']),
    );
    assert.deepEqual(calls, []);
  });

  test('a message that asks for no plan or design is not planned', async () => {
    const { calls, answer } = await converse('hello there', 'en');
    assert.deepEqual(calls, []);
    assert.match(answer, /hello there/);
  });
});
