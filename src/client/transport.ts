import { errorFromResponse } from './error-from-response.ts';
import { ConnectionError, ProtocolError } from './errors.ts';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface TransportOptions {
  baseUrl: string;
  apiKey?: string | undefined;
  fetch?: FetchLike | undefined;
  /** Sent with every request, e.g. `accept-language`. */
  headers?: Record<string, string> | undefined;
}

export interface SendOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
}

/**
 * HTTP for the SDK: URLs under the base, the API key, JSON bodies, and every failure turned into
 * the client's error classes. An abort by the caller's signal is rethrown as is (an AbortError),
 * not as a ConnectionError.
 */
export class Transport {
  private readonly base: string;
  private readonly fetchImpl: FetchLike;
  private readonly headers: Record<string, string>;

  constructor(options: TransportOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    // Looked up at call time and called as a plain function: browsers reject a `fetch` called
    // as a method of another object ("Illegal invocation").
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.headers = {
      ...options.headers,
      ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
    };
  }

  /** A JSON request; resolves with the parsed body, or undefined for 204. */
  async json<T>(method: string, path: string, options: SendOptions = {}): Promise<T> {
    const response = await this.send(method, path, {
      ...options,
      headers: { accept: 'application/json', ...options.headers },
    });
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  /** Opens an SSE response; resolves once its headers arrived and they say `text/event-stream`. */
  async stream(method: string, path: string, options: SendOptions = {}): Promise<Response> {
    const response = await this.send(method, path, {
      ...options,
      headers: { accept: 'text/event-stream', ...options.headers },
    });
    const type = response.headers.get('content-type') ?? '';
    if (!type.startsWith('text/event-stream') || !response.body) {
      await response.body?.cancel().catch(() => {});
      throw new ProtocolError(
        `${method} ${path} answered ${response.status} ${type || 'without a body'}, not an event stream`,
      );
    }
    return response;
  }

  private async send(method: string, path: string, options: SendOptions): Promise<Response> {
    const url = this.base + path + queryString(options.query);
    const headers: Record<string, string> = { ...this.headers, ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new ConnectionError(`${method} ${url}`, error);
    }
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  }
}

function queryString(query: SendOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}
