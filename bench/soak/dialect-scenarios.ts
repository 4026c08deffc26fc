/**
 * Phase 2's scenarios for the other wire dialects (docs/dialects.md). Each reads its answer to
 * the end and checks what that dialect promises about the end of a stream: its closing frames,
 * and where it carries canonical events with ids (GTPlanner), their seqs.
 */
import type { SseMessage } from '../../src/sse/index.ts';
import type { ChainSet } from './chain-set.ts';
import type { SoakContext } from './context.ts';
import { readStream, requestJson } from './http.ts';
import { expectStatus } from './native.ts';
import { SoakFailure } from './tally.ts';

const CHAT_MESSAGES = ['what is 12*7', 'what time is it in Tokyo', 'hello', 'tell me about rivers'] as const;

/** Streams a dialect's answer to its end and returns every message; 200 and SSE or a failure. */
async function readDialect(
  ctx: SoakContext,
  kind: string,
  path: string,
  body: unknown,
): Promise<SseMessage[]> {
  ctx.tally.request(kind);
  const messages: SseMessage[] = [];
  const answer = await readStream(ctx.client, 'POST', path, {
    body,
    onMessage: (message) => {
      messages.push(message);
      return 'continue';
    },
  });
  expectStatus(kind, answer.status, 200, answer.text);
  if (answer.text !== '') throw new SoakFailure(`${kind}: not an event stream`, answer.text);
  return messages;
}

function json(message: SseMessage | undefined): Record<string, unknown> {
  try {
    return JSON.parse(message?.data ?? '') as Record<string, unknown>;
  } catch {
    throw new SoakFailure('frame data not JSON', (message?.data ?? '(none)').slice(0, 200));
  }
}

function expectLast(
  kind: string,
  messages: SseMessage[],
  test: (m: SseMessage | undefined) => boolean,
): void {
  if (!test(messages.at(-1))) {
    throw new SoakFailure(`${kind}: wrong last frame`, (messages.at(-1)?.data ?? '(none)').slice(0, 200));
  }
}

/** GTPlanner: connection, the canonical events (id = seq) to conversation_end, complete, close. */
export async function gtplanner(ctx: SoakContext, chains: ChainSet): Promise<void> {
  const kind = 'POST /api/chat/agent';
  const subject = ctx.random.pick(['an online bookstore', 'a library system', 'a todo app']);
  const messages = await readDialect(ctx, kind, '/api/chat/agent', {
    session_id: `soak-${ctx.random.int(1, 1e9)}`,
    dialogue_history: [{ role: 'user', content: `design ${subject}` }],
    include_metadata: ctx.random.chance(0.5),
  });
  if (messages[0]?.event !== 'connection') throw new SoakFailure(`${kind}: no connection frame first`, '');
  const chain = chains.add();
  for (const message of messages) {
    if (message.id === undefined) continue;
    const data = json(message);
    if (data.seq !== Number(message.id)) throw new SoakFailure(`${kind}: id and seq differ`, message.data);
    chain.accept(Number(message.id), message.event);
  }
  if (!chain.ended) throw new SoakFailure(`${kind}: no conversation_end`, `last seq ${chain.lastSeq}`);
  const [complete, close] = messages.slice(-2);
  if (complete?.event !== 'complete' || close?.event !== 'close') {
    throw new SoakFailure(
      `${kind}: does not end with complete and close`,
      `${complete?.event}, ${close?.event}`,
    );
  }
}

/** The streaming agent example: start, content chunks, complete whose full_content is their sum. */
export async function streamingAgent(ctx: SoakContext): Promise<void> {
  const kind = 'POST /chat/stream';
  const messages = await readDialect(ctx, kind, '/chat/stream', { message: ctx.random.pick(CHAT_MESSAGES) });
  const frames = messages.map(json);
  if (frames[0]?.type !== 'start') throw new SoakFailure(`${kind}: no start frame first`, '');
  const last = frames.at(-1);
  if (last?.type !== 'complete') throw new SoakFailure(`${kind}: wrong last frame`, JSON.stringify(last));
  const text = frames
    .filter((f) => f.type === 'content')
    .map((f) => f.chunk)
    .join('');
  if (text !== last.full_content)
    throw new SoakFailure(`${kind}: full_content differs from the chunks`, text);
}

/** `POST /chat`: the same run answered as one JSON object. */
export async function streamingAgentJson(ctx: SoakContext): Promise<void> {
  const kind = 'POST /chat';
  ctx.tally.request(kind);
  const answer = await requestJson(ctx.client, 'POST', '/chat', {
    body: { message: ctx.random.pick(CHAT_MESSAGES) },
  });
  expectStatus(kind, answer.status, 200, answer.text);
  if (typeof (answer.json as { response?: unknown }).response !== 'string') {
    throw new SoakFailure(`${kind}: no response text`, answer.text);
  }
}

/** The agent chat service: content chunks then done; sometimes a second turn in the same session. */
export async function agentChat(ctx: SoakContext): Promise<void> {
  const kind = 'POST /api/agents/{id}/chat/stream';
  const path = '/api/agents/assistant/chat/stream';
  const first = await readDialect(ctx, kind, path, { message: ctx.random.pick(CHAT_MESSAGES) });
  expectLast(kind, first, (m) => json(m).type === 'done');
  if (!ctx.random.chance(0.3)) return;
  const sessionId = json(first.at(-1)).session_id;
  const second = await readDialect(ctx, `${kind} (next turn)`, path, {
    message: ctx.random.pick(CHAT_MESSAGES),
    session_id: sessionId,
  });
  expectLast(kind, second, (m) => json(m).type === 'done' && json(m).session_id === sessionId);
}

/** OpenAI Chat Completions, streamed: a stop chunk, the usage chunk, then [DONE]. */
export async function openaiStream(ctx: SoakContext): Promise<void> {
  const kind = 'POST /v1/chat/completions (stream)';
  const messages = await readDialect(ctx, kind, '/v1/chat/completions', {
    model: 'assistant',
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: ctx.random.pick(CHAT_MESSAGES) }],
  });
  expectLast(kind, messages, (m) => m?.data === '[DONE]');
  const chunks = messages.slice(0, -1).map(json);
  const finish = chunks.find(
    (c) => (c.choices as Array<{ finish_reason?: unknown }>)[0]?.finish_reason === 'stop',
  );
  if (!finish) throw new SoakFailure(`${kind}: no stop chunk`, '');
  if (!chunks.at(-1)?.usage) throw new SoakFailure(`${kind}: no usage chunk`, JSON.stringify(chunks.at(-1)));
}

/** OpenAI Chat Completions without streaming: one completion with text. */
export async function openaiJson(ctx: SoakContext): Promise<void> {
  const kind = 'POST /v1/chat/completions';
  ctx.tally.request(kind);
  const answer = await requestJson(ctx.client, 'POST', '/v1/chat/completions', {
    body: { model: 'assistant', messages: [{ role: 'user', content: ctx.random.pick(CHAT_MESSAGES) }] },
  });
  expectStatus(kind, answer.status, 200, answer.text);
  const choice = (answer.json as { choices?: Array<{ message?: { content?: unknown } }> }).choices?.[0];
  if (typeof choice?.message?.content !== 'string' || choice.message.content === '') {
    throw new SoakFailure(`${kind}: no answer text`, answer.text.slice(0, 200));
  }
}

/** The Vercel AI SDK UI message stream: start first, finish, then [DONE]. */
export async function aiSdk(ctx: SoakContext): Promise<void> {
  const kind = 'POST /api/ai-sdk/chat';
  const messages = await readDialect(ctx, kind, '/api/ai-sdk/chat', {
    id: `soak-${ctx.random.int(1, 1e9)}`,
    messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: ctx.random.pick(CHAT_MESSAGES) }] }],
    trigger: 'submit-message',
  });
  expectLast(kind, messages, (m) => m?.data === '[DONE]');
  const chunks = messages.slice(0, -1).map(json);
  if (chunks[0]?.type !== 'start') throw new SoakFailure(`${kind}: no start chunk first`, '');
  if (chunks.at(-1)?.type !== 'finish') throw new SoakFailure(`${kind}: no finish chunk last`, '');
}

/** The extraction task: status updates, then a billable final_result. */
export async function extract(ctx: SoakContext): Promise<void> {
  const kind = 'POST /v1/extract';
  const messages = await readDialect(ctx, kind, '/v1/extract', {
    document_path: 'invoice.txt',
    user_id: `soak-user-${ctx.random.int(1, 100)}`,
  });
  if (messages[0]?.event !== 'status_update') throw new SoakFailure(`${kind}: no status_update first`, '');
  const last = messages.at(-1);
  const result = json(last) as { status?: unknown; billing?: { billable?: unknown } };
  if (last?.event !== 'final_result' || result.status !== 'completed' || result.billing?.billable !== true) {
    throw new SoakFailure(`${kind}: no completed, billable final_result`, (last?.data ?? '').slice(0, 200));
  }
}

/** The document the extraction scenario reads, written into the server's documents folder. */
export const EXTRACT_DOCUMENT = {
  name: 'invoice.txt',
  text: 'Invoice issued 2026-03-15 by Acme Widgets Inc.\nTotal: $1,250.00. Contact: billing@acme.example\n',
};
