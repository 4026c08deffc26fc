import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeUpstream, type Scenario, startFakeUpstream } from '../../test/support/fake-upstream.ts';
import { SluiceError } from '../protocol/index.ts';
import {
  isReasoningModel,
  mapFinishReason,
  OpenAiProvider,
  type OpenAiProviderOptions,
} from './openai-provider.ts';
import type { LlmChunk, LlmRequest } from './provider.ts';

const API_KEY = 'sk-test-0123456789abcdef';

let upstream: FakeUpstream;
before(async () => {
  upstream = await startFakeUpstream();
});
after(() => upstream.close());

function provider(options: Partial<OpenAiProviderOptions> = {}): OpenAiProvider {
  return new OpenAiProvider({ apiKey: API_KEY, baseURL: upstream.url, maxRetries: 0, ...options });
}

function request(overrides: Partial<LlmRequest> = {}): LlmRequest {
  return {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Hi' }],
    tools: [],
    language: 'en',
    signal: new AbortController().signal,
    ...overrides,
  };
}

interface Outcome {
  chunks: LlmChunk[];
  error: SluiceError | undefined;
}

async function run(p: OpenAiProvider, req: LlmRequest = request()): Promise<Outcome> {
  const chunks: LlmChunk[] = [];
  try {
    for await (const chunk of p.stream(req)) chunks.push(chunk);
    return { chunks, error: undefined };
  } catch (err) {
    assert.ok(err instanceof SluiceError, `expected a SluiceError, got ${String(err)}`);
    return { chunks, error: err };
  }
}

/** Runs one request against freshly queued scenarios; returns what the fake saw too. */
async function scripted(
  scenarios: Scenario[],
  options: Partial<OpenAiProviderOptions> = {},
  req?: LlmRequest,
) {
  const first = upstream.requests.length;
  upstream.enqueue(...scenarios);
  const outcome = await run(provider(options), req);
  return { ...outcome, seen: upstream.requests.slice(first) };
}

const text = (chunks: LlmChunk[]) => chunks.map((c) => (c.type === 'text-delta' ? c.text : '')).join('');
const ofType = <T extends LlmChunk['type']>(chunks: LlmChunk[], type: T) =>
  chunks.filter((c): c is Extract<LlmChunk, { type: T }> => c.type === type);

describe('OpenAiProvider: streams', () => {
  test('reassembles text, reports usage, finishes last with stop', async () => {
    const { chunks, error } = await scripted([
      {
        kind: 'stream',
        text: ['Hel', 'lo, ', '世界', '!'],
        usage: { prompt_tokens: 9, completion_tokens: 4 },
      },
    ]);
    assert.equal(error, undefined);
    assert.equal(text(chunks), 'Hello, 世界!');
    assert.deepEqual(ofType(chunks, 'text-delta').length, 4, 'the empty role chunk yields nothing');
    assert.deepEqual(chunks.at(-2), { type: 'usage', inputTokens: 9, outputTokens: 4 });
    assert.deepEqual(chunks.at(-1), { type: 'finish', reason: 'stop' });
  });

  test('sends model, messages, tools, stream_options, temperature and max_tokens', async () => {
    const req = request({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is 17*23?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ id: 'call_1', name: 'calc', arguments: '{"expression":"17*23"}' }],
        },
        { role: 'tool', content: '391', tool_call_id: 'call_1', name: 'calc' },
      ],
      tools: [
        {
          name: 'calc',
          description: 'Evaluates arithmetic.',
          parameters: { type: 'object', properties: {} },
        },
      ],
      temperature: 0.3,
      maxTokens: 200,
    });
    const { seen } = await scripted([{ kind: 'stream', text: ['391'] }], {}, req);
    const sent = seen[0];
    assert.ok(sent);
    assert.equal(sent.headers.authorization, `Bearer ${API_KEY}`);
    assert.equal(sent.body.model, 'gpt-4o-mini');
    assert.equal(sent.body.stream, true);
    assert.deepEqual(sent.body.stream_options, { include_usage: true });
    assert.equal(sent.body.temperature, 0.3);
    assert.equal(sent.body.max_tokens, 200);
    assert.deepEqual(sent.body.tools, [
      {
        type: 'function',
        function: {
          name: 'calc',
          description: 'Evaluates arithmetic.',
          parameters: { type: 'object', properties: {} },
        },
      },
    ]);
    assert.deepEqual(sent.body.messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'What is 17*23?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'calc', arguments: '{"expression":"17*23"}' } },
        ],
      },
      { role: 'tool', content: '391', tool_call_id: 'call_1' },
    ]);
  });

  test('omits tools when there are none; reasoning models get max_completion_tokens and no temperature', async () => {
    const { seen } = await scripted(
      [{ kind: 'stream', text: ['ok'] }],
      {},
      request({ model: 'o4-mini', temperature: 0.5, maxTokens: 50 }),
    );
    const body = seen[0]?.body ?? {};
    assert.equal('tools' in body, false);
    assert.equal('temperature' in body, false);
    assert.equal('max_tokens' in body, false);
    assert.equal(body.max_completion_tokens, 50);
  });

  test('reassembles several tool calls split mid-JSON, with id and name only in the first fragment', async () => {
    const { chunks, error } = await scripted([
      {
        kind: 'stream',
        text: ['Let me compute.'],
        toolCalls: [
          { id: 'call_a', name: 'calc', arguments: ['{"expre', 'ssion": "17*', '23"}'] },
          { id: 'call_b', name: 'clock', arguments: ['{"zone":', ' "UTC"}'] },
        ],
      },
    ]);
    assert.equal(error, undefined);
    assert.equal(text(chunks), 'Let me compute.');
    const deltas = ofType(chunks, 'tool-call-delta');
    assert.deepEqual(deltas[0], {
      type: 'tool-call-delta',
      index: 0,
      id: 'call_a',
      name: 'calc',
      argumentsDelta: '',
    });
    assert.deepEqual(deltas[1], { type: 'tool-call-delta', index: 0, argumentsDelta: '{"expre' });
    assert.equal(deltas.length, 7);
    assert.deepEqual(ofType(chunks, 'tool-call'), [
      { type: 'tool-call', call: { id: 'call_a', name: 'calc', arguments: '{"expression": "17*23"}' } },
      { type: 'tool-call', call: { id: 'call_b', name: 'clock', arguments: '{"zone": "UTC"}' } },
    ]);
    assert.deepEqual(chunks.at(-1), { type: 'finish', reason: 'tool_calls' });
    const order = chunks.map((c) => c.type);
    assert.ok(
      order.indexOf('tool-call') > order.lastIndexOf('tool-call-delta'),
      'complete calls follow all deltas',
    );
  });

  test('keys interleaved fragments by index; yields arguments that are not JSON as they are', async () => {
    const { chunks } = await scripted([
      {
        kind: 'stream',
        interleaveToolCalls: true,
        finishReason: 'stop',
        toolCalls: [
          { id: 'call_x', name: 'calc', arguments: ['{"a":', ' 1}'] },
          { id: 'call_y', name: 'calc', arguments: ['{"b": 2', ', oops'] },
        ],
      },
    ]);
    assert.deepEqual(
      ofType(chunks, 'tool-call').map((c) => c.call),
      [
        { id: 'call_x', name: 'calc', arguments: '{"a": 1}' },
        { id: 'call_y', name: 'calc', arguments: '{"b": 2, oops' },
      ],
    );
    assert.deepEqual(
      chunks.at(-1),
      { type: 'finish', reason: 'tool_calls' },
      'stop with calls means tool_calls',
    );
  });

  for (const usagePlacement of ['empty-choices', 'null-choices', 'finish-chunk'] as const) {
    test(`reads usage sent with ${usagePlacement}`, async () => {
      const { chunks, error } = await scripted([
        {
          kind: 'stream',
          text: ['a', 'b'],
          usage: { prompt_tokens: 30, completion_tokens: 2 },
          usagePlacement,
        },
      ]);
      assert.equal(error, undefined);
      assert.deepEqual(ofType(chunks, 'usage'), [{ type: 'usage', inputTokens: 30, outputTokens: 2 }]);
      assert.deepEqual(chunks.at(-1), { type: 'finish', reason: 'stop' });
    });
  }

  test('a server that reports no usage yields none', async () => {
    const { chunks } = await scripted([{ kind: 'stream', text: ['a'], usage: 'none' }]);
    assert.deepEqual(ofType(chunks, 'usage'), []);
    assert.deepEqual(chunks.at(-1), { type: 'finish', reason: 'stop' });
  });

  test('maps finish reasons; a stream without one finishes with stop', async () => {
    const { chunks } = await scripted([{ kind: 'stream', text: ['cut'], finishReason: 'length' }]);
    assert.deepEqual(chunks.at(-1), { type: 'finish', reason: 'length' });
    const none = await scripted([{ kind: 'stream', text: ['x'], finishReason: null }]);
    assert.deepEqual(none.chunks.at(-1), { type: 'finish', reason: 'stop' });
    assert.equal(mapFinishReason('content_filter', false), 'content_filter');
    assert.equal(mapFinishReason('function_call', false), 'tool_calls');
    assert.equal(mapFinishReason(undefined, true), 'tool_calls');
    assert.equal(mapFinishReason('eos', false), 'stop');
  });

  test('ignores proxy comment lines between frames', async () => {
    const { chunks, error } = await scripted([{ kind: 'stream', text: ['x', 'y'], comments: true }]);
    assert.equal(error, undefined);
    assert.equal(text(chunks), 'xy');
  });

  test('a consumer that stops early closes the upstream connection', async () => {
    upstream.enqueue({ kind: 'stream', text: ['a', 'b', 'c', 'd'], delayMs: 20 });
    const first = upstream.requests.length;
    for await (const chunk of provider().stream(request())) {
      if (chunk.type === 'text-delta') break;
    }
    assert.equal(await upstream.requests[first]?.outcome, 'client-closed');
  });
});

describe('OpenAiProvider: failures', () => {
  const serverError: Scenario = {
    kind: 'http-error',
    status: 500,
    message: 'The server had an error while processing your request.',
    headers: { 'retry-after-ms': '5' },
  };

  test('500 without retries: one request, upstream_error with status and message', async () => {
    const { error, chunks, seen } = await scripted([serverError], { maxRetries: 0 });
    assert.equal(seen.length, 1);
    assert.equal(chunks.length, 0);
    assert.equal(error?.code, 'upstream_error');
    assert.equal(error?.params.reason, 'HTTP 500: The server had an error while processing your request.');
    assert.deepEqual(error?.details, { status: 500 });
    assert.ok(error?.cause instanceof Error);
  });

  test('500 with one retry: two requests, then upstream_error', async () => {
    const { error, seen } = await scripted([serverError, serverError], { maxRetries: 1 });
    assert.equal(seen.length, 2);
    assert.equal(error?.code, 'upstream_error');
  });

  test('429 with a short retry-after-ms is retried and then succeeds', async () => {
    const { error, chunks, seen } = await scripted(
      [
        { kind: 'http-error', status: 429, type: 'rate_limit_exceeded', headers: { 'retry-after-ms': '10' } },
        { kind: 'stream', text: ['after', ' waiting'] },
      ],
      { maxRetries: 2 },
    );
    assert.equal(error, undefined);
    assert.equal(seen.length, 2);
    assert.equal(text(chunks), 'after waiting');
  });

  test('429 honours retry-after in seconds; out of retries it is upstream_rate_limited', async () => {
    const limited: Scenario = {
      kind: 'http-error',
      status: 429,
      message: 'Slow down',
      headers: { 'retry-after': '0' },
    };
    const { error, seen } = await scripted([limited, limited], { maxRetries: 1 });
    assert.equal(seen.length, 2);
    assert.equal(error?.code, 'upstream_rate_limited');
    assert.equal(error?.details?.status, 429);
  });

  test('a reset mid-stream is upstream_error, after the text before it was yielded, and is not retried', async () => {
    const { error, chunks, seen } = await scripted(
      [
        {
          kind: 'stream',
          text: ['one ', 'two ', 'three'],
          delayMs: 20,
          fault: { kind: 'reset', afterChunks: 3 },
        },
      ],
      { maxRetries: 2 },
    );
    assert.equal(text(chunks), 'one two ');
    assert.equal(error?.code, 'upstream_error');
    assert.match(String(error?.params.reason), /stream broke/);
    assert.equal(seen.length, 1);
    assert.equal(await seen[0]?.outcome, 'server-reset');
  });

  test('a malformed chunk is upstream_malformed', async () => {
    const { error, chunks } = await scripted([
      { kind: 'stream', text: ['fine'], fault: { kind: 'malformed', afterChunks: 2 } },
    ]);
    assert.equal(text(chunks), 'fine');
    assert.equal(error?.code, 'upstream_malformed');
    assert.match(String(error?.params.reason), /not valid JSON/);
  });

  test('an error object inside the stream is upstream_error with its message', async () => {
    const { error, chunks } = await scripted([
      {
        kind: 'stream',
        text: ['partial'],
        fault: { kind: 'error-object', afterChunks: 2, message: 'Model overloaded' },
      },
    ]);
    assert.equal(text(chunks), 'partial');
    assert.equal(error?.code, 'upstream_error');
    assert.equal(error?.params.reason, 'Model overloaded');
  });

  test('a stall longer than idleTimeoutMs is upstream_timeout and closes the upstream connection', async () => {
    const { error, chunks, seen } = await scripted(
      [{ kind: 'stream', text: ['slow'], fault: { kind: 'stall', afterChunks: 2 } }],
      { idleTimeoutMs: 200 },
    );
    assert.equal(text(chunks), 'slow');
    assert.equal(error?.code, 'upstream_timeout');
    assert.equal(error?.params.seconds, 0.2);
    assert.equal(await seen[0]?.outcome, 'client-closed');
  });

  test('headers later than timeoutMs are upstream_timeout', async () => {
    const { error, seen } = await scripted([{ kind: 'stream', text: ['late'], headersDelayMs: 5_000 }], {
      timeoutMs: 150,
    });
    assert.equal(error?.code, 'upstream_timeout');
    assert.equal(error?.params.seconds, 0.15);
    assert.equal(await seen[0]?.outcome, 'client-closed');
  });

  test('aborting mid-stream is run_cancelled and the upstream sees the connection closed', async () => {
    upstream.enqueue({ kind: 'stream', text: ['a', 'b', 'c', 'd', 'e', 'f'], delayMs: 30 });
    const first = upstream.requests.length;
    const controller = new AbortController();
    const chunks: LlmChunk[] = [];
    await assert.rejects(
      async () => {
        for await (const chunk of provider().stream(request({ signal: controller.signal }))) {
          chunks.push(chunk);
          if (chunk.type === 'text-delta') controller.abort();
        }
      },
      (err: unknown) => err instanceof SluiceError && err.code === 'run_cancelled',
    );
    assert.deepEqual(chunks, [{ type: 'text-delta', text: 'a' }]);
    assert.equal(await upstream.requests[first]?.outcome, 'client-closed');
  });

  test('an already aborted signal is run_cancelled without any request', async () => {
    const controller = new AbortController();
    controller.abort();
    const { error, seen } = await scripted([], {}, request({ signal: controller.signal }));
    assert.equal(error?.code, 'run_cancelled');
    assert.equal(seen.length, 0);
  });

  test('an unreachable server is upstream_error', async () => {
    const gone = await startFakeUpstream();
    await gone.close();
    const { error } = await run(provider({ baseURL: gone.url }));
    assert.equal(error?.code, 'upstream_error');
    assert.match(String(error?.params.reason), /^connection failed/);
  });

  test('the API key never appears in an error', async () => {
    const { error } = await scripted([
      {
        kind: 'http-error',
        status: 401,
        message: `Incorrect API key provided: ${API_KEY}.`,
        type: 'invalid_request_error',
      },
    ]);
    assert.equal(error?.code, 'upstream_error');
    assert.equal(error?.params.reason, 'HTTP 401: Incorrect API key provided: [redacted].');
    assert.ok(!error?.message.includes(API_KEY));
  });
});

test('isReasoningModel knows the o-series and gpt-5, also behind a vendor prefix', () => {
  assert.equal(isReasoningModel('o4-mini'), true);
  assert.equal(isReasoningModel('openai/o3'), true);
  assert.equal(isReasoningModel('gpt-5-mini'), true);
  assert.equal(isReasoningModel('gpt-4o'), false);
  assert.equal(isReasoningModel('deepseek-reasoner'), false);
  assert.equal(isReasoningModel('qwen-plus'), false);
});
