import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CanonicalEvent, CanonicalEventOf } from '../src/protocol/index.ts';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream.ts';
import {
  dynamicServer,
  type HttpEverything,
  type Recorded,
  startHttpEverything,
  stdioEverything,
  waitFor,
} from './support/mcp-everything.ts';
import { createSession, json, startTestServer, type TestServer } from './support/sluice.ts';
import { readStream } from './support/sse.ts';

/**
 * Acceptance 1 and 2 of the MCP issue: the published server-everything as a tool source, over
 * stdio and over Streamable HTTP (through MCP_URL), driven by a real agent run whose model is
 * the fake OpenAI upstream scripted to call the MCP tools.
 */

const AGENT = 'mcp-user';
const LONG = 'trigger-long-running-operation';

interface Fixture {
  sluice: TestServer;
  upstream: FakeUpstream;
  /** The MCP server's name in Sluice (the tools' prefix). */
  server: string;
  /** What the MCP server received. */
  received(): Recorded[];
  /** Kills the MCP server in the middle of things. */
  kill(): Promise<void>;
  /** Brings it back (a stdio server is respawned by Sluice itself). */
  restart(): Promise<void>;
}

function sluiceConfig(upstream: FakeUpstream, mcp: Record<string, unknown>, tools: string[]) {
  return {
    openai: { api_key: 'sk-test', base_url: upstream.url, max_retries: 0 },
    agents: [
      {
        id: AGENT,
        name: 'MCP user',
        system_prompt: 'Use the tools you are given.',
        model: { provider: 'openai', name: 'gpt-4o-mini' },
        tools,
        max_steps: 4,
      },
    ],
    ...mcp,
  };
}

function toolCall(name: string, args: unknown) {
  return {
    kind: 'stream' as const,
    toolCalls: [
      { id: `call_${Math.random().toString(36).slice(2, 10)}`, name, arguments: [JSON.stringify(args)] },
    ],
  };
}

function answer(text: string) {
  return { kind: 'stream' as const, text: [text] };
}

/** Starts a run of the test agent; reads its stream to the end, or until `until` (then drops it). */
async function startRun(url: string, message: string, until?: (events: CanonicalEvent[]) => boolean) {
  const session = await createSession(url, { agent_id: AGENT });
  const stream = await readStream(`${url}/api/sessions/${session}/runs`, {
    body: { message },
    ...(until ? { until } : {}),
  });
  assert.equal(stream.status, 200);
  const runId = stream.events[0]?.run_id;
  assert.ok(runId);
  return { runId, events: stream.events };
}

/** The whole log of a run, read once it has ended. */
async function allEvents(url: string, runId: string): Promise<CanonicalEvent[]> {
  return (await readStream(`${url}/api/runs/${runId}/events`)).events;
}

function ofType<T extends CanonicalEvent['event_type']>(
  events: CanonicalEvent[],
  type: T,
): CanonicalEventOf<T>[] {
  return events.filter((event): event is CanonicalEventOf<T> => event.event_type === type);
}

function end(events: CanonicalEvent[]): CanonicalEventOf<'conversation_end'> {
  const last = events.at(-1);
  assert.equal(last?.event_type, 'conversation_end');
  return last as CanonicalEventOf<'conversation_end'>;
}

const firstProgress = (events: CanonicalEvent[]) => events.some((e) => e.event_type === 'tool_call_progress');

/** The tests both transports must pass. */
function toolSourceSuite(fixture: () => Fixture): void {
  test('an agent run calls one of the server’s tools, offered with the server’s JSON Schema', async () => {
    const { sluice, upstream, server, received } = fixture();
    upstream.enqueue(toolCall(`${server}__get-sum`, { a: 2, b: 3 }), answer('The sum is 5.'));
    const before = upstream.requests.length;
    const { events } = await startRun(sluice.url, 'What is 2 + 3?');

    const [start] = ofType(events, 'tool_call_start');
    assert.equal(start?.data.tool_name, `${server}__get-sum`);
    assert.deepEqual(start?.data.arguments, { a: 2, b: 3 });
    const [done] = ofType(events, 'tool_call_end');
    assert.equal(done?.data.status, 'completed');
    assert.equal(done?.data.result, 'The sum of 2 and 3 is 5.');
    assert.equal(end(events).data.status, 'completed');

    const offered = (upstream.requests[before]?.body.tools ?? []) as {
      function: { name: string; parameters: unknown };
    }[];
    const sum = offered.find((tool) => tool.function.name === `${server}__get-sum`);
    assert.deepEqual(sum?.function.parameters, {
      type: 'object',
      properties: {
        a: { type: 'number', description: 'First number' },
        b: { type: 'number', description: 'Second number' },
      },
      required: ['a', 'b'],
    });
    for (const tool of offered) assert.match(tool.function.name, /^[a-zA-Z0-9_-]{1,64}$/);
    const call = received().findLast((message) => message.method === 'tools/call');
    assert.deepEqual(call?.params?.name, 'get-sum');
    assert.deepEqual(call?.params?.arguments, { a: 2, b: 3 });
  });

  test('a long-running tool’s progress notifications arrive as tool_call_progress', async () => {
    const { sluice, upstream, server } = fixture();
    upstream.enqueue(toolCall(`${server}__${LONG}`, { duration: 0.2, steps: 4 }), answer('Done.'));
    const { events } = await startRun(sluice.url, 'Run the long operation.');

    const progress = ofType(events, 'tool_call_progress');
    assert.deepEqual(
      progress.map((event) => [event.data.progress_message, event.data.progress]),
      [
        [`${LONG}: 1/4`, 0.25],
        [`${LONG}: 2/4`, 0.5],
        [`${LONG}: 3/4`, 0.75],
        [`${LONG}: 4/4`, 1],
      ],
    );
    const [start] = ofType(events, 'tool_call_start');
    for (const event of progress) assert.equal(event.data.call_id, start?.data.call_id);
    assert.equal(ofType(events, 'tool_call_end')[0]?.data.status, 'completed');
  });

  test('cancelling the run cancels the MCP call with notifications/cancelled', async () => {
    const { sluice, upstream, server, received } = fixture();
    // No answer queued after the call: a cancelled run asks the model nothing more.
    upstream.enqueue(toolCall(`${server}__${LONG}`, { duration: 60, steps: 600 }));
    const { runId } = await startRun(sluice.url, 'Run it for a minute.', firstProgress);
    const cancel = await json(`${sluice.url}/api/runs/${runId}/cancel`, { method: 'POST', body: {} });
    assert.equal(cancel.status, 202);

    const events = await allEvents(sluice.url, runId);
    assert.equal(ofType(events, 'tool_call_end')[0]?.data.status, 'cancelled');
    assert.equal(end(events).data.status, 'cancelled');
    const call = received().findLast(
      (message) => message.method === 'tools/call' && message.params?.name === LONG,
    );
    assert.ok(call, 'the server received the call');
    const cancelled = await waitFor('notifications/cancelled at the MCP server', () =>
      received().find(
        (message) => message.method === 'notifications/cancelled' && message.params?.requestId === call.id,
      ),
    );
    assert.match(String(cancelled.params?.reason), /cancel/i);
  });

  test('killing the MCP server mid-call fails the call clearly; the next run works after it restarts', async () => {
    const { sluice, upstream, server, kill, restart } = fixture();
    upstream.enqueue(
      toolCall(`${server}__${LONG}`, { duration: 60, steps: 600 }),
      answer('The tool failed.'),
    );
    const { runId } = await startRun(sluice.url, 'Run it for a minute.', firstProgress);
    await kill();

    const events = await allEvents(sluice.url, runId);
    const [failed] = ofType(events, 'tool_call_end');
    assert.equal(failed?.data.status, 'failed');
    assert.match(
      failed?.data.error_message ?? '',
      new RegExp(`MCP server "${server}" was lost during the call`),
    );
    // The failure goes back to the model, and the run goes on to its answer.
    assert.equal(end(events).data.status, 'completed');

    await restart();
    await waitFor('the MCP server to be connected again', async () => {
      const { body } = await json<{ mcp_servers: { name: string; state: string }[] }>(
        `${sluice.url}/api/tools`,
      );
      return body.mcp_servers.find((s) => s.name === server && s.state === 'connected');
    });
    upstream.enqueue(toolCall(`${server}__get-sum`, { a: 40, b: 2 }), answer('42.'));
    const next = await startRun(sluice.url, 'And 40 + 2?');
    const [done] = ofType(next.events, 'tool_call_end');
    assert.equal(done?.data.status, 'completed');
    assert.equal(done?.data.result, 'The sum of 40 and 2 is 42.');
  });

  test('GET /api/tools lists each agent’s tools with their source and JSON Schema', async () => {
    const { sluice, server } = fixture();
    const { status, body } = await json<{
      items: {
        agent_id: string;
        tools: { name: string; source: string; description: string; parameters: { type: string } }[];
        unavailable: string[];
      }[];
      mcp_servers: { name: string; transport: string; state: string; tools: string[] }[];
    }>(`${sluice.url}/api/tools`);
    assert.equal(status, 200);
    const mine = body.items.find((item) => item.agent_id === AGENT);
    const sum = mine?.tools.find((tool) => tool.name === `${server}__get-sum`);
    assert.equal(sum?.source, `mcp:${server}`);
    assert.equal(sum?.description, 'Returns the sum of two numbers');
    assert.equal(sum?.parameters.type, 'object');
    for (const tool of mine?.tools ?? []) assert.equal(tool.source, `mcp:${tool.name.split('__')[0]}`);
    const assistant = body.items.find((item) => item.agent_id === 'assistant');
    assert.equal(assistant?.tools.find((tool) => tool.name === 'calculator')?.source, 'builtin');
    // The preset assistant (behind /chat/stream) takes MCP_URL's tools as `mcp__*`.
    assert.equal(
      assistant?.tools.some((tool) => tool.name === 'mcp__get-sum'),
      server === 'mcp',
    );
    const status_ = body.mcp_servers.find((s) => s.name === server);
    assert.equal(status_?.state, 'connected');
    assert.ok(status_?.tools.includes(`${server}__${LONG}`));
  });
}

describe('MCP tool source: server-everything over stdio', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-mcp-'));
  const everything = stdioEverything('everything', dir);
  let upstream: FakeUpstream;
  let sluice: TestServer;
  let killed: number | undefined;

  before(async () => {
    upstream = await startFakeUpstream();
    sluice = await startTestServer(
      sluiceConfig(upstream, { mcp_servers: [everything.config, dynamicServer('dyn')] }, [
        'everything__*',
        'dyn__*',
      ]),
    );
  });
  after(async () => {
    await sluice?.close();
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  toolSourceSuite(() => ({
    sluice,
    upstream,
    server: 'everything',
    received: everything.received,
    async kill() {
      killed = sluice.server.ctx.mcp.connection('everything')?.pid;
      assert.ok(killed);
      process.kill(killed, 'SIGKILL');
    },
    async restart() {
      // Sluice respawns the process itself; wait for a new one.
      await waitFor('a new server process', () => {
        const pid = sluice.server.ctx.mcp.connection('everything')?.pid;
        return pid !== undefined && pid !== killed ? pid : undefined;
      });
    },
  }));

  test('notifications/tools/list_changed brings the server’s new tools in', async () => {
    upstream.enqueue(toolCall('dyn__add_tool', { name: 'greet' }), answer('Added.'));
    const { events } = await startRun(sluice.url, 'Add a greet tool.');
    assert.equal(ofType(events, 'tool_call_end')[0]?.data.status, 'completed');
    await waitFor('dyn__greet to be registered', () =>
      sluice.server.ctx.tools.has('dyn__greet') ? true : undefined,
    );

    upstream.enqueue(toolCall('dyn__greet', {}), answer('It said hello.'));
    const next = await startRun(sluice.url, 'Greet me.');
    assert.equal(ofType(next.events, 'tool_call_end')[0]?.data.result, 'hello from greet');
  });
});

describe('MCP tool source: server-everything over Streamable HTTP, from MCP_URL', () => {
  let upstream: FakeUpstream;
  let everything: HttpEverything;
  let sluice: TestServer;

  before(async () => {
    upstream = await startFakeUpstream();
    everything = await startHttpEverything();
    sluice = await startTestServer(sluiceConfig(upstream, { mcp_url: everything.url }, ['mcp__*']));
  });
  after(async () => {
    await sluice?.close();
    await everything?.close();
    await upstream?.close();
  });

  toolSourceSuite(() => ({
    sluice,
    upstream,
    server: 'mcp',
    received: () => everything.received,
    kill: () => everything.kill(),
    restart: () => everything.restart(),
  }));
});
