import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ERRORS } from '../src/protocol/index.ts';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream.ts';
import { type RawStream, readRawStream } from './support/raw-sse.ts';
import { json, startTestServer, type TestServer } from './support/sluice.ts';

/**
 * Conformance with streaming-agent-example.md: its requests, its frames, its clients, as written
 * in the document, against a real server.
 */

interface Usage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  total_cost: number;
}

/** Checks a whole stream against the document: data-only frames, start, content..., complete. */
function assertWholeStream(stream: RawStream, language: 'zh' | 'en' = 'zh'): { full: string; usage: Usage } {
  assert.equal(stream.status, 200, stream.raw);
  assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
  for (const message of stream.messages) {
    assert.equal(message.event, undefined, 'no event: lines');
    assert.equal(message.id, undefined, 'no id: lines');
  }
  const [first, ...rest] = stream.data;
  assert.deepEqual(first, {
    type: 'start',
    message: language === 'zh' ? '开始生成响应...' : 'Starting to generate the response...',
  });
  const last = rest.pop();
  assert.ok(rest.length > 0, 'at least one content frame');
  for (const frame of rest) {
    assert.deepEqual(Object.keys(frame), ['type', 'chunk']);
    assert.equal(frame.type, 'content');
    assert.equal(typeof frame.chunk, 'string');
  }
  assert.deepEqual(Object.keys(last ?? {}), ['type', 'full_content', 'usage']);
  assert.equal(last?.type, 'complete');
  const full = rest.map((frame) => frame.chunk).join('');
  assert.equal(last?.full_content, full);
  const usage = last?.usage as Usage;
  assert.deepEqual(Object.keys(usage), ['input_tokens', 'output_tokens', 'total_tokens', 'total_cost']);
  for (const key of ['input_tokens', 'output_tokens', 'total_tokens'] as const) {
    assert.ok(Number.isInteger(usage[key]) && usage[key] > 0, key);
  }
  assert.equal(usage.total_tokens, usage.input_tokens + usage.output_tokens);
  assert.equal(typeof usage.total_cost, 'number');
  return { full, usage };
}

describe('streaming agent example on the demo model', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  test('the cURL example: POST /chat/stream {"message": "你好，世界！"}', async () => {
    const stream = await readRawStream(`${t.url}/chat/stream`, {
      body: '{"message": "你好，世界！"}',
      headers: { 'content-type': 'application/json' },
    });
    const { full } = assertWholeStream(stream);
    assert.match(full, /你好，世界！/, 'the demo model echoes the message');
  });

  test('the Python client: every line starting with "data: " is JSON after its sixth character', async () => {
    const stream = await readRawStream(`${t.url}/chat/stream`, { body: { message: '写一个Python函数' } });
    const parsed = stream.raw
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as { type: string });
    assert.deepEqual(parsed, stream.data);
    const complete = parsed.at(-1) as { type: string; usage: Usage };
    assert.equal(complete.type, 'complete');
    assert.ok(complete.usage.total_tokens > 0);
  });

  test('the JavaScript switch sees start, content, then complete', async () => {
    const seen: string[] = [];
    let output = '';
    const stream = await readRawStream(`${t.url}/chat/stream`, { body: { message: '写一首诗' } });
    for (const data of stream.data) {
      switch (data.type) {
        case 'start':
        case 'complete':
          seen.push(data.type);
          break;
        case 'content':
          if (seen.at(-1) !== 'content') seen.push('content');
          output += data.chunk as string;
          break;
        default:
          seen.push(String(data.type));
      }
    }
    assert.deepEqual(seen, ['start', 'content', 'complete']);
    assert.equal(output, stream.data.at(-1)?.full_content);
  });

  test('the manual test of the compatibility API: POST /chat answers the same text as JSON', async () => {
    const { status, body } = await json<{ response: string; usage: Usage; run_id: string }>(`${t.url}/chat`, {
      body: { message: '你好' },
    });
    assert.equal(status, 200);
    const stream = await readRawStream(`${t.url}/chat/stream`, { body: { message: '你好' } });
    const { full } = assertWholeStream(stream);
    assert.equal(body.response, full, 'the demo model is deterministic');
    assert.deepEqual(Object.keys(body.usage), [
      'input_tokens',
      'output_tokens',
      'total_tokens',
      'total_cost',
    ]);
    assert.ok(body.usage.total_tokens > 0);
  });

  test('no memory: each request is a session of its own', async () => {
    const a = await readRawStream(`${t.url}/chat/stream`, { body: { message: 'first' } });
    const b = await readRawStream(`${t.url}/chat/stream`, { body: { message: 'first' } });
    assert.notEqual(a.headers.get('x-sluice-session-id'), b.headers.get('x-sluice-session-id'));
    const { body: session } = await json<{ messages: unknown[] }>(
      `${t.url}/api/sessions/${b.headers.get('x-sluice-session-id')}`,
    );
    assert.equal(session.messages.length, 2, 'the user message and the answer, nothing earlier');
  });

  test('50 concurrent streams, each whole and answering its own message', async () => {
    const messages = Array.from({ length: 50 }, (_, i) => `concurrent request number ${i}`);
    const streams = await Promise.all(
      messages.map((message) => readRawStream(`${t.url}/chat/stream`, { body: { message } })),
    );
    const runIds = new Set<string>();
    streams.forEach((stream, i) => {
      const { full } = assertWholeStream(stream, 'en');
      assert.ok(full.includes(`concurrent request number ${i}”`), `stream ${i} answered its own message`);
      runIds.add(stream.headers.get('x-sluice-run-id') ?? '');
    });
    assert.equal(runIds.size, 50);
  });

  test("bad bodies get the error table's code and status before any stream", async () => {
    for (const [body, code] of [
      [{}, 'validation_failed'],
      [{ message: '' }, 'validation_failed'],
      [{ message: 42 }, 'validation_failed'],
      ['{"message": "hi"', 'invalid_json'],
      [{ message: 'hi', language: 'de' }, 'unsupported_language'],
    ] as const) {
      for (const path of ['/chat/stream', '/chat']) {
        const { status, body: answer } = await json<{ error: { code: string } }>(`${t.url}${path}`, {
          body,
          headers: { 'content-type': 'application/json' },
        });
        assert.equal(answer.error.code, code, `${path} ${JSON.stringify(body)}`);
        assert.equal(status, ERRORS[code].status);
      }
    }
  });

  test('GET / answers JSON status to non-browsers; GET /health reports streaming support', async () => {
    const { body: status } = await json<{ name: string }>(`${t.url}/`, {
      headers: { accept: 'application/json' },
    });
    assert.equal(status.name, 'sluice');
    const { status: code, body: health } = await json<{ status: string; streaming_supported: boolean }>(
      `${t.url}/health`,
    );
    assert.equal(code, 200);
    assert.equal(health.status, 'ok');
    assert.equal(health.streaming_supported, true);
  });
});

describe('/stats and /reset-stats', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({
      api_keys: [
        { key: 'key-tenant-a', tenant: 'a' },
        { key: 'key-tenant-b', tenant: 'b' },
      ],
    });
  });
  after(async () => {
    await t.close();
  });
  const as = (key: string) => ({ authorization: `Bearer ${key}` });

  test('count requests, streams, tokens and cost per agent, per tenant; reset zeroes them', async () => {
    const reset = await json<{ reset: boolean; stats: { requests: number; since: string } }>(
      `${t.url}/reset-stats`,
      {
        method: 'POST',
        headers: as('key-tenant-a'),
      },
    );
    assert.equal(reset.status, 200);
    assert.equal(reset.body.stats.requests, 0);

    const streamed = await readRawStream(`${t.url}/chat/stream`, {
      body: { message: 'hello' },
      headers: as('key-tenant-a'),
    });
    const complete = streamed.data.at(-1) as { usage: Usage };
    const chat = await json<{ usage: Usage }>(`${t.url}/chat`, {
      body: { message: 'hello' },
      headers: as('key-tenant-a'),
    });

    const { body: stats } = await json<
      Record<string, unknown> & { agents: Record<string, Record<string, number>> }
    >(`${t.url}/stats`, { headers: as('key-tenant-a') });
    const tokens = complete.usage.total_tokens + chat.body.usage.total_tokens;
    assert.equal(stats.requests, 2);
    assert.equal(stats.streams, 1);
    assert.equal(stats.completed, 2);
    assert.equal(stats.errors, 0);
    assert.equal(stats.messages, 4);
    assert.equal(stats.total_tokens, tokens);
    assert.equal(stats.agents.assistant?.requests, 2);
    assert.equal(stats.agents.assistant?.total_tokens, tokens);
    assert.equal(typeof stats.total_cost, 'number');
    assert.ok(Date.parse(String(stats.since)) >= Date.parse(reset.body.stats.since));

    const other = await json<{ requests: number }>(`${t.url}/stats`, { headers: as('key-tenant-b') });
    assert.equal(other.body.requests, 0, 'another tenant sees only its own counters');

    await json(`${t.url}/reset-stats`, { method: 'POST', headers: as('key-tenant-a') });
    const { body: after } = await json<{ requests: number; total_tokens: number; agents: object }>(
      `${t.url}/stats`,
      {
        headers: as('key-tenant-a'),
      },
    );
    assert.deepEqual([after.requests, after.total_tokens, after.agents], [0, 0, {}]);
  });

  test('with keys configured, the endpoints need one', async () => {
    for (const [method, path] of [
      ['POST', '/chat/stream'],
      ['POST', '/chat'],
      ['GET', '/stats'],
      ['POST', '/reset-stats'],
    ] as const) {
      const { status, body } = await json<{ error: { code: string } }>(`${t.url}${path}`, {
        method,
        ...(method === 'POST' ? { body: { message: 'hi' } } : {}),
      });
      assert.equal(status, 401, path);
      assert.equal(body.error.code, 'unauthorized');
    }
  });
});

describe('streaming agent example on an OpenAI-compatible upstream', () => {
  let upstream: FakeUpstream;
  let t: TestServer;
  before(async () => {
    upstream = await startFakeUpstream();
    t = await startTestServer({ openai: { api_key: 'sk-test', base_url: upstream.url, max_retries: 0 } });
  });
  after(async () => {
    await t.close();
    await upstream.close();
  });

  test("system_prompt replaces the agent's system prompt for that request only", async () => {
    upstream.requests.length = 0;
    upstream.enqueue({ kind: 'stream', text: ['春', '风', '拂面'] }, { kind: 'stream', text: ['Hi'] });
    const stream = await readRawStream(`${t.url}/chat/stream`, {
      body: { message: '写一首关于春天的诗', system_prompt: '你是一个诗人' },
    });
    const { full } = assertWholeStream(stream);
    assert.equal(full, '春风拂面');
    assert.deepEqual(upstream.requests[0]?.body.messages[0], { role: 'system', content: '你是一个诗人' });
    assert.deepEqual(upstream.requests[0]?.body.messages.at(-1), {
      role: 'user',
      content: '写一首关于春天的诗',
    });

    await readRawStream(`${t.url}/chat/stream`, { body: { message: 'hello there', system_prompt: null } });
    assert.match(
      upstream.requests[1]?.body.messages[0].content,
      /helpful assistant/,
      'the default prompt is back',
    );
  });

  test('an upstream failure is an error frame, then a clean end', async () => {
    upstream.enqueue({ kind: 'http-error', status: 500, message: 'boom' });
    const stream = await readRawStream(`${t.url}/chat/stream`, { body: { message: 'hello' } });
    assert.equal(stream.status, 200);
    assert.equal(stream.data.length, 2);
    assert.equal(stream.data[0]?.type, 'start');
    assert.deepEqual(Object.keys(stream.data[1] ?? {}), ['type', 'error']);
    assert.equal(stream.data[1]?.type, 'error');
    assert.match(String(stream.data[1]?.error), /language model service/);
    assert.ok(stream.raw.endsWith('\n\n'), 'the last frame is complete');
  });

  test("an upstream failure on /chat is the error table's JSON", async () => {
    upstream.enqueue({ kind: 'http-error', status: 500, message: 'boom' });
    const { status, body } = await json<{ error: { code: string; message: string } }>(`${t.url}/chat`, {
      body: { message: 'hello' },
    });
    assert.equal(body.error.code, 'upstream_error');
    assert.equal(status, ERRORS.upstream_error.status);
    assert.match(body.error.message, /language model service/);
  });

  test('a client that stops reading stops its run (no memory to come back to)', async () => {
    upstream.requests.length = 0;
    upstream.enqueue({ kind: 'stream', text: Array.from({ length: 40 }, (_, i) => `w${i} `), delayMs: 50 });
    const stream = await readRawStream(`${t.url}/chat/stream`, {
      body: { message: 'write a long text' },
      until: (messages) => messages.some((m) => m.data.includes('"content"')),
    });
    const runId = stream.headers.get('x-sluice-run-id') ?? '';
    assert.equal(await upstream.requests[0]?.outcome, 'client-closed');
    await t.server.ctx.runs.settled(runId);
    const { body: run } = await json<{ status: string }>(`${t.url}/api/runs/${runId}`);
    assert.equal(run.status, 'cancelled');
  });
});
