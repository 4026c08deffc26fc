import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AbstractChat,
  type ChatInit,
  type ChatState,
  DefaultChatTransport,
  parseJsonEventStream,
  readUIMessageStream,
  type UIMessage,
  type UIMessageChunk,
  uiMessageChunkSchema,
} from 'ai';
import { json, startTestServer, type TestServer } from './support/sluice.ts';
import { readStream } from './support/sse.ts';

interface Metadata {
  run_id: string;
  session_id: string;
  status: string;
  usage: { input_tokens: number; output_tokens: number; total_tokens: number; total_cost: number };
}

const user = (id: string, text: string): UIMessage => ({ id, role: 'user', parts: [{ type: 'text', text }] });

/** Every state of the message the stream builds, and the errors the reader reported. */
async function read(
  stream: ReadableStream<UIMessageChunk>,
): Promise<{ message: UIMessage; errors: unknown[] }> {
  const errors: unknown[] = [];
  let message: UIMessage | undefined;
  for await (const snapshot of readUIMessageStream({ stream, onError: (e) => errors.push(e) }))
    message = snapshot;
  assert.ok(message, 'the stream built a message');
  return { message, errors };
}

const textOf = (message: UIMessage) => message.parts.flatMap((p) => (p.type === 'text' ? [p.text] : []));

/** useChat's engine with plain state, as @ai-sdk/react builds it with React state. */
class PlainChat extends AbstractChat<UIMessage> {
  constructor(init: ChatInit<UIMessage>) {
    const state: ChatState<UIMessage> = {
      status: 'ready',
      error: undefined,
      messages: [],
      pushMessage(message) {
        this.messages = [...this.messages, message];
      },
      popMessage() {
        this.messages = this.messages.slice(0, -1);
      },
      replaceMessage(index, message) {
        this.messages = this.messages.map((m, i) => (i === index ? message : m));
      },
      snapshot: (thing) => structuredClone(thing),
    };
    super({ ...init, state });
  }
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The ai package's own transport and reader against /api/ai-sdk/chat on a real server. */
describe('ai sdk chat (demo model)', () => {
  let t: TestServer;
  let transport: DefaultChatTransport<UIMessage>;
  before(async () => {
    t = await startTestServer();
    transport = new DefaultChatTransport({ api: `${t.url}/api/ai-sdk/chat` });
  });
  after(async () => {
    await t.close();
  });

  test("the ai package's reader gets the run's text, the calculator tool part and data parts", async () => {
    const chatId = 'chat-calc';
    const stream = await transport.sendMessages({
      chatId,
      messages: [user('u1', 'what is 17*23?')],
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: undefined,
    });
    const { message, errors } = await read(stream);
    assert.deepEqual(errors, []);
    const metadata = message.metadata as Metadata;
    assert.equal(message.id, metadata.run_id);
    assert.equal(message.role, 'assistant');

    // The same run in the native protocol: the text and the tool call must match it exactly.
    const { events } = await readStream(`${t.url}/api/runs/${metadata.run_id}/events`);
    const answers = events.flatMap((e) =>
      e.event_type === 'assistant_message_end' ? [e.data.complete_message] : [],
    );
    assert.deepEqual(textOf(message), answers);
    assert.match(answers.at(-1) ?? '', /391/);
    const toolEnd = events.find((e) => e.event_type === 'tool_call_end');
    assert.ok(toolEnd?.event_type === 'tool_call_end');
    const tool = message.parts.find((p) => p.type === 'tool-calculator') as
      | Record<string, unknown>
      | undefined;
    assert.ok(tool, 'a calculator tool part');
    assert.equal(tool.state, 'output-available');
    assert.equal(tool.toolCallId, toolEnd.data.call_id);
    assert.deepEqual(tool.output, toolEnd.data.result);
    assert.deepEqual(tool.output, { expression: '17*23', result: 391 });
    const status = message.parts.find((p) => p.type === 'data-status') as
      | { data: { stage: string } }
      | undefined;
    assert.equal(status?.data.stage, 'completed');
    assert.equal(message.parts.filter((p) => p.type === 'step-start').length, 2);

    const { body: run } = await json<{ status: string; usage: Metadata['usage'] }>(
      `${t.url}/api/runs/${metadata.run_id}`,
    );
    assert.equal(metadata.status, 'completed');
    assert.deepEqual(metadata.usage, run.usage);
  });

  test('the planner agent (chosen in the body) streams its design document as a data-document part', async () => {
    const planner = new DefaultChatTransport<UIMessage>({
      api: `${t.url}/api/ai-sdk/chat`,
      body: { agent_id: 'planner' },
    });
    const { message, errors } = await read(
      await planner.sendMessages({
        chatId: 'chat-plan',
        messages: [user('u1', 'Plan a todo list web app with user accounts')],
        trigger: 'submit-message',
        messageId: undefined,
        abortSignal: undefined,
      }),
    );
    assert.deepEqual(errors, []);
    const metadata = message.metadata as Metadata & { agent_id: string };
    assert.equal(metadata.agent_id, 'planner');
    const { events } = await readStream(`${t.url}/api/runs/${metadata.run_id}/events`);
    const generated = events.flatMap((e) => (e.event_type === 'design_document_generated' ? [e.data] : []));
    assert.ok(generated.length > 0, 'the run generated a document');
    const documents = message.parts.flatMap((p) =>
      p.type === 'data-document' ? [(p as { id: string; data: Record<string, unknown> }).id] : [],
    );
    assert.deepEqual(
      documents,
      generated.map((d) => d.document_id),
    );
    const part = message.parts.find((p) => p.type === 'data-document') as {
      data: { content: string; filename: string };
    };
    assert.equal(part.data.content, generated[0]?.content);
    assert.equal(part.data.filename, generated[0]?.filename);
  });

  test("useChat's engine: send, send again, regenerate; tool progress reaches onData", async () => {
    const data: { type: string; data: unknown }[] = [];
    const chat = new PlainChat({ id: 'chat-engine', transport, onData: (part) => data.push(part) });
    await chat.sendMessage({ text: 'what is 17*23?' });
    assert.equal(chat.status, 'ready');
    assert.equal(chat.error, undefined);
    assert.deepEqual(
      chat.messages.map((m) => m.role),
      ['user', 'assistant'],
    );
    const first = chat.messages[1] as UIMessage;
    assert.match(textOf(first).join(' '), /391/);
    assert.equal(
      (first.parts.find((p) => p.type === 'tool-calculator') as { state: string }).state,
      'output-available',
    );
    assert.ok(
      data.some((d) => (d.data as { stage?: string }).stage === 'tool'),
      'transient tool progress',
    );

    await chat.sendMessage({ text: 'what is 2+2?' });
    await chat.regenerate();
    assert.equal(chat.status, 'ready');
    assert.deepEqual(
      chat.messages.map((m) => m.role),
      ['user', 'assistant', 'user', 'assistant'],
    );
    const last = chat.messages[3] as UIMessage;
    assert.match(textOf(last).join(' '), /4/);
    const sessionId = (last.metadata as Metadata).session_id;
    assert.equal((first.metadata as Metadata).session_id, sessionId);
    const { body } = await json<{ metadata: Record<string, unknown> }>(`${t.url}/api/sessions/${sessionId}`);
    assert.equal((body.metadata.ai_sdk_superseded_runs as string[]).length, 1);
  });

  test('the response is a v1 UI message stream ending in [DONE]', async () => {
    const response = await fetch(`${t.url}/api/ai-sdk/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'chat-raw', messages: [user('u1', 'hello')], trigger: 'submit-message' }),
    });
    assert.equal(response.headers.get('x-vercel-ai-ui-message-stream'), 'v1');
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const [forParser, forText] = (response.body as ReadableStream<Uint8Array>).tee();
    const types: string[] = [];
    const reader = parseJsonEventStream({ stream: forParser, schema: uiMessageChunkSchema }).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      assert.ok(value.success, 'every frame matches uiMessageChunkSchema');
      types.push(value.value.type);
    }
    assert.equal(types[0], 'start');
    assert.equal(types.at(-1), 'finish');
    const raw = await new Response(forText).text();
    assert.ok(raw.endsWith('data: [DONE]\n\n'));
  });

  test('a chat id keeps one session; the next message continues it', async () => {
    const chatId = 'chat-two-turns';
    const first = await read(
      await transport.sendMessages({
        chatId,
        messages: [user('u1', 'hello there')],
        trigger: 'submit-message',
        messageId: undefined,
        abortSignal: undefined,
      }),
    );
    const second = await read(
      await transport.sendMessages({
        chatId,
        messages: [user('u1', 'hello there'), first.message, user('u2', 'what is 2+2?')],
        trigger: 'submit-message',
        messageId: undefined,
        abortSignal: undefined,
      }),
    );
    const sessionId = (first.message.metadata as Metadata).session_id;
    assert.equal((second.message.metadata as Metadata).session_id, sessionId);
    const { body } = await json<{
      metadata: Record<string, unknown>;
      messages: { role: string; content: string }[];
    }>(`${t.url}/api/sessions/${sessionId}`);
    assert.equal(body.metadata.ai_sdk_chat_id, chatId);
    assert.deepEqual(
      body.messages.filter((m) => m.role === 'user').map((m) => m.content),
      ['hello there', 'what is 2+2?'],
    );

    // Regenerate the last answer: the client drops it and sends the rest again.
    const again = await read(
      await transport.sendMessages({
        chatId,
        messages: [user('u1', 'hello there'), first.message, user('u2', 'what is 2+2?')],
        trigger: 'regenerate-message',
        messageId: second.message.id,
        abortSignal: undefined,
      }),
    );
    assert.match(textOf(again.message).join(''), /4/);
    const { body: after } = await json<{ metadata: Record<string, unknown> }>(
      `${t.url}/api/sessions/${sessionId}`,
    );
    assert.deepEqual(after.metadata.ai_sdk_superseded_runs, [second.message.id]);
  });

  test('bad requests are answered before any stream, with the error table code', async () => {
    const { status, body } = await json<{ error: { code: string } }>(`${t.url}/api/ai-sdk/chat`, {
      body: { id: 'c', messages: [{ id: 'a', role: 'assistant', parts: [{ type: 'text', text: 'hi' }] }] },
    });
    assert.equal(status, 400);
    assert.equal(body.error.code, 'validation_failed');
    await assert.rejects(
      transport.sendMessages({
        chatId: 'c',
        messages: [user('u', 'hi')],
        trigger: 'submit-message',
        messageId: undefined,
        abortSignal: undefined,
        body: { agent_id: 'nope' },
      }),
      /agent_not_found/,
    );
  });
});

/** Slow demo model, so runs are still going when the tests act; API keys for two tenants. */
describe('ai sdk chat: resume and stop', () => {
  const KEY_A = 'key-tenant-a';
  const auth = { authorization: `Bearer ${KEY_A}` };
  let t: TestServer;
  let transport: DefaultChatTransport<UIMessage>;
  const as = (key: string) =>
    new DefaultChatTransport<UIMessage>({
      api: `${t.url}/api/ai-sdk/chat`,
      headers: { authorization: `Bearer ${key}` },
    });
  const runStatus = async (runId: string) =>
    (await json<{ status: string }>(`${t.url}/api/runs/${runId}`, { headers: auth })).body.status;
  before(async () => {
    t = await startTestServer({
      demo_pace: 200,
      api_keys: [
        { key: KEY_A, tenant: 'a' },
        { key: 'key-tenant-b', tenant: 'b' },
      ],
      runs: { shutdown_grace_ms: 0 },
    });
    transport = as(KEY_A);
  });
  after(async () => {
    await t.close();
  });

  test('another tenant cannot reach a chat id', async () => {
    const controller = new AbortController();
    const stream = await transport.sendMessages({
      chatId: 'shared-name',
      messages: [user('u1', 'write a long detailed text about the sea')],
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: controller.signal,
      body: { on_disconnect: 'cancel' },
    });
    assert.equal(await as('key-tenant-b').reconnectToStream({ chatId: 'shared-name' }), null);
    const resumed = await transport.reconnectToStream({ chatId: 'shared-name' });
    assert.ok(resumed, 'the owner can resume');
    await resumed.cancel();
    await stream.cancel();
    controller.abort();
  });

  test('resume: 204 when idle; mid-run the same message replayed from its start', async () => {
    assert.equal(await transport.reconnectToStream({ chatId: 'never-used' }), null);
    const idle = await fetch(`${t.url}/api/ai-sdk/chat/never-used/stream`, { headers: auth });
    assert.equal(idle.status, 204);

    const chatId = 'chat-resume';
    const original = await transport.sendMessages({
      chatId,
      messages: [user('u1', 'write a long detailed text about the sea')],
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: undefined,
    });
    // Take a few chunks from the original, then join from a second connection.
    const [head, rest] = original.tee();
    const headReader = head.getReader();
    for (let i = 0; i < 6; i++) await headReader.read();
    // Not awaited: a tee branch's cancel settles only once the other branch is done too.
    void headReader.cancel();
    const resumed = await transport.reconnectToStream({ chatId });
    assert.ok(resumed, 'a stream while the run is active');
    const [a, b] = await Promise.all([read(rest), read(resumed)]);
    assert.deepEqual(b.message, a.message);
    assert.ok(textOf(a.message).join('').length > 100);
    assert.equal((a.message.metadata as Metadata).status, 'completed');

    assert.equal(await transport.reconnectToStream({ chatId }), null, 'nothing to resume once it ended');
  });

  test('stop then a new message: the first run is interrupted, the new one answers', async () => {
    const chatId = 'chat-stop';
    const controller = new AbortController();
    const first = await transport.sendMessages({
      chatId,
      messages: [user('u1', 'write a long detailed text about the sea')],
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: controller.signal,
    });
    const reader = first.getReader();
    const start = await reader.read();
    const firstRunId = (start.value as { messageId?: string }).messageId ?? '';
    await reader.read();
    controller.abort();
    await reader.cancel().catch(() => {});

    const second = await read(
      await transport.sendMessages({
        chatId,
        messages: [user('u1', 'write a long detailed text about the sea'), user('u2', 'what is 17*23?')],
        trigger: 'submit-message',
        messageId: undefined,
        abortSignal: undefined,
      }),
    );
    assert.match(textOf(second.message).join(''), /391/);
    const status = await waitFor(async () => {
      const found = await runStatus(firstRunId);
      return found === 'running' ? undefined : found;
    }, 'the first run to end');
    assert.equal(status, 'cancelled');
  });

  test('on_disconnect "cancel" in the body makes leaving cancel the run', async () => {
    const controller = new AbortController();
    const stream = await transport.sendMessages({
      chatId: 'chat-cancel-on-leave',
      messages: [user('u1', 'write a long detailed text about the sea')],
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: controller.signal,
      body: { on_disconnect: 'cancel' },
    });
    const reader = stream.getReader();
    const start = await reader.read();
    const runId = (start.value as { messageId?: string }).messageId ?? '';
    controller.abort();
    await reader.cancel().catch(() => {});
    const status = await waitFor(async () => {
      const found = await runStatus(runId);
      return found === 'running' ? undefined : found;
    }, 'the run to end');
    assert.equal(status, 'cancelled');
  });
});
