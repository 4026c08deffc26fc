import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isUuid } from '../src/protocol/index.ts';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream.ts';
import { type RawStream, readRawStream } from './support/raw-sse.ts';
import { json, startTestServer, type TestServer } from './support/sluice.ts';

/**
 * Conformance with agent-chat-stream-axum.md: the document's requests and chunks, its clients,
 * stored sessions and tenants, against a real server.
 */

/** AgentChatStreamChunk's fields, in its declaration order. */
const FIELDS = [
  'type',
  'content',
  'session_id',
  'message_id',
  'reply_id',
  'metadata',
  'finish_reason',
  'error',
];

interface Chunk {
  type: 'content' | 'done' | 'error';
  content: string | null;
  session_id: string | null;
  message_id: string | null;
  reply_id: string | null;
  metadata: { model: string; tokens_used: number; finish_reason: string } | null;
  finish_reason: string | null;
  error: string | null;
}

interface StoredMessage {
  id: string;
  role: string;
  content: string;
  metadata: Record<string, unknown>;
}

/** Checks a successful stream whole and returns its chunks and the text of its content chunks. */
function assertChatStream(stream: RawStream): { chunks: Chunk[]; content: string; done: Chunk } {
  assert.equal(stream.status, 200, stream.raw);
  assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
  const chunks = stream.data as unknown as Chunk[];
  for (const message of stream.messages) assert.equal(message.event, undefined, 'data-only frames');
  for (const chunk of chunks) assert.deepEqual(Object.keys(chunk), FIELDS, 'every field, always');
  const done = chunks.at(-1);
  assert.ok(done);
  assert.equal(done.type, 'done', JSON.stringify(done));
  const contents = chunks.slice(0, -1);
  assert.ok(contents.length > 0);
  const [first] = chunks;
  for (const chunk of contents) {
    assert.equal(chunk.type, 'content');
    assert.equal(typeof chunk.content, 'string');
    assert.equal(chunk.reply_id, null);
    assert.equal(chunk.metadata, null);
    assert.equal(chunk.finish_reason, null);
    assert.equal(chunk.error, null);
  }
  for (const chunk of chunks) {
    assert.ok(isUuid(chunk.session_id), 'session_id is a UUID');
    assert.ok(isUuid(chunk.message_id), 'message_id is a UUID');
    assert.equal(chunk.session_id, first?.session_id);
    assert.equal(chunk.message_id, first?.message_id);
  }
  assert.equal(done.content, null);
  assert.ok(isUuid(done.reply_id), 'reply_id is a UUID');
  assert.deepEqual(Object.keys(done.metadata ?? {}), ['model', 'tokens_used', 'finish_reason']);
  assert.equal(typeof done.metadata?.model, 'string');
  assert.ok(Number.isInteger(done.metadata?.tokens_used) && (done.metadata?.tokens_used ?? 0) > 0);
  assert.equal(done.metadata?.finish_reason, 'Stop');
  assert.equal(done.finish_reason, 'Stop');
  assert.equal(done.error, null);
  return { chunks, content: contents.map((c) => c.content).join(''), done };
}

describe('agent chat service, open (no keys configured)', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  const stored = async (sessionId: string) =>
    (await json<{ agent_id: string; messages: StoredMessage[] }>(`${t.url}/api/sessions/${sessionId}`)).body;

  test('the cURL example creates a session: greeting, the user message and the reply are stored', async () => {
    const stream = await readRawStream(`${t.url}/api/agents/assistant/chat/stream`, {
      headers: {
        authorization: 'Bearer YOUR_TOKEN',
        'content-type': 'application/json',
        accept: 'text/event-stream',
      },
      body: '{\n    "message": "你好",\n    "stream": true\n  }',
    });
    const { content, done } = assertChatStream(stream);
    const session = await stored(done.session_id ?? '');
    assert.equal(session.agent_id, 'assistant');
    assert.deepEqual(
      session.messages.map((m) => [m.role, m.content]),
      [
        ['assistant', '你好！有什么问题尽管问，我可以计算，也可以报时。'],
        ['user', '你好'],
        ['assistant', content],
      ],
    );
    assert.equal(session.messages[0]?.metadata.greeting, true);
    assert.equal(session.messages[1]?.id, done.message_id, 'message_id is the stored user message');
    assert.equal(session.messages[2]?.id, done.reply_id, 'reply_id is the stored reply');
  });

  test('session_id continues the stored conversation', async () => {
    const first = assertChatStream(
      await readRawStream(`${t.url}/api/agents/assistant/chat/stream`, { body: { message: 'hello there' } }),
    );
    const sessionId = first.done.session_id;
    const second = assertChatStream(
      await readRawStream(`${t.url}/api/agents/assistant/chat/stream`, {
        body: { message: 'what is 6*7?', session_id: sessionId },
      }),
    );
    assert.equal(second.done.session_id, sessionId);
    assert.notEqual(second.done.message_id, first.done.message_id);
    assert.match(second.content, /42/);
    const session = await stored(sessionId ?? '');
    assert.deepEqual(
      session.messages.map((m) => m.role),
      ['assistant', 'user', 'assistant', 'user', 'assistant', 'tool', 'assistant'],
    );
    // With a tool call the steps' texts are streamed with a blank line between them.
    const texts = session.messages.slice(4).filter((m) => m.role === 'assistant' && m.content !== '');
    assert.equal(second.content, texts.map((m) => m.content).join('\n\n'));
    assert.equal(session.messages.at(-1)?.id, second.done.reply_id);
  });

  test('the EventSource variant: GET with ?message=, data-only frames, same chunks', async () => {
    const message = '你好，请介绍一下你自己';
    const stream = await readRawStream(
      `${t.url}/api/agents/assistant/chat/stream?message=${encodeURIComponent(message)}`,
    );
    const { done, content } = assertChatStream(stream);
    // What the document's onmessage handler does with each event.
    const log: string[] = [];
    for (const event of stream.messages) {
      const data = JSON.parse(event.data) as Chunk;
      if (data.type === 'content') log.push('content');
      else if (data.type === 'done') log.push(`done ${data.metadata?.finish_reason}`);
    }
    assert.equal(log.at(-1), 'done Stop');
    const session = await stored(done.session_id ?? '');
    assert.equal(session.messages.at(-1)?.content, content);
  });

  test("the JavaScript fetch client's line parsing reads every chunk", async () => {
    const stream = await readRawStream(`${t.url}/api/agents/assistant/chat/stream`, {
      body: { message: 'hello', session_id: undefined, stream: true },
    });
    const parsed = stream.raw
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)));
    assert.deepEqual(parsed, stream.data);
  });

  test('POST /chat answers one JSON object with the reply and the ids', async () => {
    const { status, body } = await json<Record<string, unknown>>(`${t.url}/api/agents/assistant/chat`, {
      body: { message: 'hello' },
    });
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body), [
      'content',
      'session_id',
      'message_id',
      'reply_id',
      'metadata',
      'finish_reason',
    ]);
    assert.equal(body.finish_reason, 'Stop');
    const session = await stored(String(body.session_id));
    assert.equal(session.messages.at(-1)?.id, body.reply_id);
    assert.equal(session.messages.at(-1)?.content, body.content);

    const streamed = await readRawStream(`${t.url}/api/agents/assistant/chat`, {
      body: { message: 'hi', stream: true },
    });
    assertChatStream(streamed);
  });

  test("errors before the stream: unknown agent, unknown session, another agent's session, bad body", async () => {
    const cases: Array<[string, unknown, number, string]> = [
      ['/api/agents/nobody/chat/stream', { message: 'hi' }, 404, 'agent_not_found'],
      [
        '/api/agents/assistant/chat/stream',
        { message: 'hi', session_id: '0193a3c2-7b1e-7c4a-9f00-5d2e8b6a1c01' },
        404,
        'session_not_found',
      ],
      [
        '/api/agents/assistant/chat/stream',
        { message: 'hi', session_id: 'optional-session-uuid' },
        400,
        'validation_failed',
      ],
      ['/api/agents/assistant/chat/stream', { message: '' }, 400, 'validation_failed'],
      ['/api/agents/assistant/chat', {}, 400, 'validation_failed'],
    ];
    for (const [path, body, status, code] of cases) {
      const answer = await json<{ error: { code: string } }>(`${t.url}${path}`, { body });
      assert.equal(answer.body.error.code, code, `${path} ${JSON.stringify(body)}`);
      assert.equal(answer.status, status);
    }
    const { body: planner } = await json<{ id: string }>(`${t.url}/api/sessions`, {
      body: { agent_id: 'planner' },
    });
    const mismatch = await json<{ error: { code: string; message: string } }>(
      `${t.url}/api/agents/assistant/chat/stream`,
      {
        body: { message: 'hi', session_id: planner.id },
      },
    );
    assert.equal(mismatch.status, 409);
    assert.equal(mismatch.body.error.code, 'session_agent_mismatch');
    assert.match(mismatch.body.error.message, /planner/);
    const get = await json<{ error: { code: string } }>(`${t.url}/api/agents/assistant/chat/stream`);
    assert.equal(get.body.error.code, 'validation_failed', 'GET needs ?message=');
  });

  test('statistics per agent: sessions, messages and tokens', async () => {
    await json(`${t.url}/reset-stats`, { method: 'POST' });
    const one = assertChatStream(
      await readRawStream(`${t.url}/api/agents/assistant/chat/stream`, { body: { message: 'a' } }),
    );
    const two = assertChatStream(
      await readRawStream(`${t.url}/api/agents/assistant/chat/stream`, {
        body: { message: 'b', session_id: one.done.session_id },
      }),
    );
    const { body: stats } = await json<{ agents: Record<string, Record<string, number>> }>(`${t.url}/stats`);
    const assistant = stats.agents.assistant;
    assert.equal(assistant?.sessions, 1);
    assert.equal(assistant?.messages, 4, "two user messages, two replies (the greeting is the session's)");
    assert.equal(
      assistant?.total_tokens,
      (one.done.metadata?.tokens_used ?? 0) + (two.done.metadata?.tokens_used ?? 0),
    );
  });
});

describe('agent chat service with API keys', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({
      api_keys: [
        { key: 'key-tenant-a', tenant: 'tenant-a', user: 'alice' },
        { key: 'key-tenant-b', tenant: 'tenant-b' },
      ],
    });
  });
  after(async () => {
    await t.close();
  });

  test("without a key 401, with another tenant's key 404, with the right key the stream and the session match", async () => {
    for (const [method, path] of [
      ['POST', '/api/agents/assistant/chat/stream'],
      ['GET', '/api/agents/assistant/chat/stream?message=hi'],
      ['POST', '/api/agents/assistant/chat'],
    ] as const) {
      const answer = await json<{ error: { code: string } }>(`${t.url}${path}`, {
        method,
        ...(method === 'POST' ? { body: { message: 'hi' } } : {}),
      });
      assert.equal(answer.status, 401, `${method} ${path}`);
      assert.equal(answer.body.error.code, 'unauthorized');
    }
    const wrong = await json(`${t.url}/api/agents/assistant/chat/stream`, {
      body: { message: 'hi' },
      headers: { authorization: 'Bearer not-a-key-at-all' },
    });
    assert.equal(wrong.status, 401);

    const stream = await readRawStream(`${t.url}/api/agents/assistant/chat/stream`, {
      body: { message: 'hello from alice' },
      headers: { authorization: 'Bearer key-tenant-a' },
    });
    const { done, content } = assertChatStream(stream);

    const stolen = await json<{ error: { code: string } }>(`${t.url}/api/agents/assistant/chat/stream`, {
      body: { message: 'let me in', session_id: done.session_id },
      headers: { authorization: 'Bearer key-tenant-b' },
    });
    assert.equal(stolen.status, 404);
    assert.equal(stolen.body.error.code, 'session_not_found');
    const peek = await json(`${t.url}/api/sessions/${done.session_id}`, {
      headers: { authorization: 'Bearer key-tenant-b' },
    });
    assert.equal(peek.status, 404);

    const { body: session } = await json<{ tenant_id: string; user_id: string; messages: StoredMessage[] }>(
      `${t.url}/api/sessions/${done.session_id}`,
      { headers: { authorization: 'Bearer key-tenant-a' } },
    );
    assert.equal(session.tenant_id, 'tenant-a');
    assert.equal(session.user_id, 'alice');
    assert.deepEqual(session.messages.map((m) => [m.id, m.role]).slice(1), [
      [done.message_id, 'user'],
      [done.reply_id, 'assistant'],
    ]);
    assert.equal(session.messages.at(-1)?.content, content);
    assert.equal(session.messages.length, 3, 'nothing from the refused request was stored');
  });

  test('EventSource cannot send headers: the key goes in the query as access_token (or token)', async () => {
    for (const param of ['access_token', 'token']) {
      const stream = await readRawStream(
        `${t.url}/api/agents/assistant/chat/stream?message=${encodeURIComponent('hi')}&${param}=key-tenant-b`,
      );
      const { done } = assertChatStream(stream);
      const { status } = await json(`${t.url}/api/sessions/${done.session_id}`, {
        headers: { authorization: 'Bearer key-tenant-b' },
      });
      assert.equal(status, 200, `${param}: the session is tenant B's`);
    }
  });
});

describe('agent chat service on an OpenAI-compatible upstream', () => {
  let upstream: FakeUpstream;
  let t: TestServer;
  before(async () => {
    upstream = await startFakeUpstream();
    t = await startTestServer({
      openai: { api_key: 'sk-test', base_url: upstream.url, model: 'gpt-4', max_retries: 0 },
    });
  });
  after(async () => {
    await t.close();
    await upstream.close();
  });

  test('the model sees the system prompt, the greeting, then the conversation', async () => {
    upstream.requests.length = 0;
    upstream.enqueue({ kind: 'stream', text: ['Bonjour', ' !'] }, { kind: 'stream', text: ['Ça va.'] });
    const first = assertChatStream(
      await readRawStream(`${t.url}/api/agents/assistant/chat/stream`, {
        body: { message: 'Bonjour, comment ça va ?' },
      }),
    );
    assert.equal(first.done.metadata?.model, 'gpt-4');
    const roles = (
      (upstream.requests[0]?.body.messages ?? []) as Array<{ role: string; content: string }>
    ).map((m) => [m.role, m.content]);
    assert.equal(roles[0]?.[0], 'system');
    assert.match(roles[0]?.[1] ?? '', /français/);
    assert.deepEqual(roles.slice(1), [
      ['assistant', "Bonjour ! Posez-moi vos questions ; je sais calculer et donner l'heure."],
      ['user', 'Bonjour, comment ça va ?'],
    ]);

    assertChatStream(
      await readRawStream(`${t.url}/api/agents/assistant/chat/stream`, {
        body: { message: 'Et toi ?', session_id: first.done.session_id },
      }),
    );
    const second = (
      (upstream.requests[1]?.body.messages ?? []) as Array<{ role: string; content: string }>
    ).map((m) => m.role);
    assert.deepEqual(second, ['system', 'assistant', 'user', 'assistant', 'user']);
  });

  test('an idle stream gets SSE comment heartbeats between chunks (15 s by default, 1 s here)', async () => {
    const quick = await startTestServer({
      openai: { api_key: 'sk-test', base_url: upstream.url, max_retries: 0 },
      runs: { heartbeat_ms: 1000 },
    });
    try {
      upstream.enqueue({ kind: 'stream', text: ['slow', ' answer'], delayMs: 2500 });
      const stream = await readRawStream(`${quick.url}/api/agents/assistant/chat/stream`, {
        body: { message: 'hi' },
      });
      const { content } = assertChatStream(stream);
      assert.equal(content, 'slow answer');
      assert.ok(stream.comments.length >= 1, 'a heartbeat while the model paused');
      assert.match(stream.raw, /\n\n: heartbeat\n\n/);
    } finally {
      await quick.close();
    }
  });

  test('an upstream failure is one error chunk with the ids, then a clean end; the user message is kept', async () => {
    upstream.enqueue({ kind: 'http-error', status: 500, message: 'boom' });
    const stream = await readRawStream(`${t.url}/api/agents/assistant/chat/stream`, {
      body: { message: 'hello' },
    });
    assert.equal(stream.status, 200);
    const chunks = stream.data as unknown as Chunk[];
    assert.equal(chunks.length, 1);
    const [error] = chunks;
    assert.deepEqual(Object.keys(error ?? {}), FIELDS);
    assert.equal(error?.type, 'error');
    assert.match(error?.error ?? '', /language model service/);
    assert.equal(error?.reply_id, null);
    assert.ok(isUuid(error?.session_id) && isUuid(error?.message_id));
    const { body: session } = await json<{ messages: StoredMessage[] }>(
      `${t.url}/api/sessions/${error?.session_id}`,
    );
    assert.deepEqual(session.messages.map((m) => [m.id, m.role]).slice(1), [[error?.message_id, 'user']]);

    upstream.enqueue({ kind: 'http-error', status: 500, message: 'boom' });
    const answer = await json<{ error: { code: string; details: { session_id: string } } }>(
      `${t.url}/api/agents/assistant/chat`,
      { body: { message: 'hello' } },
    );
    assert.equal(answer.status, 502);
    assert.equal(answer.body.error.code, 'upstream_error');
    assert.ok(isUuid(answer.body.error.details.session_id));
  });
});
