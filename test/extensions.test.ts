import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { configSchema } from '../src/config/index.ts';
import { auditExtension } from '../src/extensions/example.ts';
import { createServer, type LoggedEvent, type SluiceExtension, type SluiceServer } from '../src/index.ts';
import { createSseDecoder, type SseMessage } from '../src/sse/index.ts';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream.ts';
import { createSession, json } from './support/sluice.ts';

/** The frames of one native run stream, read to the end; custom frames are not canonical, so no readStream. */
async function runFrames(url: string, session: string, message: string): Promise<SseMessage[]> {
  const response = await fetch(`${url}/api/sessions/${session}/runs`, {
    method: 'POST',
    headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
    body: JSON.stringify({ message }),
  });
  assert.equal(response.status, 200);
  const messages: SseMessage[] = [];
  const decoder = createSseDecoder((m) => messages.push(m));
  decoder.push(await response.text());
  decoder.flush();
  return messages.filter((m) => m.data !== '');
}

/** The value of one sample in Prometheus text, 0 when absent. */
function sample(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(labels ? `${name}{${labels}} ` : `${name} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('extensions: custom events, event hooks, middleware; /metrics', () => {
  let upstream: FakeUpstream;
  let server: SluiceServer;
  let url: string;
  const seen: LoggedEvent[] = [];
  const recorder: SluiceExtension = {
    name: 'recorder',
    onEvent(event) {
      seen.push(event);
    },
  };
  // A broken hook must not disturb the run or the other hooks.
  const broken: SluiceExtension = {
    name: 'broken',
    onEvent(event) {
      if (event.seq % 2 === 0) throw new Error('hook bug');
      return Promise.reject(new Error('async hook bug'));
    },
  };

  before(async () => {
    upstream = await startFakeUpstream();
    const config = configSchema.parse({
      host: '127.0.0.1',
      port: 0,
      log_level: 'silent',
      data_dir: 'memory://',
      openai: { api_key: 'sk-test-not-a-real-key', base_url: upstream.url, max_retries: 0 },
      agents: [{ id: 'auditor', name: 'Auditor', system_prompt: 'You audit.', tools: ['audit_note'] }],
    });
    server = await createServer(config, { extensions: [auditExtension, recorder, broken] });
    url = await server.listen();
  });
  after(async () => {
    await server.close();
    await upstream.close();
  });

  const noteCall = (args: string) => ({
    kind: 'stream' as const,
    toolCalls: [{ id: 'call_1', name: 'audit_note', arguments: [args] }],
    usage: { prompt_tokens: 30, completion_tokens: 5 },
  });
  const done = {
    kind: 'stream' as const,
    text: ['Noted.'],
    usage: { prompt_tokens: 40, completion_tokens: 2 },
  };

  test('a tool emits a registered custom event; the native stream carries it with its seq; hooks see every event', async () => {
    const before = (await (await fetch(`${url}/metrics`)).text()).toString();
    upstream.enqueue(noteCall('{"note":"customer asked for a refund","severity":"warning"}'), done);
    const session = await createSession(url, { agent_id: 'auditor' });
    const frames = await runFrames(url, session, 'please audit');

    const custom = frames.filter((m) => m.event === 'acme.audit_note');
    assert.equal(custom.length, 1);
    const event = JSON.parse(custom[0]?.data ?? '') as LoggedEvent;
    assert.deepEqual(event.data, { note: 'customer asked for a refund', severity: 'warning' });
    assert.equal(custom[0]?.id, String(event.seq));
    // In the run's order: after the tool started, before it ended.
    const types = frames.map((m) => m.event);
    assert.ok(types.indexOf('tool_call_start') < types.indexOf('acme.audit_note'));
    assert.ok(types.indexOf('acme.audit_note') < types.indexOf('tool_call_end'));
    assert.deepEqual(
      frames.map((m) => Number(m.id)),
      frames.map((_, i) => i + 1),
    );

    // The hook saw exactly the run's events, in order, despite the broken hook.
    const runId = event.run_id;
    await server.ctx.runs.settled(runId);
    const hooked = seen.filter((e) => e.run_id === runId);
    assert.deepEqual(
      hooked.map((e) => [e.seq, e.event_type]),
      frames.map((m) => [Number(m.id), m.event]),
    );
    const end = JSON.parse(frames.at(-1)?.data ?? '') as { event_type: string; data: { status: string } };
    assert.equal(end.event_type, 'conversation_end');
    assert.equal(end.data.status, 'completed');

    // The counters moved by what this run did.
    const after = await (await fetch(`${url}/metrics`)).text();
    const delta = (name: string, labels = '') => sample(after, name, labels) - sample(before, name, labels);
    assert.equal(delta('sluice_runs_total', 'status="completed",agent="auditor"'), 1);
    assert.equal(delta('sluice_events_total', 'type="acme.audit_note"'), 1);
    assert.equal(delta('sluice_events_total', 'type="conversation_end"'), 1);
    assert.equal(delta('sluice_tokens_total', 'direction="input",model="gpt-4o-mini"'), 70);
    assert.equal(delta('sluice_tokens_total', 'direction="output",model="gpt-4o-mini"'), 7);
    assert.equal(delta('sluice_llm_first_chunk_seconds_count', 'provider="openai",model="gpt-4o-mini"'), 2);
    assert.ok(delta('sluice_http_requests_total', 'method="POST",route="/api/sessions",status="201"') >= 1);
    assert.equal(sample(after, 'sluice_active_runs'), 0);
    assert.match(after, /^nodejs_eventloop_lag_seconds /m);
  });

  test('data that fails the schema is refused: the tool call fails, nothing is streamed, the run goes on', async () => {
    upstream.enqueue(noteCall('{"note":"x","severity":"catastrophic"}'), done);
    const session = await createSession(url, { agent_id: 'auditor' });
    const frames = await runFrames(url, session, 'audit badly');
    assert.equal(frames.filter((m) => m.event === 'acme.audit_note').length, 0);
    const toolEnd = frames.find((m) => m.event === 'tool_call_end');
    const data = (JSON.parse(toolEnd?.data ?? '') as { data: { status: string; error_message: string } })
      .data;
    assert.equal(data.status, 'failed');
    assert.match(data.error_message, /acme\.audit_note.*severity/);
    assert.equal(
      (JSON.parse(frames.at(-1)?.data ?? '') as { data: { status: string } }).data.status,
      'completed',
    );
  });

  test("an extension's onRequest hook acts as middleware on every route", async () => {
    const health = await fetch(`${url}/health`);
    assert.equal(health.headers.get('x-acme-audit'), 'on');
    await health.body?.cancel();
    const refused = await json(`${url}/api/internal/anything`);
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get('x-acme-audit'), 'on');
  });

  test('docs/extending.md shows the tested example verbatim', () => {
    const doc = readFileSync(new URL('../docs/extending.md', import.meta.url), 'utf8');
    const source = readFileSync(new URL('../src/extensions/example.ts', import.meta.url), 'utf8');
    assert.ok(doc.includes(source.replace("'../index.ts'", "'sluice'")), 'the example in the doc is stale');
  });
});

describe('extension registration', () => {
  const config = configSchema.parse({
    host: '127.0.0.1',
    port: 0,
    log_level: 'silent',
    data_dir: 'memory://',
  });

  test('a custom event type without a namespace, or registered twice, fails the start', async () => {
    const bare: SluiceExtension = { name: 'bare', eventTypes: { audit_note: configSchema } };
    await assert.rejects(createServer(config, { extensions: [bare] }), /needs a namespace/);
    await assert.rejects(
      createServer(config, { extensions: [auditExtension, { ...auditExtension, name: 'copy', tools: [] }] }),
      /already registered by "acme-audit"/,
    );
  });

  test('/metrics needs the bearer token when metrics_token is set', async () => {
    const token = 'scrape-token-0123456789';
    const server = await createServer({ ...config, metrics_token: token });
    const url = await server.listen();
    try {
      assert.equal((await json(`${url}/metrics`)).status, 401);
      const ok = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(ok.status, 200);
      assert.match(await ok.text(), /^# HELP sluice_active_runs /m);
    } finally {
      await server.close();
    }
  });
});
