/**
 * A loopback OpenAI-compatible upstream whose completions wait at a gate: the fan-out scenarios'
 * way to let clients join a live run before its first token. Each `POST /v1/chat/completions`
 * reads its request, waits until the gate opens (`POST /go`, or `open()`), then streams the whole
 * completion at once: one `chat.completion.chunk` per token, a finish chunk, a usage chunk and
 * `data: [DONE]`, as fast as the socket takes it. `arm()` closes the gate for the next run.
 * Runs in the orchestrator, which is idle while it writes.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GatedUpstream {
  /** The `openai.base_url` to give Sluice. */
  baseUrl: string;
  /** POSTing here opens the gate (the load child does, once every client has joined). */
  goUrl: string;
  /** Closes the gate: completions requested from now on wait for the next `POST /go`. */
  arm(): void;
  /** Opens the gate from here. */
  open(): void;
  /** Completions answered so far. */
  readonly completions: number;
  close(): Promise<void>;
}

function completionBody(tokens: readonly string[]): string {
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 0, model: 'bench', choices, ...extra })}\n\n`;
  const parts = [chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }])];
  for (const token of tokens)
    parts.push(chunk([{ index: 0, delta: { content: token }, finish_reason: null }]));
  parts.push(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]));
  parts.push(
    chunk([], {
      usage: { prompt_tokens: 40, completion_tokens: tokens.length, total_tokens: 40 + tokens.length },
    }),
  );
  parts.push('data: [DONE]\n\n');
  return parts.join('');
}

export async function startGatedUpstream(tokens: readonly string[]): Promise<GatedUpstream> {
  const body = completionBody(tokens);
  let release: () => void = () => {};
  let gate = Promise.resolve();
  let completions = 0;
  const arm = () => {
    gate = new Promise<void>((resolve) => {
      release = resolve;
    });
  };
  const open = () => release();

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'POST' && path === '/go') {
      req.resume();
      open();
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      req.resume();
      res.writeHead(404).end();
      return;
    }
    const waiting = gate;
    req.resume();
    req.once('end', () => {
      void waiting.then(() => {
        if (res.destroyed) return;
        completions++;
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.end(body);
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    baseUrl: `${origin}/v1`,
    goUrl: `${origin}/go`,
    arm,
    open,
    get completions() {
      return completions;
    },
    close: async () => {
      open();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
