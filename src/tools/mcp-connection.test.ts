import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { McpConnection, type McpServerSpec } from './mcp-connection.ts';

/**
 * McpConnection against a Streamable HTTP server on the SDK, in this process: one that can
 * forget its sessions (as a restarted server does) and has no standalone GET stream, so the
 * client only learns of it from a call.
 */

const silent = { info() {}, warn() {}, error() {} };

interface TestMcpServer {
  url: string;
  initializes: number;
  forgetSessions(): void;
  close(): Promise<void>;
}

async function startServer(): Promise<TestMcpServer> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const state = { initializes: 0 };
  const http: Server = createServer((req, res) => {
    void (async () => {
      if (req.method === 'GET') {
        res.writeHead(405).end();
        return;
      }
      const id = req.headers['mcp-session-id'];
      let transport = typeof id === 'string' ? sessions.get(id) : undefined;
      if (!transport && typeof id === 'string') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }),
        );
        return;
      }
      if (!transport) {
        state.initializes++;
        const created = new StreamableHTTPServerTransport({
          sessionIdGenerator: randomUUID,
          onsessioninitialized: (sessionId) => {
            sessions.set(sessionId, created);
          },
        });
        transport = created;
        await tools().connect(created);
      }
      await transport.handleRequest(req, res);
    })();
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const forgetSessions = () => {
    for (const transport of sessions.values()) void transport.close();
    sessions.clear();
  };
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    get initializes() {
      return state.initializes;
    },
    forgetSessions,
    async close() {
      forgetSessions();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function tools(): McpServer {
  const server = new McpServer({ name: 'test', version: '1.0.0' });
  server.registerTool('ping', { description: 'Answers pong.' }, async () => ({
    content: [{ type: 'text', text: 'pong' }],
  }));
  server.registerTool('sleep', { description: 'Sleeps 2 s.' }, async (extra) => {
    await sleep(2_000, undefined, { signal: extra.signal }).catch(() => {});
    return { content: [{ type: 'text', text: 'woke' }] };
  });
  server.registerTool('busy', { description: 'Works 300 ms, reporting every 50 ms.' }, async (extra) => {
    const token = extra._meta?.progressToken;
    for (let i = 1; i <= 6; i++) {
      await sleep(50);
      if (token !== undefined) {
        await extra.sendNotification({
          method: 'notifications/progress',
          params: { progressToken: token, progress: i, total: 6 },
        });
      }
    }
    return { content: [{ type: 'text', text: 'done' }] };
  });
  return server;
}

function spec(
  url: string,
  timeouts: Partial<Pick<McpServerSpec, 'timeoutMs' | 'maxTotalMs'>> = {},
): McpServerSpec {
  return { name: 'test', transport: 'http', url, timeoutMs: 5_000, maxTotalMs: 10_000, ...timeouts };
}

function connection(url: string, timeouts: Partial<Pick<McpServerSpec, 'timeoutMs' | 'maxTotalMs'>> = {}) {
  return new McpConnection(spec(url, timeouts), {
    log: silent,
    clientInfo: { name: 'test', version: '1' },
    onTools: () => {},
    initialBackoffMs: 10,
    maxBackoffMs: 50,
    callWaitMs: 2_000,
  });
}

const call = (c: McpConnection, tool: string, onProgress: (p: Progress) => void = () => {}) =>
  c.call(tool, {}, { signal: new AbortController().signal, onProgress });

describe('McpConnection over Streamable HTTP', () => {
  let server: TestMcpServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.close();
  });

  test('a server that forgot the session is reconnected to, and the call made once more', async () => {
    const c = connection(server.url);
    await c.start();
    assert.equal(c.state, 'connected');
    const before = server.initializes;
    server.forgetSessions();
    const result = await call(c, 'ping');
    assert.deepEqual(result.content, [{ type: 'text', text: 'pong' }]);
    assert.equal(server.initializes, before + 1);
    await c.close();
  });

  test('no result and no progress within timeout_ms fails the call, naming the server', async () => {
    const c = connection(server.url, { timeoutMs: 100 });
    await c.start();
    await assert.rejects(call(c, 'sleep'), /MCP server "test" sent no result or progress for 0.1 s/);
    await c.close();
  });

  test('progress keeps a call alive past timeout_ms, up to max_total_ms', async () => {
    const c = connection(server.url, { timeoutMs: 150, maxTotalMs: 5_000 });
    await c.start();
    const seen: number[] = [];
    const result = await call(c, 'busy', (p) => seen.push(p.progress));
    assert.deepEqual(result.content, [{ type: 'text', text: 'done' }]);
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6]);
    await c.close();
  });
});

test('a server that is not there: the call says so after a short wait, and close stops the retries', async () => {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));

  const c = new McpConnection(spec(`http://127.0.0.1:${port}/mcp`), {
    log: silent,
    clientInfo: { name: 'test', version: '1' },
    onTools: () => {},
    initialBackoffMs: 10,
    maxBackoffMs: 50,
    callWaitMs: 100,
  });
  await c.start();
  assert.equal(c.state, 'reconnecting');
  assert.ok(c.lastError);
  await assert.rejects(call(c, 'ping'), /MCP server "test" is not connected \(.+\)/);
  await c.close();
  assert.equal(c.state, 'closed');
});
