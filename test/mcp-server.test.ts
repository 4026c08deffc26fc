import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { type EventBus, MemoryEventBus, RedisEventBus } from '../src/bus/index.ts';
import { configSchema } from '../src/config/index.ts';
import { mcpProgress } from '../src/dialects/index.ts';
import { createServer, type SluiceServer } from '../src/http/index.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream.ts';
import { waitFor } from './support/mcp-everything.ts';
import { servicesUnavailable, sharedServices } from './support/services.ts';
import { json, startTestServer, type TestServer } from './support/sluice.ts';
import { readStream } from './support/sse.ts';

/**
 * Acceptance 3 of the MCP issue: the SDK's own Client over StreamableHTTPClientTransport against
 * Sluice's `/mcp`: agents listed as tools, a call with progress notifications and the answer, and
 * a stream cut mid-call that the client resumes with Last-Event-ID, on the same instance and on
 * another one sharing the event bus, without losing or repeating a notification.
 */

const KEY = 'mcp-key-tenant-one';
const OTHER_KEY = 'mcp-key-tenant-two';
const SLOW = 'slow-agent';

/** Two tenants' keys and the slow agent; its model is the fake upstream when there is one. */
function config(upstream: FakeUpstream | undefined) {
  return {
    api_keys: [
      { key: KEY, tenant: 'one' },
      { key: OTHER_KEY, tenant: 'two' },
    ],
    ...(upstream ? { openai: { api_key: 'sk-test', base_url: upstream.url, max_retries: 0 } } : {}),
    agents: [
      {
        id: SLOW,
        name: 'Slow agent',
        description: 'Takes its time, with two tool calls.',
        system_prompt: 'Use the tools.',
        model: upstream ? { provider: 'openai', name: 'gpt-4o-mini' } : {},
        tools: ['calculator', 'current_time'],
      },
    ],
  };
}

/** Three model steps, the last two after a pause, so a call goes on while its client reconnects. */
function enqueueSlowRun(upstream: FakeUpstream): void {
  upstream.enqueue(
    {
      kind: 'stream',
      toolCalls: [{ id: 'call_1', name: 'calculator', arguments: ['{"expression":"6*7"}'] }],
    },
    {
      kind: 'stream',
      headersDelayMs: 300,
      toolCalls: [{ id: 'call_2', name: 'current_time', arguments: ['{}'] }],
    },
    { kind: 'stream', headersDelayMs: 300, text: ['It is 42', ' o’clock.'] },
  );
}

interface Sent {
  method: string;
  url: string;
  lastEventId: string | null;
}

/**
 * A fetch for the client that records its requests, can send them elsewhere (another instance),
 * and cuts the first tools/call response after `cutAfter` progress notifications, as a network
 * failure would: the SDK client then resumes with Last-Event-ID.
 */
function testFetch(options: { cutAfter?: number; route?: (method: string, url: string) => string } = {}) {
  const sent: Sent[] = [];
  let cutDone = false;
  const fetchLike: FetchLike = async (input, init) => {
    const method = init?.method ?? 'GET';
    const url = options.route ? options.route(method, String(input)) : String(input);
    sent.push({ method, url, lastEventId: new Headers(init?.headers).get('last-event-id') });
    const response = await fetch(url, init);
    const isCall = typeof init?.body === 'string' && init.body.includes('"tools/call"');
    if (options.cutAfter === undefined || cutDone || !isCall || !response.body) return response;
    cutDone = true;
    return new Response(cutting(response.body, options.cutAfter), {
      status: response.status,
      headers: response.headers,
    });
  };
  return { fetch: fetchLike, sent };
}

function cutting(body: ReadableStream<Uint8Array>, after: number): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let seen = 0;
  return new ReadableStream({
    async pull(controller) {
      // The cut comes on the read after the one that reached the count, so that chunk is delivered.
      if (seen >= after) {
        await reader.cancel();
        controller.error(new TypeError('connection cut by the test'));
        return;
      }
      const { value, done } = await reader.read();
      if (done) return controller.close();
      seen += decoder.decode(value, { stream: true }).split('notifications/progress').length - 1;
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

async function connect(url: string, key: string | undefined, fetchLike?: FetchLike): Promise<Client> {
  const client = new Client({ name: 'sluice-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
    ...(key ? { requestInit: { headers: { authorization: `Bearer ${key}` } } } : {}),
    ...(fetchLike ? { fetch: fetchLike } : {}),
    reconnectionOptions: {
      initialReconnectionDelay: 20,
      maxReconnectionDelay: 200,
      reconnectionDelayGrowFactor: 2,
      maxRetries: 5,
    },
  });
  await client.connect(transport);
  return client;
}

/** The progress notifications a run's whole log makes, as the server must have sent them. */
async function expectedProgress(url: string, runId: string): Promise<Progress[]> {
  const { events } = await readStream(`${url}/api/runs/${runId}/events`, {
    headers: { authorization: `Bearer ${KEY}` },
  });
  const language = events[0]?.event_type === 'conversation_start' ? events[0].data.language : 'en';
  return events.flatMap((event) => {
    const params = mcpProgress({ seq: event.seq, event, json: '' }, language, 0);
    return params ? [{ progress: params.progress, message: params.message }] : [];
  });
}

function output(result: CallToolResult): {
  run_id: string;
  session_id: string;
  status: string;
  answer: string;
} {
  return result.structuredContent as { run_id: string; session_id: string; status: string; answer: string };
}

describe('/mcp with the demo model', () => {
  let sluice: TestServer;

  before(async () => {
    sluice = await startTestServer({
      api_keys: config(undefined).api_keys,
      agents: config(undefined).agents,
    });
    const documents = sluice.config.documents_dir;
    mkdirSync(documents, { recursive: true });
    writeFileSync(
      join(documents, 'invoice.txt'),
      'Invoice INV-2026-031, issued 2026-03-15 by Acme Widgets Inc.\nTotal due: $1,250.00. Questions: billing@acme.example.',
    );
  });
  after(async () => {
    await sluice?.close();
  });

  test('API keys apply: no key is 401, another tenant’s key does not find the session', async () => {
    const init = {
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'curl', version: '1' } },
    };
    const headers = { accept: 'application/json, text/event-stream' };
    const anonymous = await json(`${sluice.url}/mcp`, { body: init, headers });
    assert.equal(anonymous.status, 401);

    const client = await connect(sluice.url, KEY);
    const sessionId = (client.transport as StreamableHTTPClientTransport).sessionId ?? '';
    const stranger = await json(`${sluice.url}/mcp`, {
      body: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      headers: { ...headers, authorization: `Bearer ${OTHER_KEY}`, 'mcp-session-id': sessionId },
    });
    assert.equal(stranger.status, 404);
    await client.close();
  });

  test('lists every agent as a tool, and the extraction task', async () => {
    const client = await connect(sluice.url, KEY);
    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name);
    for (const name of ['assistant', 'planner', 'extractor', SLOW, 'extract'])
      assert.ok(names.includes(name), name);
    const slow = tools.find((tool) => tool.name === SLOW);
    assert.equal(slow?.description, 'Takes its time, with two tool calls.');
    assert.deepEqual(slow?.inputSchema.required, ['message']);
    assert.deepEqual(Object.keys(slow?.inputSchema.properties ?? {}).sort(), [
      'language',
      'message',
      'session_id',
    ]);
    assert.deepEqual(tools.find((tool) => tool.name === 'extract')?.inputSchema.required, [
      'document_path',
      'user_id',
    ]);
    await client.close();
  });

  test('extract runs the extraction task and answers its final_result', async () => {
    const client = await connect(sluice.url, KEY);
    const statuses: string[] = [];
    const result = (await client.callTool(
      { name: 'extract', arguments: { document_path: 'invoice.txt', user_id: 'user-7' } },
      undefined,
      { onprogress: (p) => statuses.push(p.message ?? '') },
    )) as CallToolResult;
    const final = result.structuredContent as Record<string, unknown> & { billing: { billable: boolean } };
    assert.deepEqual(Object.keys(final), [
      'task_id',
      'user_id',
      'document_path',
      'status',
      'billing',
      'result',
    ]);
    assert.equal(final.status, 'completed');
    assert.equal(final.user_id, 'user-7');
    assert.equal(final.billing.billable, true);
    assert.deepEqual(JSON.parse((result.content[0] as { text: string }).text), final);
    assert.deepEqual(statuses.slice(0, 3), ['INIT', 'PLANNING', 'EXTRACTION']);
    await client.close();
  });
});

describe('/mcp: calls, progress, resume and cancel', () => {
  let upstream: FakeUpstream;
  let sluice: TestServer;

  before(async () => {
    upstream = await startFakeUpstream();
    sluice = await startTestServer(config(upstream));
  });
  after(async () => {
    await sluice?.close();
    await upstream?.close();
  });

  test('a call streams the run’s tool-call and status messages as progress, then answers', async () => {
    upstream.enqueue(
      {
        kind: 'stream',
        toolCalls: [{ id: 'call_1', name: 'calculator', arguments: ['{"expression":"12*7"}'] }],
      },
      { kind: 'stream', text: ['12*7', ' = 84.'] },
    );
    const client = await connect(sluice.url, KEY);
    const progress: Progress[] = [];
    const result = (await client.callTool(
      { name: SLOW, arguments: { message: 'What is 12*7?' } },
      undefined,
      {
        onprogress: (p) => progress.push(p),
      },
    )) as CallToolResult;
    assert.equal(result.isError, undefined);
    const out = output(result);
    assert.equal(out.status, 'completed');
    assert.equal(out.answer, '12*7 = 84.');
    assert.deepEqual(result.content, [{ type: 'text', text: out.answer }]);
    assert.deepEqual(Object.keys(result.structuredContent ?? {}), [
      'run_id',
      'session_id',
      'status',
      'answer',
      'usage',
    ]);
    assert.deepEqual(
      progress.map((p) => p.message),
      [
        'Thinking (step 1)…',
        'Calling calculator…',
        'Evaluating 12*7',
        'calculator finished.',
        'Thinking (step 2)…',
      ],
    );
    assert.deepEqual(progress, await expectedProgress(sluice.url, out.run_id));

    // The session goes on: the next call in it sends the model the first exchange.
    upstream.enqueue({ kind: 'stream', text: ['4.'] });
    const next = (await client.callTool({
      name: SLOW,
      arguments: { message: 'And 2+2?', session_id: out.session_id, language: 'en' },
    })) as CallToolResult;
    assert.equal(output(next).session_id, out.session_id);
    const sentToModel = JSON.stringify(upstream.requests.at(-1)?.body.messages);
    assert.match(sentToModel, /12\*7 = 84\./);
    await client.close();
  });

  test('a stream cut mid-call resumes with Last-Event-ID, nothing lost or repeated', async () => {
    enqueueSlowRun(upstream);
    const { fetch: fetchLike, sent } = testFetch({ cutAfter: 2 });
    const client = await connect(sluice.url, KEY, fetchLike);
    const progress: Progress[] = [];
    const result = (await client.callTool(
      { name: SLOW, arguments: { message: 'What time is 6*7?' } },
      undefined,
      {
        onprogress: (p) => progress.push(p),
      },
    )) as CallToolResult;

    const resumed = sent.filter((request) => request.method === 'GET' && request.lastEventId);
    assert.equal(resumed.length, 1, 'the client resumed once');
    assert.equal(output(result).status, 'completed');
    assert.equal(output(result).answer, 'It is 42 o’clock.');
    const expected = await expectedProgress(sluice.url, output(result).run_id);
    assert.ok(expected.length >= 8);
    assert.deepEqual(progress, expected);
    await client.close();
  });

  test('a cancelled call cancels the run, and with it the model request', async () => {
    // A quick tool step, then a model step that would wait long before answering.
    upstream.enqueue(
      {
        kind: 'stream',
        toolCalls: [{ id: 'call_1', name: 'calculator', arguments: ['{"expression":"1+1"}'] }],
      },
      { kind: 'stream', headersDelayMs: 10_000, text: ['never sent'] },
    );
    const before = upstream.requests.length;
    const client = await connect(sluice.url, KEY);
    const controller = new AbortController();
    const call = client.callTool({ name: SLOW, arguments: { message: 'Take your time.' } }, undefined, {
      signal: controller.signal,
      onprogress: (p) => {
        // Give up once the second model request is under way.
        if (p.message !== 'Thinking (step 2)…') return;
        void waitFor('the second model request', () => upstream.requests[before + 1]).then(() =>
          controller.abort(new Error('the user gave up')),
        );
      },
    });
    await assert.rejects(call, /gave up/);
    const request = await waitFor('the second model request', () => upstream.requests[before + 1]);
    assert.equal(await request.outcome, 'client-closed');
    await client.close();
  });
});

/** Two instances' buses: one shared in-process bus, or two connections to the same Redis. */
interface SharedBus {
  buses: [EventBus, EventBus];
  close(): Promise<void>;
}

function crossInstanceSuite(name: string, open: () => Promise<SharedBus>): void {
  describe(`/mcp across instances sharing the event bus (${name})`, () => {
    let upstream: FakeUpstream;
    let store: Store;
    let shared: SharedBus;
    const servers: SluiceServer[] = [];
    const urls: string[] = [];

    before(async () => {
      upstream = await startFakeUpstream();
      store = await openStore({ dataDir: 'memory://' });
      shared = await open();
      const parsed = configSchema.parse({
        host: '127.0.0.1',
        port: 0,
        log_level: 'silent',
        demo_pace: 0,
        ...config(upstream),
      });
      for (const bus of shared.buses) {
        const server = await createServer(parsed, { store, bus });
        servers.push(server);
        urls.push(await server.listen());
      }
    });
    after(async () => {
      for (const server of servers) await server.close();
      await shared?.close();
      await store?.close();
      await upstream?.close();
    });

    test('a call on one instance resumes on the other; the session works there too', async () => {
      const [a = '', b = ''] = urls;
      enqueueSlowRun(upstream);
      // Messages go to A, streams (the standalone one, and the resume) to B.
      const { fetch: fetchLike, sent } = testFetch({
        cutAfter: 2,
        route: (method, url) => (method === 'GET' ? url.replace(a, b) : url),
      });
      const client = await connect(a, KEY, fetchLike);
      const progress: Progress[] = [];
      const result = (await client.callTool(
        { name: SLOW, arguments: { message: 'What time is 6*7?' } },
        undefined,
        {
          onprogress: (p) => progress.push(p),
        },
      )) as CallToolResult;

      assert.ok(
        sent.some((request) => request.method === 'GET' && request.lastEventId && request.url.startsWith(b)),
      );
      assert.equal(output(result).answer, 'It is 42 o’clock.');
      assert.deepEqual(progress, await expectedProgress(a, output(result).run_id));

      // B restores the session from its record when a message reaches it.
      const sessionId = (client.transport as StreamableHTTPClientTransport).sessionId ?? '';
      const headers = {
        authorization: `Bearer ${KEY}`,
        accept: 'application/json, text/event-stream',
        'content-type': 'application/json',
        'mcp-session-id': sessionId,
      };
      const listed = await fetch(`${b}/mcp`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'tools/list' }),
      });
      assert.equal(listed.status, 200);
      assert.match(await listed.text(), new RegExp(`"name":"${SLOW}"`));

      // Ending the session on A ends it on B.
      await (client.transport as StreamableHTTPClientTransport).terminateSession();
      const gone = await fetch(`${b}/mcp`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ jsonrpc: '2.0', id: 100, method: 'tools/list' }),
      });
      assert.equal(gone.status, 404);
      await client.close();
    });

    test('an instance that shuts down hands its MCP streams off; the call ends through the other', async () => {
      const [a = '', b = ''] = urls;
      enqueueSlowRun(upstream);
      let moved = false;
      const { fetch: fetchLike, sent } = testFetch({
        route: (_method, url) => (moved ? url.replace(a, b) : url),
      });
      const client = await connect(a, KEY, fetchLike);
      const progress: Progress[] = [];
      let closing: Promise<void> | undefined;
      const result = (await client.callTool(
        { name: SLOW, arguments: { message: 'What time is 6*7?' } },
        undefined,
        {
          onprogress: (p) => {
            progress.push(p);
            // From the first progress on, the load balancer sends everything to B, and A shuts down.
            moved = true;
            closing ??= servers[0]?.close();
          },
        },
      )) as CallToolResult;
      await closing;

      assert.ok(
        sent.some((request) => request.method === 'GET' && request.lastEventId && request.url.startsWith(b)),
      );
      assert.equal(output(result).answer, 'It is 42 o’clock.');
      assert.deepEqual(progress, await expectedProgress(b, output(result).run_id));
      await client.close();
    });
  });
}

crossInstanceSuite('in-process', async () => {
  const bus = new MemoryEventBus();
  return { buses: [bus, bus], close: () => bus.close() };
});

const services = await sharedServices();
if ('reason' in services) {
  servicesUnavailable('/mcp across instances sharing Redis', services.reason);
} else {
  const { redisUrl, prefix, cleanup } = services.services;
  crossInstanceSuite('Redis', async () => {
    const connectBus = () => RedisEventBus.connect({ url: redisUrl, prefix, onError: () => {} });
    const buses: [EventBus, EventBus] = [await connectBus(), await connectBus()];
    return {
      buses,
      async close() {
        await Promise.all(buses.map((bus) => bus.close()));
        await cleanup();
      },
    };
  });
}
