import type { ServerResponse } from 'node:http';
import type { FastifyRequest } from 'fastify';

/**
 * The MCP SDK's transport speaks web-standard Request/Response (its Node wrapper only converts,
 * and cannot take a request that never came over HTTP, which restoring a session needs); these
 * two functions are that conversion for a Fastify request and a hijacked node response.
 */

/** A body-less web Request with the request's method, URL and headers; the body goes separately. */
export function toWebRequest(request: FastifyRequest): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, String(value));
  }
  const host = request.headers.host ?? 'localhost';
  return new Request(`http://${host}${request.url}`, { method: request.method, headers });
}

export interface WebResponseWriting {
  /** Settles when the response has ended; never rejects. */
  done: Promise<void>;
  /**
   * Stops copying the body (the SDK sees its stream cancelled, as when a client leaves), writes
   * `tail` after the last whole chunk, and ends the response: how a stream is handed off.
   */
  stop(tail: string): void;
}

/**
 * Writes a web Response to a node response: status and headers at once (an SSE stream's first
 * bytes must not wait), then the body with backpressure. A client that leaves cancels the body,
 * which is how the SDK learns that a stream is gone.
 */
export function sendWebResponse(response: Response, raw: ServerResponse): WebResponseWriting {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  raw.writeHead(response.status, headers);
  raw.flushHeaders();
  const body = response.body;
  if (!body) {
    raw.end();
    return { done: Promise.resolve(), stop: () => {} };
  }
  const reader = body.getReader();
  let tail = '';
  const cancel = () => {
    reader.cancel().catch(() => {});
  };
  raw.once('close', cancel);
  const done = (async () => {
    try {
      for (;;) {
        const { value, done: ended } = await reader.read();
        if (ended || raw.destroyed) break;
        if (!raw.write(value)) await drained(raw);
      }
    } catch {
      // The body was cancelled (the client left) or failed: there is nobody to tell.
    } finally {
      raw.off('close', cancel);
      if (!raw.writableEnded && !raw.destroyed) raw.end(tail);
    }
  })();
  return {
    done,
    stop(last) {
      tail = last;
      cancel();
    },
  };
}

/** Resolves when the response can take more, or is gone. */
export function drained(raw: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      raw.off('drain', done);
      raw.off('close', done);
      resolve();
    };
    raw.on('drain', done);
    raw.on('close', done);
  });
}
