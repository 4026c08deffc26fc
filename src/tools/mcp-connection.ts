import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  type CallToolResult,
  ErrorCode,
  isJSONRPCErrorResponse,
  isJSONRPCResultResponse,
  McpError,
  type Tool as McpTool,
  type Progress,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';

/** One MCP server Sluice takes tools from. */
export type McpServerSpec = {
  /** Prefix of its tools' names (`name__tool`); see MCP_SERVER_NAME_PATTERN. */
  name: string;
  /** A call fails when the server sends neither its result nor progress for this long. */
  timeoutMs: number;
  /** A call fails after this long whatever progress it reports. */
  maxTotalMs: number;
} & (
  | { transport: 'stdio'; command: string; args: string[]; env?: Record<string, string>; cwd?: string }
  | { transport: 'http'; url: string; headers?: Record<string, string> }
);

export type McpConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** The slice of pino's API this module uses. */
export interface McpLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface McpConnectionOptions {
  log: McpLogger;
  /** Sent to the server as clientInfo. */
  clientInfo: { name: string; version: string };
  /** Called with the server's whole tool list after each (re)connect and list_changed. */
  onTools(tools: McpTool[]): void;
  /** First reconnect delay, doubled on each failure up to `maxBackoffMs`. Default 250. */
  initialBackoffMs?: number;
  /** Default 30 000. */
  maxBackoffMs?: number;
  /** Bound on connecting (spawn or HTTP, then initialize). Default 10 000. */
  connectTimeoutMs?: number;
  /** How long a call waits for a connection that is being re-established. Default 5 000. */
  callWaitMs?: number;
}

export interface McpCallOptions {
  signal: AbortSignal;
  onProgress(progress: Progress): void;
}

/**
 * A client connection to one MCP server that heals itself: when the process exits, the stream
 * drops or the server forgets the session, it reconnects with exponential backoff (respawning a
 * stdio server) and lists the tools again. Calls in flight when the connection goes fail with a
 * sentence naming the server; nothing here throws outside a call or rejects unhandled.
 *
 * A call is cancelled with `notifications/cancelled` when its signal aborts (the SDK does it for
 * a request given a signal), and times out after `timeoutMs` without result or progress.
 */
export class McpConnection {
  private client: Client | undefined;
  private stateValue: McpConnectionState = 'connecting';
  private lastErrorValue: string | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private backoffMs: number;
  private probing = false;
  private waiters = new Set<() => void>();
  private firstAttempt: Promise<void> | undefined;

  constructor(
    readonly spec: McpServerSpec,
    private readonly options: McpConnectionOptions,
  ) {
    this.backoffMs = options.initialBackoffMs ?? 250;
  }

  get state(): McpConnectionState {
    return this.stateValue;
  }

  /** Why the last connection attempt failed or the connection was lost; null when none was. */
  get lastError(): string | null {
    return this.lastErrorValue;
  }

  /** The stdio server's process id while connected (tests kill it); undefined otherwise. */
  get pid(): number | undefined {
    const transport = this.client?.transport;
    return transport instanceof StdioClientTransport ? (transport.pid ?? undefined) : undefined;
  }

  /** Starts connecting; resolves once the first attempt has succeeded or failed (never rejects). */
  start(): Promise<void> {
    this.firstAttempt ??= this.attempt();
    return this.firstAttempt;
  }

  /** Calls a tool by the server's own name. Rejects with an Error whose message says what went wrong. */
  async call(tool: string, args: Record<string, unknown>, options: McpCallOptions): Promise<CallToolResult> {
    const client = await this.connected(options.signal);
    try {
      return await this.callOn(client, tool, args, options);
    } catch (error) {
      // The server forgot the session (it restarted while idle): it never saw the call, so one
      // retry on a fresh connection cannot run the tool twice.
      if (!(error instanceof SessionGone) || options.signal.aborted) throw error;
      this.lost(client, error.message);
    }
    return this.callOn(await this.connected(options.signal), tool, args, options);
  }

  async close(): Promise<void> {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'closed';
    clearTimeout(this.retryTimer);
    for (const wake of this.waiters) wake();
    const client = this.client;
    this.client = undefined;
    if (client) await closeClient(client);
  }

  private async callOn(
    client: Client,
    tool: string,
    args: Record<string, unknown>,
    options: McpCallOptions,
  ): Promise<CallToolResult> {
    const { name, timeoutMs, maxTotalMs } = this.spec;
    let result: CallToolResult;
    try {
      result = (await client.callTool({ name: tool, arguments: args }, undefined, {
        signal: options.signal,
        onprogress: options.onProgress,
        timeout: timeoutMs,
        resetTimeoutOnProgress: true,
        maxTotalTimeout: maxTotalMs,
      })) as CallToolResult;
    } catch (error) {
      if (options.signal.aborted) throw error;
      if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) {
        throw new Error(`the connection to MCP server "${name}" was lost during the call; reconnecting`);
      }
      if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
        throw new Error(
          `MCP server "${name}" sent no result or progress for ${timeoutMs / 1000} s (or exceeded ${maxTotalMs / 1000} s)`,
        );
      }
      if (error instanceof StreamableHTTPError && error.code === 404) {
        throw new SessionGone(`MCP server "${name}" no longer knows the session`);
      }
      throw new Error(`MCP server "${name}": ${messageOf(error)}`);
    }
    if (result.isError)
      throw new Error(`MCP server "${name}" reported an error: ${textOf(result) || 'no details'}`);
    return result;
  }

  /** The live client, waiting up to `callWaitMs` for one that is being re-established. */
  private async connected(signal: AbortSignal): Promise<Client> {
    if (this.client && this.stateValue === 'connected') return this.client;
    if (this.stateValue !== 'closed') {
      const waitMs = this.options.callWaitMs ?? 5_000;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        signal.addEventListener('abort', done, { once: true });
        this.waiters.add(done);
      });
      signal.throwIfAborted();
      if (this.client && this.stateValue === 'connected') return this.client;
    }
    const why = this.lastErrorValue ? ` (${this.lastErrorValue})` : '';
    throw new Error(`MCP server "${this.spec.name}" is not connected${why}`);
  }

  private async attempt(): Promise<void> {
    if (this.stateValue === 'closed') return;
    const client = new Client(this.options.clientInfo, { capabilities: {} });
    try {
      const transport = this.transport();
      client.onclose = () => this.lost(client, 'the connection closed');
      client.onerror = (error) => this.onTransportError(client, error);
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
        void this.refresh(client);
      });
      this.client = client;
      await client.connect(transport, { timeout: this.options.connectTimeoutMs ?? 10_000 });
      if (this.client !== client) return;
      deferResponses(transport);
      await this.refresh(client);
      if (this.client !== client) return;
      this.stateValue = 'connected';
      this.lastErrorValue = null;
      this.backoffMs = this.options.initialBackoffMs ?? 250;
      this.options.log.info({ mcpServer: this.spec.name }, 'MCP server connected');
      for (const wake of this.waiters) wake();
    } catch (error) {
      if (this.client === client) this.client = undefined;
      await closeClient(client);
      if (this.isClosed()) return;
      this.lastErrorValue = messageOf(error);
      this.options.log.warn(
        { mcpServer: this.spec.name, err: this.lastErrorValue, retryInMs: this.backoffMs },
        'MCP server unreachable',
      );
      this.scheduleRetry();
    }
  }

  /** A method, not a property read, so TypeScript does not narrow it across awaits. */
  private isClosed(): boolean {
    return this.stateValue === 'closed';
  }

  private scheduleRetry(): void {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'reconnecting';
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.attempt(), this.backoffMs);
    this.retryTimer.unref();
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 30_000);
  }

  /**
   * The live connection `client` is gone: fail its calls (closing does) and start reconnecting.
   * A connection lost while still being set up is the attempt's failure, handled there.
   */
  private lost(client: Client, reason: string): void {
    if (this.client !== client || this.stateValue !== 'connected') return;
    this.client = undefined;
    this.lastErrorValue = reason;
    this.options.log.warn({ mcpServer: this.spec.name, reason }, 'MCP server connection lost');
    void closeClient(client);
    this.scheduleRetry();
  }

  /**
   * A Streamable HTTP transport reports a dropped stream as an error and tries to resume it on
   * its own; it never closes. A ping tells a blip (the server still answers: let it resume) from
   * a dead or restarted server (fail the calls and reconnect).
   */
  private onTransportError(client: Client, error: Error): void {
    if (this.client !== client || this.stateValue !== 'connected' || this.spec.transport !== 'http') return;
    if (this.probing) return;
    this.probing = true;
    client
      .ping({ timeout: 2_000 })
      .catch(() => this.lost(client, `the server stopped answering (${messageOf(error)})`))
      .finally(() => {
        this.probing = false;
      });
  }

  private async refresh(client: Client): Promise<void> {
    try {
      const tools: McpTool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor === undefined ? undefined : { cursor });
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      if (this.client !== client) return;
      // Task-only tools need the experimental tasks API, which the agent loop does not speak.
      this.options.onTools(tools.filter((tool) => tool.execution?.taskSupport !== 'required'));
    } catch (error) {
      if (this.client !== client) return;
      if (this.stateValue !== 'connected') throw error;
      this.options.log.warn({ mcpServer: this.spec.name, err: messageOf(error) }, 'listing MCP tools failed');
    }
  }

  private transport(): Transport {
    const { spec } = this;
    if (spec.transport === 'stdio') {
      const transport = new StdioClientTransport({
        command: spec.command,
        args: spec.args,
        ...(spec.env ? { env: spec.env } : {}),
        ...(spec.cwd ? { cwd: spec.cwd } : {}),
        stderr: 'pipe',
      });
      // Drained so a chatty server never blocks on a full pipe; its lines are not ours to print.
      transport.stderr?.on('data', () => {});
      return transport;
    }
    return new StreamableHTTPClientTransport(new URL(spec.url), {
      ...(spec.headers ? { requestInit: { headers: spec.headers } } : {}),
      reconnectionOptions: {
        initialReconnectionDelay: 200,
        maxReconnectionDelay: 2_000,
        reconnectionDelayGrowFactor: 2,
        maxRetries: 2,
      },
    });
  }
}

/** A Streamable HTTP server answered 404 for the session: it restarted, or dropped the session. */
class SessionGone extends Error {}

/**
 * The SDK settles a response as soon as it reads it, but hands a notification to its handler a
 * few microtasks later, and drops a call's progress handler with its response: the last
 * progress, read in the same chunk as the result, would be lost. Handing responses over one
 * macrotask later lets the notifications read before them be handled first; order among
 * responses is kept.
 */
function deferResponses(transport: Transport): void {
  const deliver = transport.onmessage;
  transport.onmessage = (message, extra) => {
    if (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) {
      setImmediate(() => deliver?.(message, extra));
    } else {
      deliver?.(message, extra);
    }
  };
}

/** Closes without throwing; an HTTP session is ended politely but not waited on for long. */
async function closeClient(client: Client): Promise<void> {
  const transport = client.transport;
  if (transport instanceof StreamableHTTPClientTransport && transport.sessionId) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      transport.terminateSession().catch(() => {}),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, 1_000);
      }),
    ]);
    clearTimeout(timer);
  }
  await client.close().catch(() => {});
}

/** The text parts of a tool result, joined by newlines. */
export function textOf(result: CallToolResult): string {
  return result.content
    .flatMap((part) => (part.type === 'text' ? [part.text] : []))
    .join('\n')
    .trim();
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
