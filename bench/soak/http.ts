/**
 * The soak's HTTP client: node:http over keep-alive sockets, every request bounded in time.
 * Streams are decoded with Sluice's own SSE decoder (src/sse), since the soak checks what each
 * frame says, not only how many there are. A stream can be dropped abruptly at any frame (or
 * right after its headers): the socket is destroyed, as when a client's network goes away.
 */
import { Agent, type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';
import { createSseDecoder, type SseMessage } from '../../src/sse/index.ts';

export interface HttpClient {
  base: string;
  agent: Agent;
  /** No request, stream or not, stays open longer than this. */
  timeoutMs: number;
}

export function httpClient(base: string, timeoutMs: number): HttpClient {
  return { base, agent: new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY }), timeoutMs };
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
}

export interface JsonAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  json: unknown;
}

/** What a stream's reader decides after each message: go on, or drop the connection now. */
export type StreamDecision = 'continue' | 'drop';

export interface StreamOptions extends RequestOptions {
  /** Drop the connection as soon as the headers arrive, before reading any frame. */
  dropAtHeaders?: boolean;
  onMessage?: (message: SseMessage) => StreamDecision | undefined;
}

export interface StreamAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body when the answer was not an event stream (a JSON error); '' otherwise. */
  text: string;
  /** The server ended the response. */
  ended: boolean;
  /** This client dropped the connection before the end. */
  dropped: boolean;
}

function open(client: HttpClient, method: string, path: string, options: RequestOptions) {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const req = request(new URL(path, client.base), { method, headers, agent: client.agent });
  const timer = setTimeout(
    () => req.destroy(new Error(`timed out after ${client.timeoutMs} ms`)),
    client.timeoutMs,
  );
  req.once('close', () => clearTimeout(timer));
  req.end(body);
  return req;
}

function readText(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.once('error', reject);
    res.once('aborted', () => reject(new Error('response aborted')));
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A request whose whole answer is read (JSON or not). */
export function requestJson(
  client: HttpClient,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<JsonAnswer> {
  return new Promise((resolve, reject) => {
    const req = open(client, method, path, {
      ...options,
      headers: { accept: 'application/json', ...options.headers },
    });
    req.once('error', reject);
    req.once('response', (res) => {
      readText(res).then(
        (text) => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parseJson(text) }),
        reject,
      );
    });
  });
}

/**
 * Opens an event stream and hands each decoded message to `onMessage` until the server ends
 * the response or the reader drops it. Rejects on network errors and timeouts, never on a drop
 * of its own. A non-SSE answer resolves with its text and no messages.
 */
export function readStream(
  client: HttpClient,
  method: string,
  path: string,
  options: StreamOptions = {},
): Promise<StreamAnswer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const req = open(client, method, path, {
      ...options,
      headers: { accept: 'text/event-stream', ...options.headers },
    });
    const settle = (error: Error | undefined, answer?: StreamAnswer) => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve(answer!);
    };
    req.once('error', (error) => settle(error));
    req.once('response', (res) => {
      const status = res.statusCode ?? 0;
      const base = { status, headers: res.headers, text: '' };
      if (!(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        readText(res).then(
          (text) => settle(undefined, { ...base, text, ended: true, dropped: false }),
          (error: Error) => settle(error),
        );
        return;
      }
      const drop = () => {
        settle(undefined, { ...base, ended: false, dropped: true });
        req.destroy();
      };
      if (options.dropAtHeaders) {
        drop();
        return;
      }
      const decoder = createSseDecoder((message) => {
        if (settled) return;
        if (options.onMessage?.(message) === 'drop') drop();
      });
      res.on('data', (chunk: Buffer) => decoder.push(chunk));
      res.once('end', () => {
        decoder.flush();
        settle(undefined, { ...base, ended: true, dropped: false });
      });
      res.once('error', (error) => settle(error));
      res.once('aborted', () => settle(new Error('stream aborted by the server')));
    });
  });
}
