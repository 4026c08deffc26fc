import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import {
  type InitializeRequest,
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import type { LogEntry } from '../../bus/index.ts';
import { type CanonicalEvent, isUuid, newId } from '../../protocol/index.ts';
import type { Logger } from '../../runs/index.ts';
import type { Principal } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { createAgentServer } from './agent-server.ts';
import { BusEventStore, streamLogId } from './event-store.ts';

type InitializeParams = InitializeRequest['params'];

/** One MCP session held by this instance. */
export interface McpSession {
  id: string;
  tenantId: string;
  transport: WebStandardStreamableHTTPServerTransport;
  server: McpServer;
  /** Date.now() of the last request; idle sessions are closed here (the record lives on). */
  lastUsed: number;
  /** Responses being written (a long call keeps its stream open); a busy session is never idle. */
  streams: number;
  /** Resolves when every request received has been answered (or cancelled), or after `ms`. */
  answered(ms: number): Promise<void>;
}

/** What the bus keeps of a session, enough for any instance to serve it. */
interface SessionRecord {
  tenant_id: string;
  user_id: string | null;
  initialize: InitializeParams;
}

export interface McpSessionsOptions {
  /** A session unused this long is forgotten everywhere; each request renews it. */
  idleMs: number;
  /** Retention of the MCP stream logs (resumability). */
  retentionMs: number;
  log: Logger;
}

/**
 * MCP sessions (`mcp-session-id`) for `/mcp`. A session is recorded on the EventBus as a log
 * `mcp-session:<id>` of one entry (tenant, user, the client's initialize params), ended at once
 * with the idle period as retention and renewed by every request; DELETE writes a tombstone log
 * `mcp-session:<id>:deleted` that every instance checks, and drops the record. So any
 * instance can tell whether a session exists and whose it is, and one that does not hold the
 * session restores it: a fresh transport and server, initialized with the recorded params.
 */
export class McpSessions {
  private readonly local = new Map<string, McpSession>();
  private readonly restoring = new Map<string, Promise<McpSession | undefined>>();
  private readonly sweeper: ReturnType<typeof setInterval>;
  private closed = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly options: McpSessionsOptions,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(options.idleMs, 60_000));
    this.sweeper.unref();
  }

  /** A new session for an initialize request; recorded on the bus when the SDK initializes it. */
  async open(principal: Principal, initialize: InitializeParams): Promise<McpSession> {
    const id = newId();
    return this.connect(id, principal, async () => {
      await this.record(id, { tenant_id: principal.tenantId, user_id: principal.userId, initialize });
    });
  }

  /**
   * The session `id` for `principal`: held here, or restored from its record. Undefined when it
   * does not exist, expired, was deleted (on any instance), or is another tenant's.
   */
  async find(id: string, principal: Principal): Promise<McpSession | undefined> {
    const record = await this.recordOf(id);
    const held = this.local.get(id);
    if (!record) {
      if (held) await held.transport.close();
      return undefined;
    }
    if (record.tenant_id !== principal.tenantId) return undefined;
    this.renew(id);
    if (held) {
      held.lastUsed = Date.now();
      return held;
    }
    let restoring = this.restoring.get(id);
    if (!restoring) {
      restoring = this.restore(id, record).finally(() => this.restoring.delete(id));
      this.restoring.set(id, restoring);
    }
    return restoring;
  }

  /** Whether session `id` exists for `principal`, without restoring it here (resuming needs only this). */
  async exists(id: string, principal: Principal): Promise<boolean> {
    const record = await this.recordOf(id);
    if (record?.tenant_id !== principal.tenantId) return false;
    this.renew(id);
    return true;
  }

  /**
   * Closes every session held here; their records stay, so clients go on with another instance.
   * Calls still being answered (at shutdown their runs have ended, but the end may still be on
   * its way from the bus) get up to `answerMs` to store their responses, which a client that
   * resumes elsewhere is waiting for; closing first would drop them.
   */
  async close(answerMs = 5_000): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    await Promise.allSettled([...this.restoring.values()]);
    const sessions = [...this.local.values()];
    await Promise.all(sessions.map((session) => session.answered(answerMs)));
    await Promise.all(sessions.map((session) => session.transport.close()));
  }

  private async connect(
    id: string,
    principal: Principal,
    onInitialized: () => Promise<void>,
    store?: BusEventStore,
  ): Promise<McpSession> {
    const eventStore =
      store ??
      new BusEventStore({
        bus: this.ctx.bus,
        sessionId: id,
        retentionMs: this.options.retentionMs,
        onError: (error) => this.options.log.warn({ err: error, mcpSession: id }, 'MCP event not stored'),
      });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => id,
      eventStore,
      onsessioninitialized: async () => {
        await onInitialized();
        this.local.set(id, session);
      },
      onsessionclosed: async () => this.forget(id),
    });
    const server = createAgentServer(this.ctx, principal);
    const pending = new PendingRequests();
    const session: McpSession = {
      id,
      tenantId: principal.tenantId,
      transport,
      server,
      lastUsed: Date.now(),
      streams: 0,
      answered: (ms) => pending.settled(ms),
    };
    // Set before connect: the server chains its own close handling after this one.
    transport.onclose = () => {
      if (this.local.get(id) === session) this.local.delete(id);
    };
    await server.connect(transport);
    pending.watch(transport);
    return session;
  }

  /**
   * Rebuilds a session another instance opened: the recorded initialize request and the
   * initialized notification go through a fresh transport (their answers are dropped and not
   * stored), after which it takes the client's requests as the first transport would.
   */
  private async restore(id: string, record: SessionRecord): Promise<McpSession | undefined> {
    if (this.closed) return undefined;
    const principal: Principal = { tenantId: record.tenant_id, userId: record.user_id };
    const store = new BusEventStore({
      bus: this.ctx.bus,
      sessionId: id,
      retentionMs: this.options.retentionMs,
      onError: (error) => this.options.log.warn({ err: error, mcpSession: id }, 'MCP event not stored'),
    });
    store.muted = true;
    const session = await this.connect(id, principal, async () => {}, store);
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      session.transport
        .handleRequest(
          new Request('http://localhost/mcp', {
            method: 'POST',
            headers: {
              accept: 'application/json, text/event-stream',
              'content-type': 'application/json',
              ...headers,
            },
          }),
          { parsedBody: body },
        )
        .then((response) => response.text());
    await post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: record.initialize });
    await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': id });
    store.muted = false;
    this.options.log.info({ mcpSession: id }, 'MCP session restored');
    return session;
  }

  private async record(id: string, record: SessionRecord): Promise<void> {
    await this.writeOnce(recordKey(id), id, { mcp_session: record });
  }

  /** The session's record, unless it expired or the session was deleted (its tombstone exists). */
  private async recordOf(id: string): Promise<SessionRecord | undefined> {
    if (!isUuid(id)) return undefined;
    const [[entry], tombstone] = await Promise.all([
      this.ctx.bus.readAfter(recordKey(id), 0),
      this.ctx.bus.state(tombstoneKey(id)),
    ]);
    if (tombstone.state !== 'missing') return undefined;
    return entry?.event.metadata.mcp_session as SessionRecord | undefined;
  }

  private renew(id: string): void {
    this.ctx.bus.end(recordKey(id), this.options.idleMs).catch(() => {});
  }

  /**
   * DELETE: a tombstone, kept as long as the record could live, tells every instance at once
   * (an expiry alone would leave a moment when the record still reads); the record and the
   * session's standalone stream go after it.
   */
  private async forget(id: string): Promise<void> {
    const { bus } = this.ctx;
    try {
      await this.writeOnce(tombstoneKey(id), id, { mcp_session_deleted: true });
      await Promise.all([
        bus.end(recordKey(id), 1),
        bus.end(streamLogId(id, '_GET_stream'), this.options.retentionMs),
      ]);
    } catch (error) {
      this.options.log.warn({ err: error, mcpSession: id }, 'MCP session not deleted on the bus');
    }
  }

  /** A log of one entry carrying `metadata`, ended at once: it lives `idleMs` unless renewed. */
  private async writeOnce(key: string, sessionId: string, metadata: Record<string, unknown>): Promise<void> {
    const event: CanonicalEvent = {
      event_type: 'processing_status',
      seq: 1,
      run_id: key,
      session_id: sessionId,
      timestamp: new Date().toISOString(),
      data: { status_message: 'mcp session', progress_info: { stage: 'mcp_session' } },
      metadata,
    };
    const entry: LogEntry = { seq: 1, event, json: JSON.stringify(event) };
    await this.ctx.bus.append(key, entry);
    await this.ctx.bus.end(key, this.options.idleMs);
  }

  /** Closes sessions idle here for `idleMs`; their records expire on their own. */
  private sweep(): void {
    const before = Date.now() - this.options.idleMs;
    for (const session of this.local.values()) {
      if (session.streams === 0 && session.lastUsed < before) void session.transport.close();
    }
  }
}

function recordKey(id: string): string {
  return `mcp-session:${id}`;
}

function tombstoneKey(id: string): string {
  return `mcp-session:${id}:deleted`;
}

/**
 * The requests a transport has received and not yet answered: counted from what comes in, and
 * from the responses (stored and written) and `notifications/cancelled` going through it.
 */
class PendingRequests {
  private readonly ids = new Set<RequestId>();
  private readonly waiters = new Set<() => void>();

  /** Wraps the transport's `onmessage` and `send`, which the connected server has set and uses. */
  watch(transport: WebStandardStreamableHTTPServerTransport): void {
    const deliver = transport.onmessage;
    transport.onmessage = (message, extra) => {
      if (isJSONRPCRequest(message)) this.ids.add(message.id);
      else if (isJSONRPCNotification(message) && message.method === 'notifications/cancelled') {
        this.done(message.params?.requestId as RequestId);
      }
      deliver?.(message, extra);
    };
    const send = transport.send.bind(transport);
    transport.send = async (message, options) => {
      try {
        await send(message, options);
      } finally {
        if (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) this.done(message.id);
      }
    };
  }

  settled(ms: number): Promise<void> {
    if (this.ids.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waiters.add(wake);
    });
  }

  private done(id: RequestId | undefined): void {
    if (id === undefined || !this.ids.delete(id) || this.ids.size > 0) return;
    for (const wake of [...this.waiters]) wake();
  }
}
