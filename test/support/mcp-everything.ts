import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/**
 * The published `@modelcontextprotocol/server-everything`, run for tests: over stdio through a
 * tee that records what it receives, or over Streamable HTTP behind a recording proxy that
 * outlives the server (so it can be killed and restarted on another port under the same URL).
 */

const require = createRequire(import.meta.url);
export const EVERYTHING_BIN = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');
const TEE = fileURLToPath(new URL('./mcp-stdio-tee.mjs', import.meta.url));
const DYNAMIC = fileURLToPath(new URL('./mcp-dynamic-server.mjs', import.meta.url));

/** A JSON-RPC message as recorded. */
export type Recorded = { method?: string; id?: number | string; params?: Record<string, unknown> };

export interface StdioEverything {
  /** An `mcp_servers` entry. */
  config: Record<string, unknown>;
  /** The messages the server received so far, in order (every process it was restarted as). */
  received(): Recorded[];
}

/** server-everything over stdio, named `name`, recording into `dir`. */
export function stdioEverything(name: string, dir: string): StdioEverything {
  const log = join(dir, `${name}-stdin.log`);
  return {
    config: { name, command: process.execPath, args: [TEE], env: { MCP_TEE_LOG: log } },
    received: () => readLines(log).filter((line) => !('pid' in line)) as Recorded[],
  };
}

/** A small SDK server over stdio whose `add_tool` tool registers a tool (so it sends list_changed). */
export function dynamicServer(name: string): Record<string, unknown> {
  return { name, command: process.execPath, args: [DYNAMIC] };
}

function readLines(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export interface HttpEverything {
  /** The proxy's `/mcp` URL, stable across restarts. */
  url: string;
  /** JSON-RPC messages POSTed through the proxy, in order. */
  received: Recorded[];
  /** SIGKILLs the server and waits for it to be gone. */
  kill(): Promise<void>;
  /** Starts a fresh server (new port) behind the same URL. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startHttpEverything(): Promise<HttpEverything> {
  let child: ChildProcess | undefined;
  let port = 0;
  const received: Recorded[] = [];

  const start = async () => {
    port = await freePort();
    const started = spawn(process.execPath, [EVERYTHING_BIN, 'streamableHttp'], {
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = started;
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      started.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('listening on port')) resolve();
      });
      started.once('exit', (code) => reject(new Error(`server-everything exited (${code}): ${stderr}`)));
    });
  };

  const proxy = createServer((req, res) => forward(req, res, port, received));
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  await start();
  const kill = async () => {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = once(current, 'exit');
    current.kill('SIGKILL');
    await exited;
  };
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/mcp`,
    received,
    kill,
    restart: start,
    async close() {
      await kill();
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}

/** Passes one request on to the server, recording its JSON body; a dying server cuts the client. */
function forward(req: IncomingMessage, res: ServerResponse, port: number, received: Recorded[]): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (body.length > 0) {
      try {
        const parsed = JSON.parse(body.toString()) as Recorded | Recorded[];
        received.push(...(Array.isArray(parsed) ? parsed : [parsed]));
      } catch {
        // not JSON: nothing to record
      }
    }
    const upstream = httpRequest(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.flushHeaders();
        answer.pipe(res);
        answer.on('close', () => {
          if (!answer.complete) res.destroy();
        });
      },
    );
    upstream.on('error', () => {
      if (res.headersSent) res.destroy();
      else res.writeHead(502).end();
    });
    res.on('close', () => upstream.destroy());
    upstream.end(body);
  });
}

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Polls `check` every 20 ms until it returns a value other than undefined; fails after `ms`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
