import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_TEXT, FAKE_MODELS, type FakeUpstream, startFakeUpstream } from './fake-upstream.ts';

let upstream: FakeUpstream;
before(async () => {
  upstream = await startFakeUpstream();
});
after(() => upstream.close());

function post(body: unknown): Promise<Response> {
  return fetch(`${upstream.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** The data payloads of an SSE body, checking every frame is exactly `data: ...\n\n`. */
function dataFrames(body: string): string[] {
  assert.ok(body.endsWith('\n\n'));
  return body
    .slice(0, -2)
    .split('\n\n')
    .filter((frame) => !frame.startsWith(':'))
    .map((frame) => {
      assert.match(frame, /^data: [^\n]+$/);
      return frame.slice('data: '.length);
    });
}

describe('fake upstream', () => {
  test('streams the default text in OpenAI frames, with usage when asked, then [DONE]', async () => {
    const res = await post({ model: 'gpt-4o', stream: true, stream_options: { include_usage: true } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const frames = dataFrames(await res.text());
    assert.equal(frames.at(-1), '[DONE]');
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f));
    assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '', refusal: null });
    assert.equal(chunks[0].object, 'chat.completion.chunk');
    assert.equal(chunks[0].model, 'gpt-4o');
    const text = chunks.map((c) => c.choices?.[0]?.delta.content ?? '').join('');
    assert.equal(text, DEFAULT_TEXT.join(''));
    const finish = chunks.at(-2);
    assert.deepEqual(finish.choices[0], { index: 0, delta: {}, logprobs: null, finish_reason: 'stop' });
    const usage = chunks.at(-1);
    assert.deepEqual(usage.choices, []);
    assert.deepEqual(usage.usage, { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 });
  });

  test('without include_usage sends no usage chunk; comment lines are optional frames', async () => {
    upstream.enqueue({ kind: 'stream', text: ['x'], comments: true });
    const body = await (await post({ model: 'm', stream: true })).text();
    assert.match(body, /^: OPENROUTER PROCESSING\n\n/);
    const chunks = dataFrames(body)
      .slice(0, -1)
      .map((f) => JSON.parse(f));
    assert.equal(chunks.length, 3);
    assert.ok(chunks.every((c) => c.usage === undefined));
  });

  test('tool call fragments carry id, type and name only in the first one', async () => {
    upstream.enqueue({
      kind: 'stream',
      toolCalls: [{ id: 'call_1', name: 'calc', arguments: ['{"a"', ': 1}'] }],
    });
    const chunks = dataFrames(await (await post({ stream: true })).text())
      .slice(0, -1)
      .map((f) => JSON.parse(f));
    const fragments = chunks.flatMap((c) => c.choices[0].delta.tool_calls ?? []);
    assert.deepEqual(fragments, [
      { index: 0, id: 'call_1', type: 'function', function: { name: 'calc', arguments: '' } },
      { index: 0, function: { arguments: '{"a"' } },
      { index: 0, function: { arguments: ': 1}' } },
    ]);
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'tool_calls');
  });

  test('answers HTTP errors with an OpenAI error body and the given headers', async () => {
    upstream.enqueue({
      kind: 'http-error',
      status: 429,
      message: 'Slow down',
      headers: { 'retry-after-ms': '50' },
    });
    const res = await post({ stream: true });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after-ms'), '50');
    assert.deepEqual(await res.json(), {
      error: { message: 'Slow down', type: 'server_error', param: null, code: null },
    });
  });

  test('records requests and how each response ended', async () => {
    const first = upstream.requests.length;
    await (await post({ stream: true, model: 'recorded' })).text();
    const seen = upstream.requests[first];
    assert.equal(seen?.body.model, 'recorded');
    assert.equal(seen?.headers['content-type'], 'application/json');
    assert.equal(await seen?.outcome, 'completed');

    upstream.enqueue({ kind: 'stream', text: ['a'], fault: { kind: 'stall', afterChunks: 1 } });
    const controller = new AbortController();
    const res = await fetch(`${upstream.url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ stream: true }),
      signal: controller.signal,
    });
    assert.equal(res.status, 200);
    controller.abort();
    assert.equal(await upstream.requests[first + 1]?.outcome, 'client-closed');
  });

  test('lists models and refuses what it does not serve', async () => {
    const models = await (await fetch(`${upstream.url}/models`)).json();
    assert.deepEqual(
      models.data.map((m: { id: string }) => m.id),
      FAKE_MODELS,
    );
    assert.equal((await post({ stream: false })).status, 400);
    assert.equal((await fetch(`${upstream.url}/nowhere`)).status, 404);
  });
});
