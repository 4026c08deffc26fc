import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { z } from 'zod';
import type { CanonicalEvent } from '../src/protocol/index.ts';
import type { Tool } from '../src/tools/index.ts';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream.ts';
import { createSession, json, startTestServer, type TestServer } from './support/sluice.ts';
import { answerText, readStream } from './support/sse.ts';

/**
 * The whole pipeline against the OpenAI-compatible provider, talking to a loopback server that
 * speaks the real Chat Completions streaming format and fails the ways real upstreams fail.
 */
describe('runs on an OpenAI-compatible upstream', () => {
  let upstream: FakeUpstream;
  let t: TestServer;
  let slowToolSignal: AbortSignal | undefined;
  let slowToolStarted: (() => void) | undefined;

  const slowTool: Tool<Record<string, never>> = {
    name: 'slow_probe',
    description: 'Waits until cancelled; lets tests see the abort reach a running tool.',
    inputSchema: z.object({}),
    execute(_input, ctx) {
      slowToolSignal = ctx.signal;
      slowToolStarted?.();
      return new Promise((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      });
    },
  };

  before(async () => {
    upstream = await startFakeUpstream();
    t = await startTestServer({
      openai: {
        api_key: 'sk-test-not-a-real-key',
        base_url: upstream.url,
        max_retries: 0,
        idle_timeout_ms: 400,
      },
      agents: [
        {
          id: 'prober',
          name: 'Prober',
          system_prompt: 'You test things.',
          tools: ['calculator', 'slow_probe'],
        },
      ],
    });
    t.server.ctx.tools.register(slowTool as Tool);
  });
  after(async () => {
    await t.close();
    await upstream.close();
  });
  beforeEach(() => {
    upstream.requests.length = 0;
  });

  async function run(message: string, agent = 'assistant', until?: (events: CanonicalEvent[]) => boolean) {
    const session = await createSession(t.url, { agent_id: agent });
    const stream = await readStream(`${t.url}/api/sessions/${session}/runs`, {
      body: { message },
      ...(until ? { until } : {}),
    });
    return { session, stream, events: stream.events };
  }

  test('tool call fragments are reassembled, the result goes back upstream, usage is recorded', async () => {
    upstream.enqueue(
      {
        kind: 'stream',
        toolCalls: [{ id: 'call_abc', name: 'calculator', arguments: ['{"expre', 'ssion": "17*', '23"}'] }],
        usage: { prompt_tokens: 40, completion_tokens: 9 },
      },
      { kind: 'stream', text: ['17*23', ' is', ' 391.'], usage: { prompt_tokens: 60, completion_tokens: 5 } },
    );
    const { events, session } = await run('what is 17*23?');
    const start = events.find((e) => e.event_type === 'tool_call_start');
    assert.ok(start?.event_type === 'tool_call_start');
    assert.equal(start.data.call_id, 'call_abc');
    assert.deepEqual(start.data.arguments, { expression: '17*23' });
    const end = events.find((e) => e.event_type === 'tool_call_end');
    assert.ok(end?.event_type === 'tool_call_end' && end.data.status === 'completed');
    assert.equal(answerText(events), '17*23 is 391.');

    // What went upstream: the tools, usage requested, then the tool result tied to the call id.
    const [first, second] = upstream.requests;
    assert.equal(first?.body.model, 'gpt-4o-mini');
    assert.equal(first?.body.stream, true);
    assert.deepEqual(first?.body.stream_options, { include_usage: true });
    assert.ok(
      first?.body.tools.some((tool: { function: { name: string } }) => tool.function.name === 'calculator'),
    );
    assert.equal(first?.headers.authorization, 'Bearer sk-test-not-a-real-key');
    const toolMessage = second?.body.messages.at(-1);
    assert.equal(toolMessage.role, 'tool');
    assert.equal(toolMessage.tool_call_id, 'call_abc');
    assert.match(toolMessage.content, /391/);
    assert.equal(second?.body.messages.at(-2).tool_calls[0].function.arguments, '{"expression": "17*23"}');

    const last = events.at(-1);
    assert.ok(last?.event_type === 'conversation_end');
    assert.deepEqual(
      { input: last.data.usage.input_tokens, output: last.data.usage.output_tokens },
      { input: 100, output: 14 },
    );
    assert.ok(last.data.usage.total_cost > 0, 'priced from the gpt-4o-mini row');
    const runId = events[0]?.run_id;
    const { body: stored } = await json<{ usage: { input_tokens: number; output_tokens: number } }>(
      `${t.url}/api/runs/${runId}`,
    );
    assert.equal(stored.usage.input_tokens, 100);
    assert.equal(stored.usage.output_tokens, 14);
    const { body } = await json<{ messages: { role: string }[] }>(`${t.url}/api/sessions/${session}`);
    assert.deepEqual(
      body.messages.map((m) => m.role),
      ['user', 'assistant', 'tool', 'assistant'],
    );
  });

  test('a server that reports no usage is counted locally', async () => {
    upstream.enqueue({ kind: 'stream', text: ['Hello', ' there'], usage: 'none' });
    const { events } = await run('hi');
    const last = events.at(-1);
    assert.ok(last?.event_type === 'conversation_end');
    assert.ok(last.data.usage.input_tokens > 0);
    assert.ok(last.data.usage.output_tokens > 0);
  });

  test('usage in a chunk with choices: null is read', async () => {
    upstream.enqueue({
      kind: 'stream',
      text: ['ok'],
      usage: { prompt_tokens: 7, completion_tokens: 1 },
      usagePlacement: 'null-choices',
    });
    const { events } = await run('hi');
    const last = events.at(-1);
    assert.ok(last?.event_type === 'conversation_end');
    assert.equal(last.data.usage.input_tokens, 7);
  });

  const faults = [
    {
      name: 'HTTP 500 before the stream',
      scenario: { kind: 'http-error', status: 500, message: 'boom' },
      code: 'upstream_error',
      partial: '',
    },
    {
      name: 'HTTP 429 before the stream',
      scenario: { kind: 'http-error', status: 429, headers: { 'retry-after-ms': '10' } },
      code: 'upstream_rate_limited',
      partial: '',
    },
    {
      name: 'a connection reset mid-stream',
      scenario: {
        kind: 'stream',
        text: ['Partial', ' answer', ' lost'],
        delayMs: 30,
        fault: { kind: 'reset', afterChunks: 3 },
      },
      code: 'upstream_error',
      partial: 'Partial answer',
    },
    {
      name: 'a malformed chunk',
      scenario: {
        kind: 'stream',
        text: ['Partial', ' answer', ' lost'],
        fault: { kind: 'malformed', afterChunks: 3 },
      },
      code: 'upstream_malformed',
      partial: 'Partial answer',
    },
    {
      name: 'a stall past the idle timeout',
      scenario: {
        kind: 'stream',
        text: ['Partial', ' answer', ' lost'],
        fault: { kind: 'stall', afterChunks: 3 },
      },
      code: 'upstream_timeout',
      partial: 'Partial answer',
    },
    {
      name: 'an error object inside the stream',
      scenario: {
        kind: 'stream',
        text: ['Partial', ' answer', ' lost'],
        fault: { kind: 'error-object', afterChunks: 3, message: 'overloaded' },
      },
      code: 'upstream_error',
      partial: 'Partial answer',
    },
  ] as const;

  for (const fault of faults) {
    test(`${fault.name}: error event, failed run, partial answer kept, clean end`, async () => {
      upstream.enqueue(fault.scenario as Parameters<FakeUpstream['enqueue']>[0]);
      const { events, session } = await run('tell me something');
      const error = events.find((e) => e.event_type === 'error');
      assert.ok(error?.event_type === 'error', 'an error event');
      assert.equal(error.data.code, fault.code);
      assert.ok(error.data.error_message.length > 0);
      assert.ok(!error.data.error_message.includes('sk-test'), 'no key in messages');
      const last = events.at(-1);
      assert.ok(last?.event_type === 'conversation_end', 'the stream ends cleanly');
      assert.equal(last.data.status, 'failed');
      assert.equal(last.data.success, false);
      const { body: stored } = await json<{ status: string; error_code: string }>(
        `${t.url}/api/runs/${events[0]?.run_id}`,
      );
      assert.equal(stored.status, 'failed');
      assert.equal(stored.error_code, fault.code);
      assert.equal(answerText(events), fault.partial);
      const { body } = await json<{ messages: { role: string; content: string }[] }>(
        `${t.url}/api/sessions/${session}`,
      );
      if (fault.partial) assert.equal(body.messages.at(-1)?.content, fault.partial);
      else
        assert.deepEqual(
          body.messages.map((m) => m.role),
          ['user'],
        );
    });
  }

  test('cancelling mid-stream aborts the upstream request', async () => {
    upstream.enqueue({ kind: 'stream', text: Array.from({ length: 200 }, (_, i) => ` w${i}`), delayMs: 20 });
    let runId = '';
    const session = await createSession(t.url);
    const streaming = readStream(`${t.url}/api/sessions/${session}/runs`, {
      body: { message: 'go on' },
      until: (events) => {
        runId = events[0]?.run_id ?? '';
        if (events.filter((e) => e.event_type === 'assistant_message_chunk').length === 3) {
          void json(`${t.url}/api/runs/${runId}/cancel`, { method: 'POST' });
        }
        return false;
      },
    });
    const { events } = await streaming;
    const last = events.at(-1);
    assert.ok(last?.event_type === 'conversation_end');
    assert.equal(last.data.status, 'cancelled');
    assert.equal(
      await upstream.requests[0]?.outcome,
      'client-closed',
      'the upstream saw the request aborted',
    );
    const { body } = await json<{ messages: { content: string; metadata: { finish_reason: string } }[] }>(
      `${t.url}/api/sessions/${session}`,
    );
    assert.equal(body.messages.at(-1)?.content, answerText(events));
    assert.equal(body.messages.at(-1)?.metadata.finish_reason, 'cancelled');
  });

  test('cancelling during a tool call aborts the running tool through its signal', async () => {
    upstream.enqueue({
      kind: 'stream',
      toolCalls: [{ id: 'call_slow', name: 'slow_probe', arguments: ['{}'] }],
    });
    const started = new Promise<void>((resolve) => {
      slowToolStarted = resolve;
    });
    const session = await createSession(t.url, { agent_id: 'prober' });
    const streaming = readStream(`${t.url}/api/sessions/${session}/runs`, { body: { message: 'probe' } });
    await started;
    const { body: detail } = await json<{ active_run_id: string }>(`${t.url}/api/sessions/${session}`);
    await json(`${t.url}/api/runs/${detail.active_run_id}/cancel`, { method: 'POST' });
    const { events } = await streaming;
    assert.equal(slowToolSignal?.aborted, true, 'the tool saw the abort');
    const end = events.find((e) => e.event_type === 'tool_call_end');
    assert.ok(end?.event_type === 'tool_call_end');
    assert.equal(end.data.status, 'cancelled');
    const last = events.at(-1);
    assert.ok(last?.event_type === 'conversation_end' && last.data.status === 'cancelled');
  });
});
