import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI, { APIError, AuthenticationError, BadRequestError, ConflictError, NotFoundError } from 'openai';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream.ts';
import { json, startTestServer, type TestServer } from './support/sluice.ts';

interface StoredRun {
  status: string;
  session_id: string;
  usage: { input_tokens: number; output_tokens: number; total_tokens: number };
}

const runIdOf = (completionId: string) => completionId.replace(/^chatcmpl-/, '');

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The official openai npm client against /v1/chat/completions on a real server (demo model). */
describe('openai client (demo model)', () => {
  let t: TestServer;
  let client: OpenAI;
  before(async () => {
    t = await startTestServer();
    client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  after(async () => {
    await t.close();
  });

  test('streaming with include_usage reassembles the answer and the stored usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'assistant',
      messages: [{ role: 'user', content: 'what is 17*23?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    assert.match(text, /391/);
    assert.equal(chunks[0]?.choices[0]?.delta.role, 'assistant');
    assert.equal(new Set(chunks.map((c) => c.id)).size, 1, 'one id per response');
    assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === 'assistant'));
    const finish = chunks.filter((c) => c.choices[0]?.finish_reason);
    assert.deepEqual(
      finish.map((c) => c.choices[0]?.finish_reason),
      ['stop'],
    );
    const last = chunks.at(-1);
    assert.deepEqual(last?.choices, []);
    const { body: run } = await json<StoredRun>(`${t.url}/api/runs/${runIdOf(last?.id ?? '')}`);
    assert.equal(run.status, 'completed');
    assert.ok(run.usage.total_tokens > 0);
    assert.deepEqual(last?.usage, {
      prompt_tokens: run.usage.input_tokens,
      completion_tokens: run.usage.output_tokens,
      total_tokens: run.usage.total_tokens,
    });
  });

  test('non-streaming answers one chat.completion with the text and the stored usage', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'assistant', messages: [{ role: 'user', content: 'what is 17*23?' }] })
      .withResponse();
    assert.equal(data.object, 'chat.completion');
    assert.equal(data.model, 'assistant');
    assert.match(data.choices[0]?.message.content ?? '', /391/);
    assert.equal(data.choices[0]?.finish_reason, 'stop');
    const runId = runIdOf(data.id);
    assert.equal(response.headers.get('x-sluice-run-id'), runId);
    const { body: run } = await json<StoredRun>(`${t.url}/api/runs/${runId}`);
    assert.equal(response.headers.get('x-sluice-session-id'), run.session_id);
    assert.deepEqual(data.usage, {
      prompt_tokens: run.usage.input_tokens,
      completion_tokens: run.usage.output_tokens,
      total_tokens: run.usage.total_tokens,
    });
  });

  test('models list the agent catalog; retrieve finds one', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) {
      assert.equal(model.object, 'model');
      assert.equal(model.owned_by, 'sluice');
      assert.equal(typeof model.created, 'number');
      ids.push(model.id);
    }
    for (const id of ['assistant', 'planner', 'extractor']) assert.ok(ids.includes(id), id);
    assert.equal((await client.models.retrieve('planner')).id, 'planner');
    await assert.rejects(client.models.retrieve('nope'), NotFoundError);
  });

  test('an unknown model is a NotFoundError carrying our message and code', async () => {
    const error = await client.chat.completions
      .create({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(error instanceof NotFoundError, String(error));
    assert.equal(error.status, 404);
    assert.equal(error.code, 'agent_not_found');
    assert.equal(error.type, 'invalid_request_error');
    assert.equal(error.param, 'model');
    assert.equal(error.message, '404 Agent "nope" does not exist.');
  });

  test('client tools, n > 1 and a last message that is not from the user are BadRequestErrors', async () => {
    const attempts = [
      {
        model: 'assistant',
        messages: [{ role: 'user' as const, content: 'hi' }],
        tools: [{ type: 'function' as const, function: { name: 'f', parameters: {} } }],
      },
      { model: 'assistant', messages: [{ role: 'user' as const, content: 'hi' }], n: 2 },
      { model: 'assistant', messages: [{ role: 'assistant' as const, content: 'hi' }] },
    ];
    const params: (string | null | undefined)[] = [];
    for (const body of attempts) {
      const error = await client.chat.completions.create(body).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof BadRequestError, String(error));
      assert.equal(error.code, 'validation_failed');
      params.push(error.param);
    }
    assert.deepEqual(params, ['tools', 'n', 'messages']);
  });

  test('errors follow Accept-Language and tell the client not to retry what cannot succeed', async () => {
    const response = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': 'fr' },
      body: JSON.stringify({ model: 'nope', messages: [{ role: 'user', content: 'salut' }] }),
    });
    assert.equal(response.status, 404);
    assert.equal(response.headers.get('x-should-retry'), 'false');
    assert.deepEqual(await response.json(), {
      error: {
        message: "L'agent « nope » n'existe pas.",
        type: 'invalid_request_error',
        param: 'model',
        code: 'agent_not_found',
      },
    });
    const bad = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model":',
    });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'invalid_json');
  });

  test('session continuity: metadata.session_id or user continues a stored session', async () => {
    const first = await client.chat.completions
      .create({ model: 'assistant', messages: [{ role: 'user', content: 'hello there' }] })
      .withResponse();
    const sessionId = first.response.headers.get('x-sluice-session-id') ?? '';
    const second = await client.chat.completions
      .create({
        model: 'assistant',
        messages: [{ role: 'user', content: 'what is 2+2?' }],
        metadata: { session_id: sessionId },
      })
      .withResponse();
    assert.equal(second.response.headers.get('x-sluice-session-id'), sessionId);
    const third = await client.chat.completions
      .create({ model: 'assistant', messages: [{ role: 'user', content: 'thanks' }], user: sessionId })
      .withResponse();
    assert.equal(third.response.headers.get('x-sluice-session-id'), sessionId);
    const { body } = await json<{ messages: { role: string; content: string }[] }>(
      `${t.url}/api/sessions/${sessionId}`,
    );
    const userMessages = body.messages.filter((m) => m.role === 'user').map((m) => m.content);
    assert.deepEqual(userMessages, ['hello there', 'what is 2+2?', 'thanks']);

    // A `user` that is not a session id is an end-user id: a new session, and the id is kept.
    const other = await client.chat.completions
      .create({ model: 'assistant', messages: [{ role: 'user', content: 'hi' }], user: 'alice' })
      .withResponse();
    const otherId = other.response.headers.get('x-sluice-session-id') ?? '';
    assert.notEqual(otherId, sessionId);
    const { body: otherSession } = await json<{ metadata: Record<string, string> }>(
      `${t.url}/api/sessions/${otherId}`,
    );
    assert.equal(otherSession.metadata.openai_user, 'alice');

    // A session_id that names no session of this tenant is an error, not a silent new session.
    await assert.rejects(
      client.chat.completions.create({
        model: 'assistant',
        messages: [{ role: 'user', content: 'hi' }],
        metadata: { session_id: '01a20000-0000-7000-8000-00000000dead' },
      }),
      (e: unknown) => e instanceof NotFoundError && e.code === 'session_not_found',
    );
    // The session's agent must be the model asked for.
    await assert.rejects(
      client.chat.completions.create({
        model: 'planner',
        messages: [{ role: 'user', content: 'hi' }],
        metadata: { session_id: sessionId },
      }),
      (e: unknown) =>
        e instanceof ConflictError && e.code === 'session_agent_mismatch' && e.param === 'model',
    );
  });
});

describe('openai client: aborting a stream', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ demo_pace: 200 });
  });
  after(async () => {
    await t.close();
  });

  test('aborting mid-run cancels the run and leaves the server healthy', async () => {
    const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'assistant',
      messages: [{ role: 'user', content: 'write a long detailed text about the sea' }],
      stream: true,
    });
    let id = '';
    let text = '';
    let seen = 0;
    for await (const chunk of stream) {
      id = chunk.id;
      text += chunk.choices[0]?.delta.content ?? '';
      if (++seen === 4) stream.controller.abort();
    }
    assert.ok(text.length > 0);
    const run = await waitFor(async () => {
      const { body } = await json<StoredRun & { finish_reason: string }>(`${t.url}/api/runs/${runIdOf(id)}`);
      return body.status === 'running' ? undefined : body;
    }, 'the run to end');
    assert.equal(run.status, 'cancelled');
    await waitFor(async () => (t.server.ctx.streams.open === 0 ? true : undefined), 'the stream to close');
    assert.equal(t.server.ctx.runs.activeCount, 0);
    const health = await fetch(`${t.url}/health`);
    assert.equal(health.status, 200);
    await health.arrayBuffer();
    const next = await client.chat.completions.create({
      model: 'assistant',
      messages: [{ role: 'user', content: 'what is 17*23?' }],
    });
    assert.match(next.choices[0]?.message.content ?? '', /391/);
  });
});

describe('openai client: a non-stream request given up', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ demo_pace: 200 });
  });
  after(async () => {
    await t.close();
  });

  test('a client that leaves before the answer cancels the run', async () => {
    const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const controller = new AbortController();
    const pending = client.chat.completions
      .create(
        {
          model: 'assistant',
          messages: [{ role: 'user', content: 'write a long detailed text about the sea' }],
        },
        { signal: controller.signal },
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const { store } = t.server.ctx;
    const run = await waitFor(async () => {
      const [session] = (await store.listSessions('default', { limit: 1 })).items;
      return session ? store.findActiveRun(session.id) : undefined;
    }, 'the run to start');
    controller.abort();
    assert.ok((await pending) instanceof Error);
    const ended = await waitFor(async () => {
      const found = await store.getRun(run.id);
      return found?.status === 'running' ? undefined : found;
    }, 'the run to end');
    assert.equal(ended?.status, 'cancelled');
  });
});

describe('openai client: auth', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ api_keys: [{ key: 'sk-right', tenant: 'acme' }] });
  });
  after(async () => {
    await t.close();
  });

  test('a wrong key is an AuthenticationError; the right one works', async () => {
    const wrong = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
    await assert.rejects(
      wrong.models.list(),
      (e: unknown) => e instanceof AuthenticationError && e.code === 'unauthorized',
    );
    const right = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: 'sk-right', maxRetries: 0 });
    const models = await right.models.list();
    assert.ok(models.data.length >= 3);
  });
});

/** Against an OpenAI-compatible upstream, where the conversation the model receives can be read. */
describe('openai client (fake upstream)', () => {
  let upstream: FakeUpstream;
  let t: TestServer;
  let client: OpenAI;
  before(async () => {
    upstream = await startFakeUpstream();
    t = await startTestServer({
      openai: { api_key: 'sk-test-not-a-real-key', base_url: upstream.url, max_retries: 0 },
    });
    client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  after(async () => {
    await t.close();
    await upstream.close();
  });
  beforeEach(() => {
    upstream.requests.length = 0;
  });

  /** The conversation the model got, without Sluice's own system prompt. */
  const sentToModel = () =>
    ((upstream.requests.at(-1)?.body.messages ?? []) as { role: string; content: string }[])
      .slice(1)
      .map((m) => ({ role: m.role, content: m.content }));

  test('the client-held conversation is the context, client system messages first', async () => {
    await client.chat.completions.create({
      model: 'assistant',
      messages: [
        { role: 'user', content: 'my name is Ada' },
        { role: 'assistant', content: 'Hello Ada.' },
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'what is my name?' },
      ],
    });
    assert.deepEqual(sentToModel(), [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'my name is Ada' },
      { role: 'assistant', content: 'Hello Ada.' },
      { role: 'user', content: 'what is my name?' },
    ]);
  });

  test('a continued session with only the new message: the stored conversation is the context', async () => {
    upstream.enqueue({ kind: 'stream', text: ['Hello', ' Ada.'] });
    const first = await client.chat.completions
      .create({ model: 'assistant', messages: [{ role: 'user', content: 'my name is Ada' }] })
      .withResponse();
    const sessionId = first.response.headers.get('x-sluice-session-id') ?? '';
    await client.chat.completions.create({
      model: 'assistant',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'what is my name?' },
      ],
      metadata: { session_id: sessionId },
    });
    assert.deepEqual(sentToModel(), [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'my name is Ada' },
      { role: 'assistant', content: 'Hello Ada.' },
      { role: 'user', content: 'what is my name?' },
    ]);
  });

  test('an upstream failure mid-stream reaches the client as an APIError after the partial text', async () => {
    upstream.enqueue({
      kind: 'stream',
      text: ['Partial', ' answer', ' lost'],
      fault: { kind: 'error-object', afterChunks: 3, message: 'overloaded' },
    });
    const stream = await client.chat.completions.create({
      model: 'assistant',
      messages: [{ role: 'user', content: 'tell me something' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let id = '';
    const error = await (async () => {
      for await (const chunk of stream) {
        id = chunk.id;
        text += chunk.choices[0]?.delta.content ?? '';
      }
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof APIError, String(error));
    assert.equal(error.code, 'upstream_error');
    assert.equal(error.type, 'server_error');
    assert.match(error.message, /overloaded/);
    assert.equal(text, 'Partial answer');
    const { body: run } = await json<StoredRun>(`${t.url}/api/runs/${runIdOf(id)}`);
    assert.equal(run.status, 'failed');
  });

  test('the same failure without streaming is an error response with the run code', async () => {
    upstream.enqueue({
      kind: 'stream',
      text: ['Partial'],
      fault: { kind: 'error-object', afterChunks: 2, message: 'overloaded' },
    });
    const error = await client.chat.completions
      .create({ model: 'assistant', messages: [{ role: 'user', content: 'tell me something' }] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(error instanceof APIError && error.status === 502, String(error));
    assert.equal(error.code, 'upstream_error');
    assert.equal(error.headers?.get('x-should-retry'), 'false');
  });
});
