import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSession, json, startTestServer, type TestServer } from './support/sluice.ts';
import { answerText, readStream } from './support/sse.ts';

describe('native stream: POST /api/sessions/{id}/runs', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
  });

  test('"what is 17*23?" streams conversation_start first, a calculator call, 391, conversation_end last', async () => {
    const session = await createSession(t.url);
    const stream = await readStream(`${t.url}/api/sessions/${session}/runs`, {
      body: { message: 'what is 17*23?' },
    });
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(stream.headers.get('x-accel-buffering'), 'no');
    assert.equal(stream.headers.get('content-encoding'), null);
    assert.match(stream.raw, /^retry: \d+\n\n/, 'retry is set once, first');
    assert.equal(stream.raw.match(/^retry:/gm)?.length, 1);

    const { events, messages } = stream;
    assert.equal(events[0]?.event_type, 'conversation_start');
    assert.equal(events.at(-1)?.event_type, 'conversation_end');
    assert.equal(events.filter((e) => e.event_type === 'conversation_start').length, 1);
    assert.equal(events.filter((e) => e.event_type === 'conversation_end').length, 1);
    // id: equals seq and runs 1..n without gaps.
    assert.deepEqual(
      messages.map((m) => Number(m.id)),
      events.map((_, i) => i + 1),
    );
    assert.deepEqual(
      messages.map((m) => m.event),
      events.map((e) => e.event_type),
    );
    const start = events.find((e) => e.event_type === 'tool_call_start');
    assert.ok(start?.event_type === 'tool_call_start');
    assert.equal(start.data.tool_name, 'calculator');
    const end = events.find((e) => e.event_type === 'tool_call_end');
    assert.ok(end?.event_type === 'tool_call_end' && end.data.status === 'completed');
    assert.match(answerText(events), /391/);
    const last = events.at(-1);
    assert.ok(last?.event_type === 'conversation_end');
    assert.equal(last.data.status, 'completed');
    assert.equal(last.data.success, true);
    assert.ok(last.data.usage.total_tokens > 0);
    for (const event of events) assert.equal(event.session_id, session);
  });

  test('the run and its messages are stored by the time conversation_end arrives', async () => {
    const session = await createSession(t.url);
    const stream = await readStream(`${t.url}/api/sessions/${session}/runs`, {
      body: { message: 'what is 2+2?' },
    });
    const runId = stream.events[0]?.run_id;
    const { body: run } = await json<{ status: string; usage: { total_tokens: number }; last_seq: number }>(
      `${t.url}/api/runs/${runId}`,
    );
    assert.equal(run.status, 'completed');
    assert.equal(run.last_seq, stream.events.length);
    assert.ok(run.usage.total_tokens > 0);
    const { body } = await json<{ messages: { role: string; content: string }[] }>(
      `${t.url}/api/sessions/${session}`,
    );
    assert.deepEqual(
      body.messages.map((m) => m.role),
      ['user', 'assistant', 'tool', 'assistant'],
    );
    const lastMessage = stream.events.filter((e) => e.event_type === 'assistant_message_end').at(-1);
    assert.ok(lastMessage?.event_type === 'assistant_message_end');
    assert.equal(body.messages.at(-1)?.content, lastMessage.data.complete_message);
    assert.equal(
      answerText(stream.events),
      body.messages
        .filter((m) => m.role === 'assistant')
        .map((m) => m.content)
        .join(''),
    );
  });

  test('without Accept: text/event-stream the run starts and the answer is 202 with the run', async () => {
    const session = await createSession(t.url);
    const { status, body } = await json<{ id: string; status: string }>(
      `${t.url}/api/sessions/${session}/runs`,
      {
        body: { message: 'hello' },
      },
    );
    assert.equal(status, 202);
    assert.ok(body.id);
    const stream = await readStream(`${t.url}/api/runs/${body.id}/events`);
    assert.equal(stream.events[0]?.event_type, 'conversation_start');
    assert.equal(stream.events.at(-1)?.event_type, 'conversation_end');
  });

  test('answers in the language of the request, the session, or the text', async () => {
    const zhSession = await createSession(t.url, { language: 'zh' });
    const zh = await readStream(`${t.url}/api/sessions/${zhSession}/runs`, {
      body: { message: 'what is 6*7?' },
    });
    const zhStart = zh.events[0];
    assert.ok(zhStart?.event_type === 'conversation_start' && zhStart.data.language === 'zh');
    assert.match(answerText(zh.events), /[\u4e00-\u9fff]/);

    const auto = await createSession(t.url);
    const fr = await readStream(`${t.url}/api/sessions/${auto}/runs`, {
      body: { message: 'combien font 6*7 ?' },
    });
    const frStart = fr.events[0];
    assert.ok(frStart?.event_type === 'conversation_start' && frStart.data.language === 'fr');

    const es = await readStream(`${t.url}/api/sessions/${auto}/runs`, {
      body: { message: 'what is 6*7?', language: 'es' },
    });
    const esStart = es.events[0];
    assert.ok(esStart?.event_type === 'conversation_start' && esStart.data.language === 'es');
  });

  test('a second message while a run is active answers 409 session_busy; enqueue waits its turn', async () => {
    const slow = await startTestServer({ demo_pace: 200 });
    try {
      const session = await createSession(slow.url);
      const first = await json<{ id: string }>(`${slow.url}/api/sessions/${session}/runs`, {
        body: { message: 'write a long detailed text about rivers' },
      });
      assert.equal(first.status, 202);
      const busy = await json<{ error: { code: string } }>(`${slow.url}/api/sessions/${session}/runs`, {
        body: { message: 'what is 1+1?' },
      });
      assert.equal(busy.status, 409);
      assert.equal(busy.body.error.code, 'session_busy');
      const queued = await json<{ id: string; status: string }>(`${slow.url}/api/sessions/${session}/runs`, {
        body: { message: 'what is 1+1?', multitask: 'enqueue' },
      });
      assert.equal(queued.status, 202);
      assert.equal(queued.body.status, 'queued');
      await json(`${slow.url}/api/runs/${first.body.id}/cancel`, { method: 'POST' });
      const stream = await readStream(`${slow.url}/api/runs/${queued.body.id}/events`);
      assert.equal(stream.events.at(-1)?.event_type, 'conversation_end');
      assert.match(answerText(stream.events), /2/);
      const { body } = await json<{ messages: { role: string; run_id: string }[] }>(
        `${slow.url}/api/sessions/${session}`,
      );
      // The queued run's user message comes after the first run's messages, not in the middle.
      const firstIndexOfSecond = body.messages.findIndex((m) => m.run_id === queued.body.id);
      assert.ok(body.messages.slice(firstIndexOfSecond).every((m) => m.run_id === queued.body.id));
    } finally {
      await slow.close();
    }
  });

  test('multitask interrupt cancels the active run and starts the new one', async () => {
    const slow = await startTestServer({ demo_pace: 200 });
    try {
      const session = await createSession(slow.url);
      const first = await json<{ id: string }>(`${slow.url}/api/sessions/${session}/runs`, {
        body: { message: 'write a long detailed text about mountains' },
      });
      const second = await readStream(`${slow.url}/api/sessions/${session}/runs`, {
        body: { message: 'what is 3*3?', multitask: 'interrupt' },
      });
      assert.match(answerText(second.events), /9/);
      const { body } = await json<{ status: string }>(`${slow.url}/api/runs/${first.body.id}`);
      assert.equal(body.status, 'cancelled');
    } finally {
      await slow.close();
    }
  });
  test('the next message may go out the moment conversation_end arrives', async () => {
    const session = await createSession(t.url);
    for (let i = 0; i < 10; i++) {
      const stream = await readStream(`${t.url}/api/sessions/${session}/runs`, {
        body: { message: `what is ${i}+1?` },
      });
      assert.equal(stream.status, 200, `run ${i}`);
      assert.equal(stream.events.at(-1)?.event_type, 'conversation_end');
    }
    const { body } = await json<{ messages: unknown[] }>(`${t.url}/api/sessions/${session}`);
    assert.equal(body.messages.length, 40);
  });

  test('a queued run that is cancelled ends at once, without waiting for its turn', async () => {
    const slow = await startTestServer({ demo_pace: 50 });
    try {
      const session = await createSession(slow.url);
      const first = await json<{ id: string }>(`${slow.url}/api/sessions/${session}/runs`, {
        body: { message: 'write a long detailed text about deserts' },
      });
      const queued = await json<{ id: string }>(`${slow.url}/api/sessions/${session}/runs`, {
        body: { message: 'what is 1+1?', multitask: 'enqueue' },
      });
      await json(`${slow.url}/api/runs/${queued.body.id}/cancel`, { method: 'POST' });
      const stream = await readStream(`${slow.url}/api/runs/${queued.body.id}/events`);
      const last = stream.events.at(-1);
      assert.ok(last?.event_type === 'conversation_end' && last.data.status === 'cancelled');
      const { body: firstRun } = await json<{ status: string }>(`${slow.url}/api/runs/${first.body.id}`);
      assert.equal(firstRun.status, 'running', 'the first run is still going');
      await json(`${slow.url}/api/runs/${first.body.id}/cancel`, { method: 'POST' });
    } finally {
      await slow.close();
    }
  });
});
