import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { openStore, type Store } from '../src/store/index.ts';
import { createSession, startTestServer } from './support/sluice.ts';

/**
 * A stream's headers and conversation_start leave before the run's first database write is
 * done (issue 8, target 5): the store here holds every createRun until the test lets it go.
 */
test('the first event of a native stream does not wait for the run to be stored', async () => {
  const store = await openStore({ dataDir: 'memory://' });
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let createRunCalls = 0;
  const gated: Store = new Proxy(store, {
    get(target, property) {
      if (property === 'createRun') {
        return async (...args: Parameters<Store['createRun']>) => {
          createRunCalls++;
          await released;
          return target.createRun(...args);
        };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const t = await startTestServer({ demo_pace: 0 }, { store: gated });
  try {
    const session = await createSession(t.url);
    const { first, rest } = await new Promise<{ first: string; rest: Promise<string> }>((resolve, reject) => {
      const req = request(
        `${t.url}/api/sessions/${session}/runs`,
        { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          const ended = new Promise<string>((done) => res.on('end', () => done(text)));
          res.on('data', (chunk: string) => {
            text += chunk;
            if (text.includes('event: conversation_start')) resolve({ first: text, rest: ended });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ message: 'hello' }));
    });
    assert.equal(createRunCalls, 1, 'the run is being stored');
    assert.match(first, /id: 1\nevent: conversation_start\n/);
    assert.doesNotMatch(first, /assistant_message/, 'the agent waits for the run to be stored');
    // While it is unstored, the run is still found by its id (this process runs it).
    const runId = /"run_id":"([^"]+)"/.exec(first)?.[1];
    assert.ok(runId);
    const pending = await fetch(`${t.url}/api/runs/${runId}`);
    assert.equal(pending.status, 200);
    release();
    const all = await rest;
    assert.match(all, /event: conversation_end\n/);
    assert.equal((await store.getRun(runId))?.status, 'completed');
  } finally {
    release();
    await t.close();
    await store.close();
  }
});

test('a run that cannot be stored ends its stream with an error event, not a hang', async () => {
  const store = await openStore({ dataDir: 'memory://' });
  const failing: Store = new Proxy(store, {
    get(target, property) {
      if (property === 'createRun') return async () => Promise.reject(new Error('disk full'));
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const t = await startTestServer({ demo_pace: 0 }, { store: failing });
  try {
    const session = await createSession(t.url);
    const res = await fetch(`${t.url}/api/sessions/${session}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ message: 'hello' }),
    });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /event: conversation_start\n/);
    assert.match(text, /event: error\n/);
    assert.match(text, /event: conversation_end\n/);
    assert.doesNotMatch(text, /assistant_message_chunk/);
    // Without a stream, the failure is the answer.
    const accepted = await fetch(`${t.url}/api/sessions/${session}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'hello again' }),
    });
    assert.equal(accepted.status, 500);
  } finally {
    await t.close();
    await store.close();
  }
});
