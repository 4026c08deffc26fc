import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ScriptedProvider, textStep, toolStep } from '../../test/support/scripted-provider.ts';
import { DEFAULT_PRICES } from '../llm/index.ts';
import { addedMessageSchema, type EventDraft } from '../protocol/index.ts';
import { planningTools, ToolRegistry } from '../tools/index.ts';
import { conversationEnd } from './conversation-end.ts';
import type { AgentDefinition } from './definition.ts';
import { runAgent } from './loop.ts';
import { PRESET_AGENTS } from './presets.ts';

const planner = PRESET_AGENTS.find((a) => a.id === 'planner') as AgentDefinition;
const DOCUMENT = '# Design: Notes app\n\n## Overview\n\nWritten by the model.';

// A real model writes the plan and the document itself, as the tools' input.
describe('planner tools in the agent loop', () => {
  test('design streams design_document_generated inside its call; conversation_end returns the new messages', async () => {
    const provider = new ScriptedProvider([
      toolStep([
        {
          id: 'p1',
          name: 'short_planning',
          arguments: JSON.stringify({ requirements: 'notes app', steps: ['Plan', 'Build'] }),
        },
      ]),
      toolStep([
        {
          id: 'd1',
          name: 'design',
          arguments: JSON.stringify({ requirements: 'notes app', mode: 'quick', document: DOCUMENT }),
        },
      ]),
      textStep('Done.'),
    ]);
    const tools = new ToolRegistry();
    for (const tool of planningTools()) tools.register(tool);
    const events: EventDraft[] = [];
    const result = await runAgent({
      runId: 'run-1',
      agent: planner,
      provider,
      model: 'gpt-4o-mini',
      tools,
      history: [],
      input: 'design a notes app',
      language: 'en',
      signal: new AbortController().signal,
      sink: { emit: (event) => events.push(event) },
      limits: { maxSteps: 8, toolTimeoutMs: 5000, toolResultChars: 100_000 },
      prices: DEFAULT_PRICES,
    });
    assert.equal(result.status, 'completed');
    const designEvents = events.slice(
      events.findIndex((e) => e.event_type === 'tool_call_start' && e.data.tool_name === 'design'),
    );
    const order = designEvents.map((e) => e.event_type);
    const doc = order.indexOf('design_document_generated');
    assert.ok(
      doc > order.indexOf('tool_call_progress') && doc < order.indexOf('tool_call_end'),
      order.join(','),
    );
    const generated = designEvents[doc];
    assert.ok(generated?.event_type === 'design_document_generated');
    assert.equal(generated.data.content, DOCUMENT, "the model's own document");
    assert.equal(generated.data.filename, 'design.md');
    assert.equal(generated.data.format, 'markdown');
    const planProgress = events.filter(
      (e) => e.event_type === 'tool_call_progress' && e.data.call_id === 'p1',
    );
    assert.equal(planProgress.length, 3);

    const end = conversationEnd(result);
    assert.ok(end.event_type === 'conversation_end');
    const messages = end.data.new_messages ?? [];
    assert.equal(messages.length, end.data.new_messages_count);
    assert.deepEqual(
      messages.map((m) => [m.role, m.tool_call_id ?? m.tool_calls?.[0]?.name ?? null]),
      [
        ['assistant', 'short_planning'],
        ['tool', 'p1'],
        ['assistant', 'design'],
        ['tool', 'd1'],
        ['assistant', null],
      ],
    );
    for (const message of messages) assert.ok(addedMessageSchema.safeParse(message).success);
    assert.equal(messages.at(-1)?.content, 'Done.');
    assert.equal(messages[3]?.name, 'design');
    assert.equal((JSON.parse(messages[3]?.content ?? '{}') as { content: string }).content, DOCUMENT);
    const updates = end.data.tool_execution_results_updates as Record<string, { document_id?: string }>;
    assert.equal(updates.design?.document_id, generated.data.document_id);
  });
});
