import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MAX_JSON_DEPTH, wellFormed } from '../src/http/well-formed.ts';
import { createSseDecoder, type SseMessage } from '../src/sse/index.ts';
import { DEEP, deepJson } from './support/bad-input.ts';
import { createSession, startTestServer, type TestServer } from './support/sluice.ts';

/**
 * Message text full of SSE syntax, ill-formed UTF-16, a 1 MB message and 10,000-level JSON in
 * metadata, through the native stream and every dialect's streaming endpoint: the frames stay
 * well formed (each data is JSON or `[DONE]`, one decoded event per frame, no line a client
 * would read as an injected field), and the text round-trips where the dialect echoes it.
 */

const NASTY: Record<string, string> = {
  'a blank line and an event': 'hi\n\nevent: error\ndata: x\n\n',
  'lone carriage returns': 'one\rtwo\r\rid: 99\rthree',
  'data and id fields': 'data: {"type":"done"}\n\ndata: [DONE]\n\nid: 99\nretry: 1\n',
  'CRLF and a comment': 'a\r\n\r\n: comment\r\nevent: message\r\n',
  'lone surrogates and U+0000': 'x\ud800y\udc00z\u0000!',
  'a 1 MB message': `${'word '.repeat(199_990)}\n\nevent: error\n`,
};

/** Lines only an injection could produce (the dialects' own `event:` and `id:` lines are legitimate). */
const INJECTED = ['data: x', 'data: [DONE]x', ': comment', 'retry: 1'];

interface Endpoint {
  name: string;
  path: string | ((t: TestServer) => Promise<string>);
  /** The request, carrying `text` as the user's message and `metadata` (JSON text) where the body takes any. */
  body: (text: string, metadata: string) => string;
  /** What frames carry back as `user_input`, from the user's (well-formed) text; false: nothing. */
  echoes: false | ((text: string) => string);
}

// As deep as a body may nest (the whole body within MAX_JSON_DEPTH); deeper is refused, tested below.
const deepMetadata = deepJson(MAX_JSON_DEPTH - 6, 'object');
const ENDPOINTS: Endpoint[] = [
  {
    name: 'native POST /api/sessions/:id/runs',
    path: async (t) => `/api/sessions/${await createSession(t.url)}/runs`,
    body: (text) => JSON.stringify({ message: text }),
    echoes: (text) => text,
  },
  {
    name: 'native, deep session metadata',
    path: async (t) => {
      const response = await fetch(`${t.url}/api/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"metadata": {"deep": ${deepMetadata}}}`,
      });
      const session = (await response.json()) as { id?: string };
      assert.equal(response.status, 201, JSON.stringify(session).slice(0, 300));
      return `/api/sessions/${session.id}/runs`;
    },
    body: (text) => JSON.stringify({ message: text }),
    echoes: (text) => text,
  },
  {
    name: 'GTPlanner POST /api/chat/agent',
    path: '/api/chat/agent',
    body: (text, metadata) =>
      `{"session_id": "bad-input", "dialogue_history": [{"role": "user", "content": ${JSON.stringify(text)}}], "session_metadata": {"deep": ${metadata}}}`,
    // The last user message, trimmed (gtplanner-context.ts).
    echoes: (text) => text.trim(),
  },
  {
    name: 'streaming agent POST /chat/stream',
    path: '/chat/stream',
    body: (text, metadata) => `{"message": ${JSON.stringify(text)}, "metadata": ${metadata}}`,
    echoes: false,
  },
  {
    name: 'agent chat POST /api/agents/assistant/chat/stream',
    path: '/api/agents/assistant/chat/stream',
    body: (text, metadata) => `{"message": ${JSON.stringify(text)}, "metadata": ${metadata}}`,
    echoes: false,
  },
  {
    name: 'OpenAI POST /v1/chat/completions (stream)',
    path: '/v1/chat/completions',
    body: (text, metadata) =>
      `{"model": "assistant", "stream": true, "messages": [{"role": "user", "content": ${JSON.stringify(text)}}], "metadata": {"deep": ${JSON.stringify(metadata)}}, "extra": ${metadata}}`,
    echoes: false,
  },
  {
    name: 'AI SDK POST /api/ai-sdk/chat',
    path: '/api/ai-sdk/chat',
    body: (text, metadata) =>
      `{"id": "bad-input-${Math.random().toString(36).slice(2)}", "trigger": "submit-message", "messages": [{"id": "m1", "role": "user", "parts": [{"type": "text", "text": ${JSON.stringify(text)}}]}], "metadata": ${metadata}}`,
    echoes: false,
  },
];

async function urlOf(t: TestServer, endpoint: Endpoint): Promise<string> {
  return t.url + (typeof endpoint.path === 'string' ? endpoint.path : await endpoint.path(t));
}

interface Read {
  status: number;
  type: string;
  raw: string;
  messages: SseMessage[];
}

async function read(url: string, body: string): Promise<Read> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body,
    signal: AbortSignal.timeout(60_000),
  });
  const raw = await response.text();
  const messages: SseMessage[] = [];
  const decoder = createSseDecoder((message) => messages.push(message));
  decoder.push(raw);
  decoder.flush();
  return { status: response.status, type: response.headers.get('content-type') ?? '', raw, messages };
}

/** Every `user_input` value anywhere in a frame. */
function userInputs(value: unknown, found: unknown[] = []): unknown[] {
  if (Array.isArray(value)) for (const item of value) userInputs(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'user_input') found.push(item);
      else userInputs(item, found);
    }
  }
  return found;
}

function assertWellFormed(stream: Read, where: string): unknown[] {
  assert.equal(stream.status, 200, `${where}: ${stream.raw.slice(0, 300)}`);
  assert.match(stream.type, /^text\/event-stream/, where);
  assert.ok(!stream.raw.includes('\r'), `${where}: a raw CR reached the wire`);
  const lines = stream.raw.split('\n');
  for (const line of lines) {
    assert.match(
      line,
      /^(|:.*|data: .*|event: \w[\w.-]*|id: \S+|retry: \d+)$/,
      `${where}: line ${line.slice(0, 120)}`,
    );
    assert.ok(!INJECTED.includes(line), `${where}: injected line ${line}`);
  }
  const frames = stream.raw
    .split('\n\n')
    .filter((frame) => frame.split('\n').some((l) => l.startsWith('data:')));
  assert.equal(stream.messages.length, frames.length, `${where}: one decoded event per frame`);
  for (const frame of frames) {
    const fields = frame.split('\n').map((line) => line.split(':')[0]);
    for (const field of ['data', 'event', 'id'])
      assert.ok(
        fields.filter((name) => name === field).length <= 1,
        `${where}: two ${field} lines in ${frame.slice(0, 200)}`,
      );
  }
  assert.ok(stream.messages.length > 0, `${where}: events arrived`);
  const data: unknown[] = [];
  for (const message of stream.messages) {
    if (message.data === '[DONE]') continue;
    data.push(JSON.parse(message.data));
  }
  return data;
}

describe('bad input in message text: stream frames stay well formed', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ rate_limit: { max: 1_000_000, window_ms: 60_000 } });
  });
  after(async () => {
    await t.close();
  });

  for (const endpoint of ENDPOINTS) {
    test(endpoint.name, async () => {
      for (const [kind, text] of Object.entries(NASTY)) {
        const where = `${endpoint.name}, ${kind}`;
        const stream = await read(await urlOf(t, endpoint), endpoint.body(text, deepMetadata));
        const data = assertWellFormed(stream, where);
        if (!endpoint.echoes) continue;
        const echoed = userInputs(data);
        assert.ok(echoed.length > 0, `${where}: the dialect echoes the input`);
        // Text PostgreSQL cannot store is made well formed at the door (src/http/well-formed.ts).
        const expected = endpoint.echoes(wellFormed(text));
        for (const value of echoed) assert.ok(value === expected, `${where}: user_input round-trips`);
      }
    });
  }

  test('metadata nested 10,000 levels deep is refused with validation_failed, on every endpoint', async () => {
    const tooDeep = deepJson(DEEP, 'object');
    // The native runs' body has no metadata: their deep metadata is the session's, below.
    for (const endpoint of ENDPOINTS.filter((endpoint) => !endpoint.name.startsWith('native'))) {
      const response = await fetch(await urlOf(t, endpoint), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: endpoint.body('hello', tooDeep),
      });
      const body = (await response.json()) as { error?: { code?: string } };
      const where = `${endpoint.name}: ${JSON.stringify(body).slice(0, 200)}`;
      assert.equal(response.status, 400, where);
      assert.equal(body.error?.code, 'validation_failed', where);
    }
    const session = await fetch(`${t.url}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"metadata": {"deep": ${tooDeep}}}`,
    });
    assert.equal(session.status, 400);
    assert.equal(((await session.json()) as { error: { code: string } }).error.code, 'validation_failed');
  });

  test('extraction POST /v1/extract over documents full of SSE syntax', async () => {
    mkdirSync(t.config.documents_dir, { recursive: true });
    for (const [kind, text] of Object.entries(NASTY)) {
      const name = `nasty-${Object.keys(NASTY).indexOf(kind)}.txt`;
      writeFileSync(join(t.config.documents_dir, name), `Invoice: 3 chairs at 40 USD.\n${text}`);
      const stream = await read(
        `${t.url}/v1/extract`,
        JSON.stringify({ document_path: name, user_id: 'u1' }),
      );
      assertWellFormed(stream, `/v1/extract, ${kind}`);
    }
  });
});
