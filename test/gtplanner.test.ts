import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GTPlannerApi } from '../src/dialects/index.ts';
import {
  type AddedMessage,
  EVENT_TYPES,
  type EventType,
  eventDataSchemas,
  LANGUAGES,
  type Language,
} from '../src/protocol/index.ts';
import { createSseDecoder, type SseMessage } from '../src/sse/index.ts';
import { json, startTestServer, type TestServer } from './support/sluice.ts';

/** A GTPlanner frame: its SSE fields and its data parsed. */
interface Frame {
  event: string;
  id: string | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: frames are checked field by field below
  data: any;
}

function parseFrames(raw: string): Frame[] {
  const messages: SseMessage[] = [];
  const decoder = createSseDecoder((message) => messages.push(message));
  decoder.push(new TextEncoder().encode(raw));
  decoder.flush();
  return messages.map((m) => ({ event: m.event ?? 'message', id: m.id, data: JSON.parse(m.data) }));
}

/** The main server's keys: tenant `a` is the one most tests use. */
const KEY_A = { authorization: 'Bearer key-tenant-a' };
const KEY_B = { 'x-api-key': 'key-tenant-b' };

async function chat(url: string, body: unknown, headers: Record<string, string> = KEY_A) {
  const response = await fetch(`${url}/api/chat/agent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const raw = await response.text();
  const isStream = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
  return {
    status: response.status,
    headers: response.headers,
    raw,
    frames: isStream ? parseFrames(raw) : [],
    // biome-ignore lint/suspicious/noExplicitAny: error bodies are checked field by field
    error: isStream ? undefined : (JSON.parse(raw) as any),
  };
}

const ENVELOPE = ['event_type', 'timestamp', 'session_id', 'data', 'metadata', 'seq', 'run_id'];

/** The GTPlanner stream rules every response must meet. */
function checkStream(frames: Frame[], sessionId: string): Frame[] {
  assert.equal(frames[0]?.event, 'connection', 'connection first');
  assert.equal(frames[0]?.data.status, 'connected');
  assert.equal(frames[0]?.data.session_id, sessionId);
  assert.deepEqual(
    frames.slice(-2).map((f) => f.event),
    ['complete', 'close'],
    'complete and close last',
  );
  const events = frames.filter((f) => (EVENT_TYPES as string[]).includes(f.event));
  assert.equal(events.filter((f) => f.event === 'conversation_start').length, 1);
  assert.equal(events.filter((f) => f.event === 'conversation_end').length, 1);
  assert.equal(events[0]?.event, 'conversation_start');
  assert.equal(events.at(-1)?.event, 'conversation_end');
  for (const [index, frame] of events.entries()) {
    assert.deepEqual(Object.keys(frame.data), ENVELOPE);
    assert.equal(frame.data.event_type, frame.event);
    assert.equal(frame.data.session_id, sessionId, 'every event carries the client session id');
    assert.equal(frame.id, String(frame.data.seq));
    assert.equal(frame.data.seq, index + 1, 'seq 1, 2, 3, ... without buffer_events');
    const parsed = eventDataSchemas[frame.event as EventType].safeParse(frame.data.data);
    assert.ok(parsed.success, `${frame.event}: ${parsed.error?.message}`);
  }
  return events;
}

function body(sessionId: string, content: string, extra: Record<string, unknown> = {}) {
  return {
    session_id: sessionId,
    dialogue_history: [{ role: 'user', content, timestamp: new Date().toISOString() }],
    tool_execution_results: {},
    session_metadata: {},
    ...extra,
  };
}

const REQUESTS: Record<Language, { first: string; second: string; heading: string; wish: string }> = {
  zh: {
    first: '帮我设计一个在线购物系统',
    second: '再加上会员积分功能，请做详细设计',
    heading: '## 概述',
    wish: '会员积分功能',
  },
  en: {
    first: 'Design an online shop',
    second: 'Also add a loyalty points program and make it a detailed design',
    heading: '## Overview',
    wish: 'loyalty points program',
  },
  ja: {
    first: 'オンラインショップを設計してください',
    second: '会員ポイント機能も追加して、詳細な設計にしてください',
    heading: '## 概要',
    wish: '会員ポイント機能',
  },
  es: {
    first: 'Diseña una tienda en línea',
    second: 'Añade un programa de puntos y haz un diseño detallado',
    heading: '## Resumen',
    wish: 'programa de puntos',
  },
  fr: {
    first: 'Conçois une boutique en ligne',
    second: 'Ajoute un programme de fidélité et fais une conception détaillée',
    heading: "## Vue d'ensemble",
    wish: 'programme de fidélité',
  },
};

describe('GTPlanner SSE API: POST /api/chat/agent', () => {
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

  test("the document's JavaScript example: plan, design document in Chinese, updates and new messages", async () => {
    // gtplanner-sse-implementation.md, "API 调用示例", as written.
    const response = await chat(t.url, {
      session_id: 'test_session',
      dialogue_history: [
        { role: 'user', content: '帮我设计一个在线购物系统', timestamp: new Date().toISOString() },
      ],
      tool_execution_results: {},
      session_metadata: { language: 'zh' },
      include_metadata: true,
      buffer_events: false,
      heartbeat_interval: 30.0,
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(response.headers.get('x-accel-buffering'), 'no');
    const events = checkStream(response.frames, 'test_session');

    const start = events[0]!.data;
    assert.equal(start.data.user_input, '帮我设计一个在线购物系统');
    assert.equal(start.data.language, 'zh');
    assert.equal(start.data.agent_id, 'planner');
    // include_metadata: true -> the run's details in every event's metadata.
    for (const event of events) {
      assert.equal(event.data.metadata.run_id, start.run_id);
      assert.equal(event.data.metadata.seq, event.data.seq);
      assert.equal(event.data.metadata.model, 'demo');
    }

    for (const tool of ['short_planning', 'design']) {
      const calls = events.filter((e) => e.data.data.tool_name === tool);
      assert.deepEqual(
        [...new Set(calls.map((e) => e.event))],
        ['tool_call_start', 'tool_call_progress', 'tool_call_end'],
        tool,
      );
      assert.ok(
        calls.filter((e) => e.event === 'tool_call_progress').length >= 3,
        `${tool} reports progress`,
      );
      for (const progress of calls.filter((e) => e.event === 'tool_call_progress')) {
        assert.match(progress.data.data.progress_message, /[\u4e00-\u9fff]/, 'progress in Chinese');
      }
      assert.equal(calls.at(-1)?.data.data.status, 'completed');
    }

    const documents = events.filter((e) => e.event === 'design_document_generated');
    assert.equal(documents.length, 1);
    const document = documents[0]!.data.data;
    assert.equal(document.filename, 'design.md');
    assert.equal(document.format, 'markdown');
    assert.ok(document.content.startsWith('# 在线购物系统设计文档\n'), document.content.slice(0, 40));
    assert.match(
      document.content,
      /## 概述[\s\S]*## 功能[\s\S]*## 架构与组件[\s\S]*## 数据模型[\s\S]*## 实施计划/,
    );
    // Saved under the documents folder, as the tool's result says.
    const saved = join(t.config.documents_dir, 'designs', document.document_id, 'design.md');
    assert.ok(existsSync(saved));
    assert.equal(readFileSync(saved, 'utf8'), document.content);

    const end = events.at(-1)!.data.data;
    assert.equal(end.success, true);
    assert.deepEqual(Object.keys(end.tool_execution_results_updates).sort(), ['design', 'short_planning']);
    assert.equal(end.tool_execution_results_updates.design.content, document.content);
    assert.equal(end.new_messages.length, end.new_messages_count);
    assert.deepEqual(
      end.new_messages.map((m: AddedMessage) => m.role),
      ['assistant', 'tool', 'assistant', 'tool', 'assistant'],
    );
    assert.match(end.new_messages.at(-1).content, /设计文档《在线购物系统设计文档》已完成/);

    const complete = response.frames.at(-2)!.data;
    assert.equal(complete.status, 'completed');
    assert.equal(complete.session_id, 'test_session');
    assert.equal(complete.result.success, true);
    assert.equal(complete.result.user_input, '帮我设计一个在线购物系统');
    assert.equal(complete.result.new_messages_count, end.new_messages_count);
    assert.deepEqual(complete.result.tool_execution_results_updates, end.tool_execution_results_updates);
    assert.equal(complete.result.metadata.dialogue_history_length, 1);
    assert.equal(complete.statistics.total_events, events.length);
    assert.equal(complete.statistics.event_counts.design_document_generated, 1);
    assert.equal(response.frames.at(-1)!.data.status, 'closing');
  });

  test('acceptance: two turns in each of the five languages, feeding back the updates and new messages', async () => {
    for (const language of LANGUAGES) {
      const { first, second, heading, wish } = REQUESTS[language];
      const sessionId = `two-turns-${language}`;
      const opening = { role: 'user', content: first, timestamp: new Date().toISOString() };
      const one = await chat(t.url, body(sessionId, first, { session_metadata: { language } }));
      const end1 = checkStream(one.frames, sessionId).at(-1)!.data.data;
      assert.equal(end1.success, true, language);

      // The client keeps its context: the new messages go into the history, the updates into its results.
      const turn2 = {
        session_id: sessionId,
        dialogue_history: [opening, ...end1.new_messages, { role: 'user', content: second }],
        tool_execution_results: { ...end1.tool_execution_results_updates },
        session_metadata: { language },
      };
      const two = await chat(t.url, turn2);
      const events = checkStream(two.frames, sessionId);
      assert.equal(events[0]?.data.data.language, language);
      const document = events.find((e) => e.event === 'design_document_generated')?.data.data;
      assert.ok(document, `${language}: a design document in the second turn`);
      assert.ok(document.content.includes(heading), `${language}: written in ${language}`);
      assert.ok(document.content.includes(first), `${language}: the first turn's requirement is kept`);
      assert.ok(document.content.includes(wish), `${language}: the second turn's wish is in: ${wish}`);
      const end2 = events.at(-1)!.data.data;
      assert.equal(end2.tool_execution_results_updates.design.mode, 'deep', language);
      assert.equal(end2.tool_execution_results_updates.design.sections.length, 11, language);
    }
  });

  test('10 concurrent requests never share state: each stream has only its session id and language', async () => {
    const requests = Array.from({ length: 10 }, (_, i) => {
      const language = LANGUAGES[i % LANGUAGES.length]!;
      return { sessionId: `concurrent-${i}`, language };
    });
    const responses = await Promise.all(
      requests.map(({ sessionId, language }) =>
        chat(
          t.url,
          body(sessionId, REQUESTS[language].first, {
            session_metadata: { language },
            include_metadata: true,
          }),
        ),
      ),
    );
    const runIds = new Set<string>();
    for (const [i, response] of responses.entries()) {
      const { sessionId, language } = requests[i]!;
      assert.equal(response.status, 200);
      const events = checkStream(response.frames, sessionId);
      for (const frame of response.frames) {
        if (frame.data.session_id !== undefined) assert.equal(frame.data.session_id, sessionId);
      }
      const runId = events[0]!.data.run_id;
      runIds.add(runId);
      for (const event of events) {
        assert.equal(event.data.run_id, runId);
        assert.equal(event.data.metadata.language, language);
      }
      assert.equal(events[0]!.data.data.language, language);
      const document = events.find((e) => e.event === 'design_document_generated')?.data.data;
      assert.ok(document.content.includes(REQUESTS[language].heading), `${sessionId} in ${language}`);
      assert.ok(document.content.includes(REQUESTS[language].first));
    }
    assert.equal(runIds.size, 10);
  });

  test('buffer_events: fewer chunk frames, the same text', async () => {
    const plain = await chat(t.url, body('buffer-off', 'Design an online shop'));
    const buffered = await chat(t.url, body('buffer-on', 'Design an online shop', { buffer_events: true }));
    const chunks = (frames: Frame[]) => frames.filter((f) => f.event === 'assistant_message_chunk');
    const text = (frames: Frame[]) =>
      chunks(frames)
        .map((f) => f.data.data.content)
        .join('');
    assert.ok(chunks(buffered.frames).length < chunks(plain.frames).length);
    // The same words; only the saved document's id differs between the two runs.
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
    assert.equal(text(buffered.frames).replace(uuid, 'ID'), text(plain.frames).replace(uuid, 'ID'));
    const complete = buffered.frames.at(-2)?.data;
    assert.ok(complete.statistics.merged_chunks > 0);
    assert.equal(complete.statistics.event_counts.assistant_message_chunk, chunks(plain.frames).length);
  });

  test('the run behind a response can be joined by its id, with the same seq', async () => {
    const response = await chat(t.url, body('join-me', 'Design an online shop'));
    const runId = response.frames[0]?.data.run_id;
    assert.equal(response.headers.get('x-sluice-run-id'), runId);
    const events = await fetch(`${t.url}${response.frames[0]?.data.events_url}`, {
      headers: { 'last-event-id': '3', ...KEY_A },
    });
    const native = parseFrames(await events.text()).filter((f) => f.data.seq !== undefined);
    const ids = response.frames.filter((f) => f.id !== undefined).map((f) => Number(f.id));
    assert.deepEqual(
      native.map((f) => f.data.seq),
      ids.slice(3),
    );
  });

  test('the library class writes the same frames to a collecting writer and returns the summary', async () => {
    const api = new GTPlannerApi({ ...t.server.ctx, toolResultChars: 16_000 });
    const written: string[] = [];
    const summary = await api.processRequestStream({
      agentContext: body('library', '帮我设计一个在线购物系统'),
      language: 'zh',
      responseWriter: async (data) => {
        written.push(data);
      },
      includeMetadata: true,
      tenantId: 'a',
    });
    const frames = parseFrames(written.join(''));
    const events = checkStream(frames, 'library');
    assert.equal(summary.success, true);
    assert.equal(summary.session_id, 'library');
    assert.equal(summary.user_input, '帮我设计一个在线购物系统');
    assert.equal(summary.new_messages.length, summary.new_messages_count);
    assert.deepEqual(summary.new_messages, events.at(-1)?.data.data.new_messages);
    assert.ok(events.every((e) => e.data.metadata.run_id === summary.run_id));
    assert.ok(
      written.every((chunk) => chunk.endsWith('\n\n')),
      'whole frames per write',
    );

    const http = await chat(
      t.url,
      body('library', '帮我设计一个在线购物系统', { language: 'zh', include_metadata: true }),
    );
    assert.deepEqual(
      frames.map((f) => f.event),
      http.frames.map((f) => f.event),
      'the same frames as the endpoint',
    );
  });

  test('a writer that throws stops the reading and rejects; the run still completes', async () => {
    const api = new GTPlannerApi({ ...t.server.ctx });
    let calls = 0;
    await assert.rejects(
      api.processRequestStream({
        agentContext: body('broken-writer', 'Design an online shop'),
        responseWriter: () => {
          calls++;
          if (calls === 3) throw new Error('client went away');
        },
      }),
      /client went away/,
    );
    assert.equal(calls, 3);
    const status = await api.getSessionStatus('broken-writer');
    await t.server.ctx.runs.settled(status.run_id ?? '');
    assert.equal((await api.getSessionStatus('broken-writer')).status, 'completed');
    // Library calls without a tenant use the open server's tenant, not another's.
    await assert.rejects(api.getSessionStatus('broken-writer', 'a'), { code: 'session_not_found' });
    // Its options are held to the body's rules, before anything starts.
    await assert.rejects(
      api.processRequestStream({
        agentContext: body('bad-options', 'x'),
        heartbeatInterval: 0,
        responseWriter: () => assert.fail('nothing is written'),
      }),
      { code: 'validation_failed' },
    );
    await assert.rejects(
      api.processRequestStream({ agentContext: 'not a context', responseWriter: () => {} }),
      { code: 'validation_failed' },
    );
  });

  test('GET /api/sessions/{id}/status: the latest run of a client session, a Sluice session, or 404', async () => {
    await chat(t.url, body('status-me', 'Design an online shop'));
    const second = await chat(t.url, body('status-me', 'Design a blog'));
    const { status, body: answer } = await json<Record<string, unknown>>(
      `${t.url}/api/sessions/status-me/status`,
      {
        headers: KEY_A,
      },
    );
    assert.equal(status, 200);
    assert.equal(answer.session_id, 'status-me');
    assert.equal(answer.kind, 'gtplanner');
    assert.equal(answer.run_id, second.frames[0]?.data.run_id, 'the latest request');
    assert.equal(answer.is_active, false);
    assert.equal(answer.status, 'completed');
    assert.equal(answer.agent_id, 'planner');
    assert.equal(answer.language, 'en');
    assert.equal(answer.message_count, 6);
    assert.equal(answer.tool_call_count, 2);
    assert.equal(answer.events_count, second.frames.filter((f) => f.id !== undefined).length);
    assert.ok(
      typeof answer.last_activity === 'string' && answer.last_activity >= (answer.created_at as string),
    );

    const missing = await json<{ error: { code: string; message: string } }>(
      `${t.url}/api/sessions/nobody-here/status`,
      { headers: { 'accept-language': 'fr', ...KEY_A } },
    );
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'session_not_found');
    assert.match(missing.body.error.message, /n'existe pas/);

    const native = await json<{ id: string }>(`${t.url}/api/sessions`, { body: {}, headers: KEY_A });
    const stored = await json<Record<string, unknown>>(`${t.url}/api/sessions/${native.body.id}/status`, {
      headers: KEY_A,
    });
    assert.equal(stored.status, 200);
    assert.equal(stored.body.kind, 'sluice');
    assert.equal(stored.body.status, 'idle');
    assert.equal(stored.body.message_count, 0);
  });

  test('GET /api/status answers get_api_status: languages, event types, features', async () => {
    const { status, body: answer } = await json<Record<string, unknown>>(`${t.url}/api/status`, {
      headers: KEY_A,
    });
    assert.equal(status, 200);
    assert.equal(answer.api_name, 'Sluice GTPlanner SSE API');
    assert.equal(answer.streaming_enabled, true);
    assert.deepEqual(answer.supported_languages, ['zh', 'en', 'ja', 'es', 'fr']);
    assert.deepEqual(answer.event_types, EVENT_TYPES);
    assert.ok((answer.sse_events as string[]).includes('heartbeat'));
    assert.ok((answer.features as string[]).includes('buffer_events'));
    assert.deepEqual(answer.current_config, {
      include_metadata: false,
      buffer_events: false,
      heartbeat_interval: 30,
    });
    assert.equal(answer.name, 'sluice', "Sluice's own status fields are still there");
    assert.equal(typeof answer.active_runs, 'number');
  });

  test('bad input answers the error table before any stream', async () => {
    const cases: Array<[string, unknown, number, string]> = [
      [
        'missing session_id',
        { dialogue_history: [{ role: 'user', content: 'x' }] },
        400,
        'validation_failed',
      ],
      [
        'session_id a number',
        { session_id: 1, dialogue_history: [{ role: 'user', content: 'x' }] },
        400,
        'validation_failed',
      ],
      ['dialogue_history a string', { session_id: 's', dialogue_history: 'x' }, 400, 'validation_failed'],
      ['empty dialogue_history', { session_id: 's', dialogue_history: [] }, 400, 'validation_failed'],
      ['include_metadata a string', body('s', 'x', { include_metadata: 'yes' }), 400, 'validation_failed'],
      ['heartbeat_interval too long', body('s', 'x', { heartbeat_interval: 301 }), 400, 'validation_failed'],
      [
        'last message not the user',
        {
          session_id: 's',
          dialogue_history: [
            { role: 'user', content: 'x' },
            { role: 'assistant', content: 'y' },
          ],
        },
        400,
        'validation_failed',
      ],
      ['an unsupported language', body('s', 'x', { language: 'de' }), 400, 'unsupported_language'],
      ['not JSON', '{"session_id":', 400, 'invalid_json'],
    ];
    for (const [name, payload, status, code] of cases) {
      const response = await chat(t.url, payload);
      assert.equal(response.status, status, name);
      assert.equal(response.error?.error.code, code, name);
      assert.equal(typeof response.error?.error.message, 'string', name);
    }
    const missing = await chat(t.url, { dialogue_history: [{ role: 'user', content: 'x' }] });
    assert.deepEqual(
      missing.error.error.details.issues.map((i: { path: string }) => i.path),
      ['session_id'],
    );
  });
  test('without a key 401; a client session id is visible only to its tenant', async () => {
    const anonymous = await chat(t.url, body('private', 'hello'), {});
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.error.error.code, 'unauthorized');
    const own = await chat(t.url, body('private', 'hello'));
    assert.equal(own.status, 200);
    const mine = await json(`${t.url}/api/sessions/private/status`, { headers: KEY_A });
    assert.equal(mine.status, 200);
    const theirs = await json(`${t.url}/api/sessions/private/status`, { headers: KEY_B });
    assert.equal(theirs.status, 404);
    assert.equal((await json(`${t.url}/api/sessions/private/status`)).status, 401);
  });
});

describe('GTPlanner SSE API: heartbeat', () => {
  let t: TestServer;
  before(async () => {
    // One token every 2.5 s: the demo's pauses outlast a one-second heartbeat interval.
    t = await startTestServer({ demo_pace: 0.4 });
  });
  after(async () => {
    await t.close();
  });

  test('an idle stream gets `event: heartbeat` frames with valid JSON at heartbeat_interval', async () => {
    const controller = new AbortController();
    const response = await fetch(`${t.url}/api/chat/agent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body('beating', 'Design an online shop', { heartbeat_interval: 1 })),
      signal: controller.signal,
    });
    const messages: SseMessage[] = [];
    const decoder = createSseDecoder((message) => messages.push(message));
    const reader = response.body!.getReader();
    while (!messages.some((m) => m.event === 'heartbeat')) {
      const { value, done } = await reader.read();
      if (done) break;
      decoder.push(value);
    }
    controller.abort();
    const heartbeat = messages.find((m) => m.event === 'heartbeat');
    assert.ok(heartbeat, 'a heartbeat while the demo model paused');
    const data = JSON.parse(heartbeat.data) as Record<string, unknown>;
    assert.equal(data.session_id, 'beating');
    assert.equal(typeof data.timestamp, 'string');
    assert.equal(typeof data.event_count, 'number');
    assert.equal(heartbeat.id, undefined);
    const runId = JSON.parse(messages[0]?.data ?? '{}').run_id as string;
    await t.server.ctx.runs.cancel(runId);
    await t.server.ctx.runs.settled(runId);
  });
});
