/**
 * A client that times one replay: from sending `GET url` to reading the last of `events` event
 * frames (frames with an `id:` line), with node:http on a socket of its own, counting frames
 * without decoding them. Optionally keeps the body, to hand the same bytes to the raw writer.
 */
import { request } from 'node:http';
import { FrameCounter } from '../frame-counter.ts';

export interface TimedReplay {
  /** Request sent -> the last expected event read, ms. */
  ms: number;
  /** Request sent -> response headers, ms. */
  headersMs: number;
  bytes: number;
  body?: string;
}

export function timeReplay(
  url: string,
  options: { headers?: Record<string, string>; events: number; timeoutMs: number; keepBody?: boolean },
): Promise<TimedReplay> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let headersMs = 0;
    let events = 0;
    let bytes = 0;
    let doneMs: number | undefined;
    const chunks: Buffer[] = [];
    const counter = new FrameCounter();
    const req = request(url, { headers: { accept: 'text/event-stream', ...options.headers }, agent: false });
    const timer = setTimeout(
      () => req.destroy(new Error(`${events} of ${options.events} events within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    req.once('error', fail);
    req.once('response', (res) => {
      headersMs = performance.now() - started;
      if (res.statusCode !== 200) {
        res.resume();
        fail(new Error(`GET ${new URL(url).pathname}: ${res.statusCode}`));
        return;
      }
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (options.keepBody) chunks.push(chunk);
        events += counter.feed(chunk);
        if (doneMs === undefined && events >= options.events) doneMs = performance.now() - started;
      });
      res.once('error', fail);
      res.once('end', () => {
        clearTimeout(timer);
        if (doneMs === undefined) {
          reject(new Error(`the stream ended after ${events} of ${options.events} events`));
          return;
        }
        resolve({
          ms: doneMs,
          headersMs,
          bytes,
          ...(options.keepBody ? { body: Buffer.concat(chunks).toString('utf8') } : {}),
        });
      });
    });
    req.end();
  });
}
