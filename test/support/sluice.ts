import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, type SluiceConfig } from '../../src/config/index.ts';
import { type CreateServerOptions, createServer, type SluiceServer } from '../../src/http/index.ts';

export interface TestServer {
  server: SluiceServer;
  url: string;
  config: SluiceConfig;
  close(): Promise<void>;
}

/**
 * A real Sluice server on 127.0.0.1, port 0, with PGlite in memory and the in-process bus.
 * `config` overrides go through the same schema as the real configuration; `options` (extensions,
 * a logger) go to createServer as they are.
 */
export async function startTestServer(
  overrides: Record<string, unknown> = {},
  options: CreateServerOptions = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-test-'));
  const config = configSchema.parse({
    host: '127.0.0.1',
    port: 0,
    log_level: 'silent',
    data_dir: 'memory://',
    documents_dir: join(dataDir, 'documents'),
    demo_pace: 0,
    ...overrides,
  });
  const server = await createServer(config, options);
  const url = await server.listen();
  return {
    server,
    url,
    config,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function json<T = Record<string, unknown>>(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    ...(init.body === undefined
      ? {}
      : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : undefined) as T,
    headers: response.headers,
  };
}

export async function createSession(url: string, body: Record<string, unknown> = {}): Promise<string> {
  const { status, body: session } = await json<{ id: string }>(`${url}/api/sessions`, { body });
  if (status !== 201) throw new Error(`createSession: ${status} ${JSON.stringify(session)}`);
  return session.id;
}
