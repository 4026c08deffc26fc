import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { type Language, text } from '../protocol/index.ts';
import { calculatorTool } from './calculator.ts';
import { createCurrentTimeTool } from './current-time.ts';
import { type ExecuteContext, executeTool } from './execute.ts';
import type { Tool } from './tool.ts';

function context(options: { language?: Language; signal?: AbortSignal } = {}): {
  ctx: ExecuteContext;
  progress: Array<[string, number | undefined]>;
} {
  const progress: Array<[string, number | undefined]> = [];
  const ctx: ExecuteContext = {
    signal: options.signal ?? new AbortController().signal,
    progress: (message, fraction) => progress.push([message, fraction]),
    language: options.language ?? 'en',
    runId: 'run-1',
    callId: 'call-1',
  };
  return { ctx, progress };
}

const noInput = z.object({});

function tool(name: string, execute: Tool<Record<string, never>>['execute'], timeoutMs?: number): Tool {
  const t: Tool<Record<string, never>> = { name, description: name, inputSchema: noInput, execute };
  if (timeoutMs !== undefined) t.timeoutMs = timeoutMs;
  return t as Tool;
}

const calculator = calculatorTool as Tool;
const options = { timeoutMs: 5000 };

describe('executeTool', () => {
  test('completes with the result, timing and forwarded progress', async () => {
    const { ctx, progress } = context();
    const outcome = await executeTool(calculator, 'calculator', '{"expression":"17*23"}', ctx, options);
    assert.equal(outcome.status, 'completed');
    assert.deepEqual(outcome.result, { expression: '17*23', result: 391 });
    assert.equal(outcome.error, null);
    assert.ok(outcome.executionTime >= 0 && outcome.executionTime < 60);
    assert.deepEqual(progress, [['Evaluating 17*23', undefined]]);
  });

  test('empty arguments mean {}', async () => {
    const { ctx } = context();
    const outcome = await executeTool(createCurrentTimeTool() as Tool, 'current_time', '', ctx, options);
    assert.equal(outcome.status, 'completed');
    assert.equal((outcome.result as { timezone: string }).timezone, 'UTC');
  });

  test('an unknown tool fails in the run language', async () => {
    const { ctx } = context({ language: 'fr' });
    const outcome = await executeTool(undefined, 'teleport', '{}', ctx, options);
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.result, null);
    assert.equal(outcome.error, text('tool_unknown', 'fr', { tool: 'teleport' }));
  });

  test('bad JSON fails with tool_bad_arguments', async () => {
    const { ctx } = context();
    const outcome = await executeTool(calculator, 'calculator', '{"expression":', ctx, options);
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.error!, /^The arguments for calculator are invalid: not valid JSON/);
  });

  test('schema failures list the issues', async () => {
    const { ctx } = context({ language: 'zh' });
    const outcome = await executeTool(calculator, 'calculator', '{"expression":5}', ctx, options);
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.error!, /^calculator 的参数无效：expression: .*expected string/);
  });

  test('a throwing tool fails with its message', async () => {
    const { ctx } = context();
    const outcome = await executeTool(calculator, 'calculator', '{"expression":"1/0"}', ctx, options);
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.error, 'calculator failed: Division by zero at position 1');
  });

  test('a synchronous throw from a non-async execute also fails', async () => {
    const sync = tool('sync', (() => {
      throw new TypeError('boom');
    }) as unknown as Tool<Record<string, never>>['execute']);
    const outcome = await executeTool(sync, 'sync', '{}', context().ctx, options);
    assert.deepEqual([outcome.status, outcome.error], ['failed', 'sync failed: boom']);
  });

  test('a tool that ignores its signal still times out, and its signal is aborted', async () => {
    let seen: AbortSignal | undefined;
    const stuck = tool('stuck', (_input, toolCtx) => {
      seen = toolCtx.signal;
      return new Promise(() => {});
    });
    const outcome = await executeTool(stuck, 'stuck', '{}', context().ctx, { timeoutMs: 20 });
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.error, 'stuck did not finish within 0.02 seconds.');
    assert.equal(seen?.aborted, true);
    assert.equal((seen!.reason as Error).name, 'TimeoutError');
  });

  test("the tool's own timeoutMs overrides the default", async () => {
    const stuck = tool('stuck', () => new Promise(() => {}), 10);
    const outcome = await executeTool(stuck, 'stuck', '{}', context().ctx, { timeoutMs: 60_000 });
    assert.equal(outcome.error, 'stuck did not finish within 0.01 seconds.');
  });

  test('cancelling the run aborts the signal the tool watches', async () => {
    const run = new AbortController();
    let sawAborted = false;
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const watcher = tool(
      'watcher',
      (_input, toolCtx) =>
        new Promise((_resolve, reject) => {
          toolCtx.signal.addEventListener('abort', () => {
            sawAborted = toolCtx.signal.aborted;
            reject(new Error('stopped'));
          });
          started();
        }),
    );
    const { ctx } = context({ signal: run.signal, language: 'es' });
    const pending = executeTool(watcher, 'watcher', '{}', ctx, options);
    await running;
    run.abort();
    const outcome = await pending;
    assert.equal(outcome.status, 'cancelled');
    assert.equal(outcome.error, text('tool_cancelled', 'es', { tool: 'watcher' }));
    assert.equal(sawAborted, true);
  });

  test('a tool that ignores cancellation is still reported cancelled', async () => {
    const run = new AbortController();
    const stuck = tool('stuck', () => {
      queueMicrotask(() => run.abort());
      return new Promise(() => {});
    });
    const outcome = await executeTool(stuck, 'stuck', '{}', context({ signal: run.signal }).ctx, options);
    assert.equal(outcome.status, 'cancelled');
  });

  test('an already-cancelled run does not start the tool', async () => {
    const run = new AbortController();
    run.abort();
    let ran = false;
    const t = tool('t', async () => {
      ran = true;
      return 1;
    });
    const outcome = await executeTool(t, 't', '{}', context({ signal: run.signal }).ctx, options);
    assert.equal(outcome.status, 'cancelled');
    assert.equal(ran, false);
  });

  test('non-serialisable results fail', async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    for (const value of [{ big: 1n }, circular]) {
      const t = tool('t', async () => value);
      const outcome = await executeTool(t, 't', '{}', context().ctx, options);
      assert.equal(outcome.status, 'failed');
      assert.match(outcome.error!, /^t failed: result is not JSON-serialisable/);
    }
  });

  test('results are what JSON makes of them', async () => {
    const date = new Date(Date.UTC(2026, 10, 21));
    const t = tool('t', async () => ({ at: date, skip: undefined }));
    assert.deepEqual((await executeTool(t, 't', '{}', context().ctx, options)).result, {
      at: date.toISOString(),
    });
    const nothing = tool('nothing', async () => undefined);
    const outcome = await executeTool(nothing, 'nothing', '{}', context().ctx, options);
    assert.deepEqual([outcome.status, outcome.result], ['completed', null]);
  });

  test('progress fractions are clamped, and progress after the outcome is dropped', async () => {
    const run = new AbortController();
    const chatty = tool('chatty', (_input, toolCtx) => {
      toolCtx.progress('half', 0.5);
      toolCtx.progress('over', 7);
      toolCtx.progress('nan', Number.NaN);
      toolCtx.signal.addEventListener('abort', () => toolCtx.progress('too late', 1));
      queueMicrotask(() => run.abort());
      return new Promise(() => {});
    });
    const { ctx, progress } = context({ signal: run.signal });
    const outcome = await executeTool(chatty, 'chatty', '{}', ctx, options);
    assert.equal(outcome.status, 'cancelled');
    assert.deepEqual(progress, [
      ['half', 0.5],
      ['over', 1],
      ['nan', undefined],
    ]);
  });
});
