import type { CreateSessionBody, StartRunBody, UpdateSessionBody } from '../protocol/api.ts';
import type {
  Agent,
  AgentList,
  CancelRunResponse,
  Run,
  Session,
  SessionDetail,
  SessionPage,
} from '../protocol/responses.ts';
import type { ActivityListener } from './activity.ts';
import { DEFAULT_RETRY, type RetryOptions } from './backoff.ts';
import { RunStream } from './run-stream.ts';
import { type FetchLike, Transport } from './transport.ts';

export interface SluiceClientOptions {
  /** Where the server is, e.g. `http://127.0.0.1:8081` (a path prefix is kept). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** A `fetch` of your own (tests, proxies, instrumentation); defaults to the global one. */
  fetch?: FetchLike;
  /** Extra headers on every request, e.g. `{'accept-language': 'fr'}`. */
  headers?: Record<string, string>;
  /** How a run stream resumes after its connection drops. */
  retry?: Partial<RetryOptions>;
  /**
   * A run stream that receives nothing, not even a heartbeat, for this long is taken for dead and
   * resumed. The client asks the server for a heartbeat every third of it (1 to 300 s). 0 turns
   * the watchdog off. Default 45 s.
   */
  idleTimeoutMs?: number;
}

export interface RequestOptions {
  /** Aborts the request; on a run stream it ends the iterator, as `close()` does. */
  signal?: AbortSignal;
}

/** Options of the methods that open a run stream. */
export interface StreamOptions extends RequestOptions {
  /** Sees every raw frame, comment (heartbeat) and reconnection attempt of the stream. */
  onActivity?: ActivityListener;
}

export interface JoinRunOptions extends StreamOptions {
  /** Events up to this seq were seen already: the stream starts after it. Default 0. */
  after?: number;
}

const DEFAULT_IDLE_TIMEOUT_MS = 45_000;

/**
 * The typed client of Sluice's native API. Browser-safe: `fetch`, `AbortController` and the
 * shared protocol schemas, nothing from Node. Every method throws the errors of `./errors.ts`.
 */
export class SluiceClient {
  private readonly transport: Transport;
  private readonly retry: RetryOptions;
  private readonly idleTimeoutMs: number;

  constructor(options: SluiceClientOptions) {
    this.transport = new Transport(options);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  }

  createSession(body: CreateSessionBody = {}, options: RequestOptions = {}): Promise<Session> {
    return this.transport.json('POST', '/api/sessions', { body, signal: options.signal });
  }

  /** The session with its messages, in order, and its active run's id (or null). */
  getSession(id: string, options: RequestOptions = {}): Promise<SessionDetail> {
    return this.transport.json('GET', `/api/sessions/${segment(id)}`, { signal: options.signal });
  }

  /** Newest first; pass `next_cursor` as `cursor` for the next page. */
  listSessions(
    query: { limit?: number; cursor?: string } = {},
    options: RequestOptions = {},
  ): Promise<SessionPage> {
    return this.transport.json('GET', '/api/sessions', {
      query: { limit: query.limit, cursor: query.cursor },
      signal: options.signal,
    });
  }

  renameSession(id: string, title: string, options: RequestOptions = {}): Promise<Session> {
    return this.updateSession(id, { title }, options);
  }

  updateSession(id: string, patch: UpdateSessionBody, options: RequestOptions = {}): Promise<Session> {
    return this.transport.json('PATCH', `/api/sessions/${segment(id)}`, {
      body: patch,
      signal: options.signal,
    });
  }

  /** Deletes the session with its messages and runs; an active run is cancelled first. */
  async deleteSession(id: string, options: RequestOptions = {}): Promise<void> {
    await this.transport.json('DELETE', `/api/sessions/${segment(id)}`, { signal: options.signal });
  }

  async listAgents(options: RequestOptions = {}): Promise<Agent[]> {
    const list = await this.transport.json<AgentList>('GET', '/api/agents', { signal: options.signal });
    return list.items;
  }

  getAgent(id: string, options: RequestOptions = {}): Promise<Agent> {
    return this.transport.json('GET', `/api/agents/${segment(id)}`, { signal: options.signal });
  }

  getRun(id: string, options: RequestOptions = {}): Promise<Run> {
    return this.transport.json('GET', `/api/runs/${segment(id)}`, { signal: options.signal });
  }

  /** Asks for the run to stop; its log ends with conversation_end, status `cancelled`. */
  cancelRun(id: string, options: RequestOptions = {}): Promise<CancelRunResponse> {
    return this.transport.json('POST', `/api/runs/${segment(id)}/cancel`, { signal: options.signal });
  }

  /**
   * Sends a message to a session and resolves with the run's stream once the server accepted it
   * (so `session_busy` and the like are thrown here). The POST is not retried (it is not
   * idempotent); once the stream is open, drops are resumed.
   */
  async startRun(sessionId: string, body: StartRunBody, options: StreamOptions = {}): Promise<RunStream> {
    const heartbeat = body.heartbeat_interval ?? this.heartbeatSeconds();
    const link = linkAbort(options.signal);
    try {
      const response = await this.transport.stream('POST', `/api/sessions/${segment(sessionId)}/runs`, {
        body: heartbeat === undefined ? body : { ...body, heartbeat_interval: heartbeat },
        signal: link.controller.signal,
      });
      return await this.openStream(response, link, 0, heartbeat, options.onActivity, sessionId);
    } catch (error) {
      link.unlink();
      throw error;
    }
  }

  /** Joins a run's stream (another tab, after a restart): the events after `after`, then live. */
  async joinRun(runId: string, options: JoinRunOptions = {}): Promise<RunStream> {
    const after = options.after ?? 0;
    const heartbeat = this.heartbeatSeconds();
    const link = linkAbort(options.signal);
    try {
      const response = await this.openEvents(runId, after, heartbeat, link.controller.signal);
      return await this.openStream(response, link, after, heartbeat, options.onActivity, undefined, runId);
    } catch (error) {
      link.unlink();
      throw error;
    }
  }

  private openStream(
    response: Response,
    link: AbortLink,
    after: number,
    heartbeat: number | undefined,
    onActivity: ActivityListener | undefined,
    sessionId: string | undefined,
    runId?: string,
  ): Promise<RunStream> {
    return RunStream.open({
      runId: response.headers.get('x-sluice-run-id') ?? runId,
      sessionId: response.headers.get('x-sluice-session-id') ?? sessionId,
      after,
      response,
      reconnect: (id, seq, signal) => this.openEvents(id, seq, heartbeat, signal),
      cancel: (id) => this.cancelRun(id),
      retry: this.retry,
      idleMs: this.idleMs(heartbeat),
      controller: link.controller,
      onClose: link.unlink,
      onActivity,
    });
  }

  private openEvents(
    runId: string,
    after: number,
    heartbeat: number | undefined,
    signal: AbortSignal,
  ): Promise<Response> {
    return this.transport.stream('GET', `/api/runs/${segment(runId)}/events`, {
      headers: { 'last-event-id': String(after) },
      query: { heartbeat_interval: heartbeat },
      signal,
    });
  }

  /** Heartbeat seconds to ask for: a third of the idle timeout, within the server's 1 to 300. */
  private heartbeatSeconds(): number | undefined {
    if (this.idleTimeoutMs <= 0) return undefined;
    return Math.min(300, Math.max(1, Math.round(this.idleTimeoutMs / 3000)));
  }

  /** Silence allowed on a stream: the option, but never less than two heartbeats. */
  private idleMs(heartbeat: number | undefined): number {
    if (this.idleTimeoutMs <= 0) return 0;
    return Math.max(this.idleTimeoutMs, 2000 * (heartbeat ?? 0));
  }
}

function segment(id: string): string {
  return encodeURIComponent(id);
}

interface AbortLink {
  controller: AbortController;
  unlink(): void;
}

/** A controller of the stream's own that also aborts when the caller's signal does. */
function linkAbort(signal: AbortSignal | undefined): AbortLink {
  const controller = new AbortController();
  if (!signal) return { controller, unlink() {} };
  const abort = () => controller.abort(signal.reason);
  if (signal.aborted) abort();
  else signal.addEventListener('abort', abort, { once: true });
  return { controller, unlink: () => signal.removeEventListener('abort', abort) };
}
