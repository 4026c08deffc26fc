import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { ScriptedProvider, textStep, toolStep } from '../../test/support/scripted-provider.ts';
import { DEFAULT_PRICES } from '../llm/index.ts';
import { type EventDraft, SluiceError } from '../protocol/index.ts';
import { builtinTools, type Tool, ToolRegistry } from '../tools/index.ts';
import type { AgentDefinition } from './definition.ts';
import { type AgentRunInput, runAgent } from './loop.ts';
import { PRESET_AGENTS } from './presets.ts';

const assistant = PRESET_AGENTS.find((a) => a.id === 'assistant') as AgentDefinition;

function setup(provider: ScriptedProvider, overrides: Partial<AgentRunInput> = {}, extraTools: Tool[] = []) {
  const events: EventDraft[] = [];
  const tools = new ToolRegistry();
  for (const tool of [...builtinTools(), ...extraTools]) tools.register(tool);
  const controller = new AbortController();
  const input: AgentRunInput = {
    runId: 'run-1',
    agent: { ...assistant, tools: [...assistant.tools, ...extraTools.map((t) => t.name)] },
    provider,
    model: 'gpt-4o-mini',
    tools,
    history: [],
    input: 'what is 17*23?',
    language: 'en',
    signal: controller.signal,
    sink: { emit: (event) => events.push(event) },
    limits: { maxSteps: 4, toolTimeoutMs: 5000, toolResultChars: 1000 },
    prices: DEFAULT_PRICES,
    ...overrides,
  };
  return { events, controller, input, types: () => events.map((e) => e.event_type) };
}

describe('agent loop', () => {
  test('streams a text answer as a start/chunk/end triplet and counts tokens locally', async () => {
    const provider = new ScriptedProvider([textStep('Hello', ', ', 'world.')]);
    const { input, events, types } = setup(provider, { input: 'hi' });
    const result = await runAgent(input);
    assert.equal(result.status, 'completed');
    assert.equal(result.answer, 'Hello, world.');
    assert.deepEqual(types(), [
      'processing_status',
      'assistant_message_start',
      'assistant_message_chunk',
      'assistant_message_chunk',
      'assistant_message_chunk',
      'assistant_message_end',
    ]);
    const end = events.at(-1);
    assert.ok(end?.event_type === 'assistant_message_end');
    assert.equal(end.data.complete_message, 'Hello, world.');
    assert.equal(end.data.message_metadata.finish_reason, 'stop');
    assert.ok(result.usage.input_tokens > 0 && result.usage.output_tokens > 0, 'counted locally');
    assert.ok(result.usage.total_cost > 0, 'priced from the table');
    // The model saw the system prompt in the run's language, then the user's text.
    assert.equal(provider.requests[0]?.messages[0]?.role, 'system');
    assert.equal(provider.requests[0]?.messages.at(-1)?.content, 'hi');
  });

  test('uses the usage the provider reports instead of counting', async () => {
    const provider = new ScriptedProvider([
      {
        chunks: [
          { type: 'text-delta', text: 'ok' },
          { type: 'usage', inputTokens: 11, outputTokens: 7 },
          { type: 'finish', reason: 'stop' },
        ],
      },
    ]);
    const { input } = setup(provider);
    const result = await runAgent(input);
    assert.equal(result.usage.input_tokens, 11);
    assert.equal(result.usage.output_tokens, 7);
    assert.equal(result.usage.total_tokens, 18);
  });

  test('calls the calculator, feeds the result back, and answers', async () => {
    const provider = new ScriptedProvider([
      toolStep([{ id: 'call_1', name: 'calculator', arguments: '{"expression":"17*23"}' }]),
      textStep('17*23 = 391.'),
    ]);
    const { input, events, types } = setup(provider);
    const result = await runAgent(input);
    assert.equal(result.status, 'completed');
    assert.ok(types().includes('tool_call_start'));
    const end = events.find((e) => e.event_type === 'tool_call_end');
    assert.ok(end?.event_type === 'tool_call_end');
    assert.equal(end.data.status, 'completed');
    assert.deepEqual((end.data.result as { result: number }).result, 391);
    const start = events.find((e) => e.event_type === 'tool_call_start');
    assert.ok(start?.event_type === 'tool_call_start');
    assert.deepEqual(start.data.arguments, { expression: '17*23' });
    // The second model call carries the assistant's tool call and the tool's result.
    const second = provider.requests[1]?.messages ?? [];
    const toolMessage = second.at(-1);
    assert.equal(toolMessage?.role, 'tool');
    assert.match(toolMessage?.content ?? '', /391/);
    assert.equal(second.at(-2)?.role, 'assistant');
    // Stored: assistant with tool_calls, tool result, final answer.
    assert.deepEqual(
      result.messages.map((m) => m.message.role),
      ['assistant', 'tool', 'assistant'],
    );
    assert.equal(result.toolResults[0]?.tool_name, 'calculator');
  });

  test('a failing tool becomes a failed tool_call_end and its error goes back to the model', async () => {
    const broken: Tool<{ x: number }> = {
      name: 'broken',
      description: 'always fails',
      inputSchema: z.object({ x: z.number() }),
      async execute() {
        throw new Error('disk on fire');
      },
    };
    const provider = new ScriptedProvider([
      toolStep([
        { id: 'c1', name: 'broken', arguments: '{"x":1}' },
        { id: 'c2', name: 'no_such_tool', arguments: '{}' },
      ]),
      textStep('Sorry, that failed.'),
    ]);
    const { input, events } = setup(provider, {}, [broken as Tool]);
    const result = await runAgent(input);
    assert.equal(result.status, 'completed');
    const ends = events.filter((e) => e.event_type === 'tool_call_end');
    assert.equal(ends.length, 2);
    for (const end of ends) {
      assert.ok(end.event_type === 'tool_call_end');
      assert.equal(end.data.status, 'failed');
      assert.ok(end.data.error_message);
    }
    const toolMessages = provider.requests[1]?.messages.filter((m) => m.role === 'tool') ?? [];
    assert.match(toolMessages[0]?.content ?? '', /disk on fire/);
    assert.match(toolMessages[1]?.content ?? '', /no_such_tool/);
  });

  test('an upstream failure mid-stream keeps the partial answer and emits an error event', async () => {
    const provider = new ScriptedProvider([
      {
        chunks: [
          { type: 'text-delta', text: 'Partial ' },
          { type: 'text-delta', text: 'answer' },
        ],
        throwAfter: new SluiceError('upstream_error', { reason: 'connection reset' }),
      },
    ]);
    const { input, events } = setup(provider);
    const result = await runAgent(input);
    assert.equal(result.status, 'failed');
    assert.equal(result.answer, 'Partial answer');
    assert.equal(result.error?.code, 'upstream_error');
    const end = events.find((e) => e.event_type === 'assistant_message_end');
    assert.ok(end?.event_type === 'assistant_message_end');
    assert.equal(end.data.message_metadata.finish_reason, 'error');
    const error = events.at(-1);
    assert.ok(error?.event_type === 'error');
    assert.equal(error.data.code, 'upstream_error');
    assert.equal(error.data.retryable, true);
    assert.equal(result.messages[0]?.message.content, 'Partial answer');
  });

  test('cancelling mid-stream aborts the model call and keeps the partial answer', async () => {
    const provider = new ScriptedProvider([{ ...textStep('one ', 'two ', 'three ', 'four'), delayMs: 20 }]);
    const { input, controller, events } = setup(provider);
    const running = runAgent(input);
    while (!events.some((e) => e.event_type === 'assistant_message_chunk'))
      await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    const result = await running;
    assert.equal(result.status, 'cancelled');
    assert.equal(result.finishReason, 'cancelled');
    assert.ok(provider.signals[0]?.aborted, 'the model request saw the abort');
    assert.ok(result.answer.startsWith('one'));
    assert.notEqual(result.answer, 'one two three four');
    assert.equal(result.messages[0]?.metadata.finish_reason, 'cancelled');
  });

  test('cancelling during a tool call aborts the tool through its signal', async () => {
    let toolSignal: AbortSignal | undefined;
    let started!: () => void;
    const startedPromise = new Promise<void>((resolve) => {
      started = resolve;
    });
    const slow: Tool<Record<string, never>> = {
      name: 'slow',
      description: 'waits for its signal',
      inputSchema: z.object({}),
      execute(_input, ctx) {
        toolSignal = ctx.signal;
        started();
        return new Promise((_resolve, reject) =>
          ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))),
        );
      },
    };
    const provider = new ScriptedProvider([toolStep([{ id: 's1', name: 'slow', arguments: '{}' }])]);
    const { input, controller, events } = setup(provider, {}, [slow as Tool]);
    const running = runAgent(input);
    await startedPromise;
    controller.abort();
    const result = await running;
    assert.equal(result.status, 'cancelled');
    assert.equal(toolSignal?.aborted, true);
    const end = events.find((e) => e.event_type === 'tool_call_end');
    assert.ok(end?.event_type === 'tool_call_end');
    assert.equal(end.data.status, 'cancelled');
  });

  test('the last step is offered no tools; a model that still calls one fails the run', async () => {
    const call = { id: 'x', name: 'calculator', arguments: '{"expression":"1+1"}' };
    const provider = new ScriptedProvider([toolStep([call]), toolStep([{ ...call, id: 'y' }])]);
    const { input } = setup(provider, {
      limits: { maxSteps: 2, toolTimeoutMs: 1000, toolResultChars: 1000 },
    });
    const result = await runAgent(input);
    assert.equal(provider.requests[0]?.tools.length, 2);
    assert.equal(provider.requests[1]?.tools.length, 0);
    assert.equal(result.status, 'failed');
    assert.equal(result.error?.code, 'max_steps_exceeded');
  });

  test('tool results over the limit are truncated for the model and kept whole for the store', async () => {
    const big: Tool<Record<string, never>> = {
      name: 'big',
      description: 'returns a lot',
      inputSchema: z.object({}),
      async execute() {
        return 'x'.repeat(5000);
      },
    };
    const provider = new ScriptedProvider([
      toolStep([{ id: 'b', name: 'big', arguments: '{}' }]),
      textStep('done'),
    ]);
    const { input } = setup(provider, {}, [big as Tool]);
    const result = await runAgent(input);
    const seen = provider.requests[1]?.messages.at(-1)?.content ?? '';
    assert.ok(seen.length < 1200 && seen.includes('truncated'));
    const stored = result.messages.find((m) => m.message.role === 'tool');
    assert.equal(stored?.message.content.length, 5002);
  });
});
