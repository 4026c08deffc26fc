import { connect, type Socket } from 'node:net';
import { createSseDecoder, type SseMessage } from '../../src/sse/index.ts';

/** States of the chunked-body reader besides "bytes left in this chunk". */
const SIZE_LINE = -1;
const AFTER_DATA = -2;

/**
 * How a client goes away: `destroy` closes the socket (FIN, or RST when unread data sits in its
 * receive buffer), `half-close` sends FIN and goes on reading (or not reading) as before, `reset`
 * aborts with RST at once.
 */
export type Vanish = 'destroy' | 'half-close' | 'reset';

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Send only this many bytes of the body; Content-Length still announces all of it. */
  sendBodyBytes?: number;
}

/**
 * A hand-driven HTTP/1.1 client over node:net, so a test decides to the byte when the client
 * leaves: before the body is complete, before the response head, after any SSE frame, or after
 * it stopped reading. It decodes the response head, chunked framing and SSE frames as they come.
 */
export class VanishingClient {
  status = 0;
  headers: Record<string, string> = {};
  /** Decoded SSE messages so far (data frames only; comments counted apart). */
  readonly messages: SseMessage[] = [];
  comments = 0;
  /** Response body bytes after chunked decoding. */
  bodyBytes = 0;
  body = '';
  /** The socket closed (either side). */
  closed = false;
  private readonly socket: Socket;
  private pending: Buffer = Buffer.alloc(0);
  private headDone = false;
  private chunked = false;
  /** Bytes left in the current chunk, or SIZE_LINE, or AFTER_DATA (the chunk's CRLF). */
  private chunkLeft = SIZE_LINE;
  /** Set by `at`: what to do at the first message it accepts; nothing after it is read. */
  private trigger: { when: (message: SseMessage) => boolean; act: () => void } | undefined;
  private unread = false;
  private readonly decoder = createSseDecoder(
    (message) => {
      if (this.unread) return;
      this.messages.push(message);
      if (!this.trigger?.when(message)) return;
      const { act } = this.trigger;
      this.trigger = undefined;
      this.unread = true;
      act();
    },
    () => this.comments++,
  );
  private readonly text = new TextDecoder();
  private readonly watchers = new Set<() => void>();

  private constructor(port: number, request: RawRequest) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.on('data', (data: Buffer) => this.receive(data));
    // Errors (ECONNRESET after our own reset, EPIPE) are the point of these tests, not failures.
    this.socket.on('error', () => {});
    this.socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
    const body = Buffer.from(request.body ?? '');
    const headers: Record<string, string> = {
      host: `127.0.0.1:${port}`,
      ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(request.body === undefined ? {} : { 'content-length': String(body.length) }),
      ...request.headers,
    };
    const head = `${request.method ?? (request.body === undefined ? 'GET' : 'POST')} ${request.path} HTTP/1.1\r\n${Object.entries(
      headers,
    )
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('')}\r\n`;
    this.socket.write(
      Buffer.concat([Buffer.from(head), body.subarray(0, request.sendBodyBytes ?? body.length)]),
    );
  }

  /** Connects to `baseUrl` (http://127.0.0.1:port) and sends the request (or part of its body). */
  static open(baseUrl: string, request: RawRequest): VanishingClient {
    return new VanishingClient(Number(new URL(baseUrl).port), request);
  }

  /** Data events of the SSE stream (`event:` name, or `message` for data-only dialects). */
  get events(): string[] {
    return this.messages.map((m) => m.event ?? 'message');
  }

  /** Resolves once `ready()` holds, checked on every byte that arrives; rejects after `timeoutMs`. */
  waitFor(ready: (client: VanishingClient) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (ready(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!ready(this)) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${what}; got ${this.status} [${this.events.join(', ')}]`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.watchers.delete(check);
      };
      this.watchers.add(check);
    });
  }

  /**
   * At the first SSE message `when` accepts, stops reading or vanishes at once, before anything
   * after that message is read (later frames of the same TCP read included). Resolves when done.
   */
  async at(
    when: (message: SseMessage) => boolean,
    then: 'stop-reading' | Vanish,
    timeoutMs = 10_000,
  ): Promise<void> {
    let done = false;
    this.trigger = {
      when,
      act: () => {
        done = true;
        if (then === 'stop-reading') this.stopReading();
        else this.vanish(then);
      },
    };
    await this.waitFor(() => done || this.closed, `the message to ${then} at`, timeoutMs);
    if (!done)
      throw new Error(`the connection closed before the message to ${then} at: [${this.events.join(', ')}]`);
  }

  /** Stops reading: the socket's buffers fill and the server's writes back up. */
  stopReading(): void {
    this.socket.pause();
  }

  vanish(how: Vanish): void {
    if (how === 'reset') this.socket.resetAndDestroy();
    else if (how === 'destroy') this.socket.destroy();
    else this.socket.end();
  }

  /** Destroys the socket whatever its state: a client that stopped reading never sees it close. */
  dispose(): void {
    this.socket.destroy();
  }

  /** Resolves once the socket closed, however it did; destroys it after `timeoutMs`. */
  async gone(timeoutMs = 10_000): Promise<void> {
    try {
      await this.waitFor((c) => c.closed, 'the connection to close', timeoutMs);
    } catch (error) {
      this.socket.destroy();
      throw error;
    }
  }

  private notify(): void {
    for (const check of [...this.watchers]) check();
  }

  private receive(data: Buffer): void {
    this.pending = this.pending.length === 0 ? data : Buffer.concat([this.pending, data]);
    if (!this.headDone) {
      const end = this.pending.indexOf('\r\n\r\n');
      if (end === -1) return;
      const [statusLine = '', ...lines] = this.pending.subarray(0, end).toString('latin1').split('\r\n');
      this.status = Number(statusLine.split(' ')[1]);
      for (const line of lines) {
        const colon = line.indexOf(':');
        this.headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      this.chunked = this.headers['transfer-encoding'] === 'chunked';
      this.headDone = true;
      this.pending = this.pending.subarray(end + 4);
    }
    if (this.chunked) this.dechunk();
    else {
      this.deliver(this.pending);
      this.pending = Buffer.alloc(0);
    }
    this.notify();
  }

  private dechunk(): void {
    for (;;) {
      if (this.chunkLeft === AFTER_DATA) {
        if (this.pending.length < 2) return;
        this.pending = this.pending.subarray(2);
        this.chunkLeft = SIZE_LINE;
      }
      if (this.chunkLeft === SIZE_LINE) {
        const eol = this.pending.indexOf('\r\n');
        if (eol === -1) return;
        this.chunkLeft = Number.parseInt(this.pending.subarray(0, eol).toString('latin1'), 16);
        this.pending = this.pending.subarray(eol + 2);
      }
      if (this.chunkLeft === 0) return; // the last chunk: the response is complete
      // Hand over what there is, so frames are seen as soon as they arrive.
      const part = this.pending.subarray(0, Math.min(this.pending.length, this.chunkLeft));
      this.deliver(part);
      this.chunkLeft -= part.length;
      this.pending = this.pending.subarray(part.length);
      if (this.chunkLeft > 0) return;
      this.chunkLeft = AFTER_DATA;
    }
  }

  private deliver(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.bodyBytes += bytes.length;
    if ((this.headers['content-type'] ?? '').startsWith('text/event-stream')) this.decoder.push(bytes);
    else this.body += this.text.decode(bytes, { stream: true });
  }
}
