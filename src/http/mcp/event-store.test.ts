import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { MemoryEventBus } from '../../bus/index.ts';
import { canonicalEventSchema } from '../../protocol/index.ts';
import { BusEventStore, followStream, parseEventId, streamLogId } from './event-store.ts';

const SESSION = '01a20000-0000-7000-8000-0000000000aa';
const STREAM = '6f1c2a7e-3b1d-4c55-9e0a-2d3f4b5c6d7e';
const progress = (n: number): JSONRPCMessage => ({
  jsonrpc: '2.0',
  method: 'notifications/progress',
  params: { progressToken: 1, progress: n },
});
const response: JSONRPCMessage = { jsonrpc: '2.0', id: 1, result: { content: [] } };

function store(bus: MemoryEventBus, errors: unknown[] = []): BusEventStore {
  return new BusEventStore({ bus, sessionId: SESSION, retentionMs: 60_000, onError: (e) => errors.push(e) });
}

test('events get ids <session>.<stream>.<seq> in call order, as canonical events on the bus', async () => {
  const bus = new MemoryEventBus();
  const events = store(bus);
  const ids = await Promise.all([
    events.storeEvent(STREAM, {} as JSONRPCMessage),
    events.storeEvent(STREAM, progress(1)),
    events.storeEvent(STREAM, progress(2)),
  ]);
  assert.deepEqual(
    ids,
    [1, 2, 3].map((seq) => `${SESSION}.${STREAM}.${seq}`),
  );
  const entries = await bus.readAfter(streamLogId(SESSION, STREAM), 0);
  assert.equal(entries.length, 3);
  for (const entry of entries) canonicalEventSchema.parse(JSON.parse(entry.json));
  assert.deepEqual(entries[1]?.event.metadata.mcp, progress(1));
  assert.deepEqual(await bus.state(streamLogId(SESSION, STREAM)), { state: 'live', lastSeq: 3 });
  await bus.close();
});

test('a response ends the stream’s log; replay sends what follows an id, not the priming event', async () => {
  const bus = new MemoryEventBus();
  const events = store(bus);
  const priming = await events.storeEvent(STREAM, {} as JSONRPCMessage);
  await events.storeEvent(STREAM, progress(1));
  await events.storeEvent(STREAM, response);
  assert.equal((await bus.state(streamLogId(SESSION, STREAM))).state, 'ended');

  const sent: [string, JSONRPCMessage][] = [];
  const streamId = await events.replayEventsAfter(priming, {
    send: async (id, message) => {
      sent.push([id, message]);
    },
  });
  assert.equal(streamId, STREAM);
  assert.deepEqual(sent, [
    [`${SESSION}.${STREAM}.2`, progress(1)],
    [`${SESSION}.${STREAM}.3`, response],
  ]);
  assert.equal(await events.getStreamIdForEventId(priming), STREAM);
  assert.equal(
    await events.getStreamIdForEventId(`01a20000-0000-7000-8000-0000000000bb.${STREAM}.1`),
    undefined,
  );
  await assert.rejects(events.replayEventsAfter('nonsense', { send: async () => {} }), /unknown event id/);
  await bus.close();
});

test('another instance goes on with a stream where the log stands; a muted store writes nothing', async () => {
  const bus = new MemoryEventBus();
  await store(bus).storeEvent('_GET_stream', progress(1));
  const elsewhere = store(bus);
  assert.equal(await elsewhere.storeEvent('_GET_stream', progress(2)), `${SESSION}._GET_stream.2`);
  elsewhere.muted = true;
  await elsewhere.storeEvent(STREAM, progress(3));
  assert.equal((await bus.state(streamLogId(SESSION, STREAM))).state, 'missing');
  await bus.close();
});

test('an append that fails is reported, and the store still answers an id', async () => {
  const bus = new MemoryEventBus();
  const errors: unknown[] = [];
  const events = store(bus, errors);
  await events.storeEvent(STREAM, response);
  // The log ended with the response; a second response of a batch cannot be stored.
  const id = await events.storeEvent(STREAM, { ...response, id: 2 });
  assert.equal(id, `${SESSION}.${STREAM}.2`);
  assert.equal(errors.length, 1);
  await bus.close();
});

test('following a stream replays after the cursor, then delivers live messages, until it ends', async () => {
  const bus = new MemoryEventBus();
  const events = store(bus);
  await events.storeEvent(STREAM, {} as JSONRPCMessage);
  await events.storeEvent(STREAM, progress(1));
  const seen: string[] = [];
  let ended = false;
  const cursor = parseEventId(`${SESSION}.${STREAM}.1`);
  assert.ok(cursor);
  followStream(bus, cursor, {
    onMessage: (id, message) =>
      seen.push(`${id.split('.').at(-1)} ${'method' in message ? message.method : 'response'}`),
    onEnd: () => {
      ended = true;
    },
  });
  assert.deepEqual(seen, ['2 notifications/progress']);
  await events.storeEvent(STREAM, progress(2));
  await events.storeEvent(STREAM, response);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(seen, ['2 notifications/progress', '3 notifications/progress', '4 response']);
  assert.equal(ended, true);
  await bus.close();
});

test('event ids parse only in their own shape', () => {
  assert.deepEqual(parseEventId(`${SESSION}._GET_stream.12`), {
    sessionId: SESSION,
    streamId: '_GET_stream',
    seq: 12,
  });
  for (const bad of [
    '',
    '1',
    `${SESSION}.${STREAM}`,
    `${SESSION}.${STREAM}.x`,
    `a.b.1`,
    `${SESSION}.s t.1`,
  ]) {
    assert.equal(parseEventId(bad), undefined, bad);
  }
});
