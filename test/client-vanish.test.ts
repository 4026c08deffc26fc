import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SseMessage } from '../src/sse/index.ts';
import {
  assertRecovered,
  HOLD_HEADER,
  newSession,
  startVanishServer,
  TAG_HEADER,
  until,
  type VanishServer,
} from './support/vanish-server.ts';
import { type Vanish, VanishingClient } from './support/vanishing-client.ts';

/**
 * The client of a native run stream (POST /api/sessions/{id}/runs) vanishes at every phase of the
 * exchange, by closing its socket (FIN), resetting it (RST) or half-closing it (FIN, still
 * reading), under both on_disconnect policies. After each: the run ends stored as the policy
 * says, no stream stays open, the heartbeat wheel and the bus hold nothing for it, nothing is
 * logged as an error and /health answers. docs/reliability.md, "Clients that vanish".
 */

/** The demo's fallback answer: about 50 chunks, 250 ms at 200 tokens per second. */
const TEXT = 'hello there';
/** A calculator and a current_time call, then an answer about both. */
const TOOLS = 'what is 12*7 and what time is it in Tokyo';
/**
 * A long essay (about 1.5 s) whose conversation_start echoes 990,000 U+0001 characters, six bytes
 * each in JSON: a 6 MB first frame that no loopback socket buffer holds, so a client that does not
 * read leaves the server queueing frames.
 */
const FILLS_SOCKET = `write a detailed essay about clouds ${'\u0001'.repeat(990_000)}`;

const POLICIES = ['continue', 'cancel'] as const;
type Policy = (typeof POLICIES)[number];
const VANISH: Vanish[] = ['destroy', 'reset', 'half-close'];
const ENDS = { continue: 'completed', cancel: 'cancelled' } as const;

let tags = 0;

function startRun(t: VanishServer, session: string, message: string, policy: Policy, headers = {}) {
  const tag = `run-${++tags}`;
  const client = VanishingClient.open(t.url, {
    path: `/api/sessions/${session}/runs`,
    headers: { accept: 'text/event-stream', [TAG_HEADER]: tag, ...headers },
    body: JSON.stringify({ message, on_disconnect: policy }),
  });
  return { client, tag };
}

function runIdOf(messages: SseMessage[]): string {
  const first = messages[0];
  assert.equal(first?.event, 'conversation_start');
  return (JSON.parse(first.data) as { run_id: string }).run_id;
}

const is = (event: string) => (message: SseMessage) => message.event === event;

describe('native run stream: the client vanishes at every phase', () => {
  let t: VanishServer;
  before(async () => {
    t = await startVanishServer({
      demo_pace: 200,
      body_limit: 16 * 1024 * 1024,
      runs: { max_queued_frames: 64 },
    });
  });
  after(async () => {
    await t.close();
  });

  for (const how of VANISH) {
    test(`a: while the request body is still uploading (${how}): no run starts`, async () => {
      const session = await newSession(t);
      const body = JSON.stringify({ message: TEXT, on_disconnect: 'cancel' });
      const tag = `body-${++tags}`;
      const client = VanishingClient.open(t.url, {
        path: `/api/sessions/${session}/runs`,
        headers: { accept: 'text/event-stream', [TAG_HEADER]: tag },
        body,
        sendBodyBytes: body.length - 10,
      });
      await until(() => (t.response(tag) ? true : undefined), 'the server to read the head');
      client.vanish(how);
      await client.gone();
      // Only a half-closed client still reads: it gets the 400 Node's parser answers to a cut body.
      assert.equal(client.status, how === 'half-close' ? 400 : 0);
      await assertRecovered(t, { sessionId: session, noRun: true });
    });
  }

  for (const policy of POLICIES) {
    for (const how of VANISH) {
      test(`b: request complete, gone before the response head (${policy}, ${how})`, async () => {
        const session = await newSession(t);
        const { client, tag } = startRun(t, session, TEXT, policy, { [HOLD_HEADER]: '1' });
        await until(() => (t.holding(tag) ? true : undefined), 'the body to be read');
        client.vanish(how);
        await client.gone();
        assert.equal(client.status, 0, 'no response head reached the client');
        const runId = await until(() => t.takeRun(session), 'the route to start the run');
        await assertRecovered(t, { runId, status: ENDS[policy] });
      });

      test(`c: right after the first frame (${policy}, ${how})`, async () => {
        const session = await newSession(t);
        const { client } = startRun(t, session, TEXT, policy);
        await client.at(() => true, how);
        await assertRecovered(t, { runId: runIdOf(client.messages), status: ENDS[policy] });
        assert.equal(client.messages.length, 1);
      });

      test(`d: in the middle of the text (${policy}, ${how})`, async () => {
        const session = await newSession(t);
        const { client } = startRun(t, session, TEXT, policy);
        let chunks = 0;
        await client.at((m) => m.event === 'assistant_message_chunk' && ++chunks === 5, how);
        const run = await assertRecovered(t, { runId: runIdOf(client.messages), status: ENDS[policy] });
        if (policy === 'cancel') assert.equal(run?.finish_reason, 'cancelled');
        const stored = await t.server.ctx.store.listMessages(session);
        const answer = stored.at(-1);
        assert.equal(answer?.role, 'assistant', 'the answer, whole or partial, is stored');
        assert.ok((answer?.content.length ?? 0) > 0);
      });

      test(`e: between tool_call_start and tool_call_end (${policy}, ${how})`, async () => {
        const session = await newSession(t);
        const { client } = startRun(t, session, TOOLS, policy);
        await client.at(is('tool_call_start'), how);
        assert.ok(!client.events.includes('tool_call_end'), 'the client left before reading the end');
        await assertRecovered(t, { runId: runIdOf(client.messages), status: ENDS[policy] });
      });

      test(`g: while the socket is full, the server queueing frames (${policy}, ${how})`, async () => {
        const session = await newSession(t);
        const { client, tag } = startRun(t, session, FILLS_SOCKET, policy);
        client.stopReading();
        await until(() => (t.response(tag)?.writableNeedDrain ? true : undefined), 'the socket to fill');
        const runId = await until(() => t.takeRun(session), 'the run');
        assert.equal(t.bus.subscriberCount(runId), 1, 'still following the run');
        // Half-closed or not, this client never reads again: the server alone must notice.
        client.vanish(how);
        await assertRecovered(t, { runId, status: ENDS[policy] });
        client.dispose();
      });
    }

    for (const how of ['destroy', 'reset'] as const) {
      test(`f: conversation_end written, not yet read (${policy}, ${how}): the run had ended`, async () => {
        const session = await newSession(t);
        const { client } = startRun(t, session, TOOLS, policy);
        await client.at(() => true, 'stop-reading');
        const runId = runIdOf(client.messages);
        // The server ended the response: the rest of the run sits unread in the client's socket.
        await until(() => (t.server.ctx.streams.open === 0 ? true : undefined), 'the response to end');
        assert.ok(!client.events.includes('conversation_end'));
        client.vanish(how);
        await client.gone();
        // Nothing left to cancel: both policies keep the completed run.
        await assertRecovered(t, { runId, status: 'completed' });
      });
    }

    test(`g: after the server gave up on the full socket (slow_consumer queued) (${policy})`, async () => {
      const session = await newSession(t);
      const { client } = startRun(t, session, FILLS_SOCKET, policy);
      client.stopReading();
      const runId = await until(() => t.takeRun(session), 'the run');
      // Past max_queued_frames the stream stops following the run and waits to flush its error.
      await until(
        () => (t.bus.subscriberCount(runId) === 0 && t.server.ctx.streams.open === 1 ? true : undefined),
        'the stream to overflow',
      );
      assert.equal(t.server.ctx.runs.isRunning(runId), true, 'the run is still going');
      client.vanish('destroy');
      await assertRecovered(t, { runId, status: ENDS[policy] });
      client.dispose();
    });
  }
});
