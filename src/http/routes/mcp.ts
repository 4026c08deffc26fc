import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { encodeFrame, SSE_HEADERS } from '../../sse/index.ts';
import type { AppContext } from '../context.ts';
import { followStream, parseEventId, streamLogId } from '../mcp/event-store.ts';
import { type McpSession, McpSessions } from '../mcp/sessions.ts';
import { sendWebResponse, toWebRequest } from '../mcp/web-bridge.ts';

/** How long an unused MCP session lives (each request renews it). */
export const MCP_SESSION_IDLE_MS = 30 * 60_000;

/**
 * `/mcp`: Sluice's agents as an MCP server over Streamable HTTP (the official SDK's transport).
 * API keys apply to every request, and a session belongs to the tenant that opened it.
 * `POST` carries JSON-RPC messages (an initialize without `mcp-session-id` opens a session),
 * `GET` opens the session's standalone stream, or, with `Last-Event-ID`, resumes a stream from
 * Sluice's event log on whichever instance the client reaches; `DELETE` ends the session.
 */
export function mcpRoutes(app: FastifyInstance, ctx: AppContext): void {
  const sessions = new McpSessions(ctx, {
    idleMs: MCP_SESSION_IDLE_MS,
    retentionMs: ctx.config.runs.retention_ms,
    log: app.log,
  });
  app.addHook('onClose', async () => sessions.close());

  app.post('/mcp', async (request, reply) => {
    const principal = ctx.auth.authenticate(request);
    const id = sessionIdOf(request);
    let session: McpSession | undefined;
    if (id === undefined) {
      const body = request.body;
      if (!isInitializeRequest(body)) {
        return jsonRpcError(reply, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
      }
      session = await sessions.open(principal, body.params);
    } else {
      session = await sessions.find(id, principal);
      if (!session) return sessionNotFound(reply);
    }
    return serve(ctx, session, request, reply, request.body);
  });

  app.get('/mcp', async (request, reply) => {
    const principal = ctx.auth.authenticate(request);
    const id = sessionIdOf(request);
    if (id === undefined)
      return jsonRpcError(reply, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    const lastEventId = request.headers['last-event-id'];
    if (typeof lastEventId === 'string' && lastEventId !== '') {
      if (!(await sessions.exists(id, principal))) return sessionNotFound(reply);
      return resume(ctx, id, lastEventId, reply);
    }
    const session = await sessions.find(id, principal);
    if (!session) return sessionNotFound(reply);
    return serve(ctx, session, request, reply, undefined);
  });

  app.delete('/mcp', async (request, reply) => {
    const principal = ctx.auth.authenticate(request);
    const id = sessionIdOf(request);
    if (id === undefined)
      return jsonRpcError(reply, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    const session = await sessions.find(id, principal);
    if (!session) return sessionNotFound(reply);
    return serve(ctx, session, request, reply, undefined);
  });
}

/** Hands the request to the session's transport and writes what it answers. */
async function serve(
  ctx: AppContext,
  session: McpSession,
  request: FastifyRequest,
  reply: FastifyReply,
  body: unknown,
): Promise<FastifyReply> {
  const response = await session.transport.handleRequest(
    toWebRequest(request),
    body === undefined ? {} : { parsedBody: body },
  );
  reply.hijack();
  const streaming = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
  const writing = sendWebResponse(response, reply.raw);
  session.streams++;
  if (streaming) {
    ctx.streams.open++;
    // At shutdown the client is told to come back (with Last-Event-ID, to another instance).
    ctx.streams.track(reply.raw, `mcp:${session.id}`, (retryMs) =>
      writing.stop(encodeFrame({ retry: retryMs })),
    );
  }
  void writing.done.finally(() => {
    session.streams--;
    if (streaming) ctx.streams.open--;
  });
  return reply;
}

/**
 * `GET` with `Last-Event-ID`: the stream's messages after that event, then the live ones, from
 * the event log, in the SDK's frame format, until the stream's response went out. The instance
 * running the call keeps storing its messages whether or not a client is connected to it.
 */
async function resume(
  ctx: AppContext,
  sessionId: string,
  lastEventId: string,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const cursor = parseEventId(lastEventId);
  if (cursor?.sessionId !== sessionId) return jsonRpcError(reply, 400, -32000, 'Invalid event ID format');
  const log = await ctx.bus.state(streamLogId(cursor.sessionId, cursor.streamId));
  if (log.state === 'missing')
    return jsonRpcError(reply, 404, -32000, 'The stream has expired or never existed');
  if (cursor.seq > log.lastSeq)
    return jsonRpcError(reply, 400, -32000, 'Invalid event ID: after the last event');

  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, { ...SSE_HEADERS, 'mcp-session-id': sessionId });
  raw.flushHeaders();
  ctx.streams.open++;
  const heartbeat = ctx.wheel.add(() => raw.write(': keepalive\n\n'), ctx.config.runs.heartbeat_ms);
  const unsubscribe = followStream(ctx.bus, cursor, {
    onMessage(eventId, message) {
      heartbeat.touch();
      raw.write(encodeFrame({ event: 'message', id: eventId, data: JSON.stringify(message) }));
    },
    onEnd() {
      raw.end();
    },
  });
  raw.once('close', () => {
    ctx.streams.open--;
    heartbeat.stop();
    unsubscribe();
  });
  ctx.streams.track(raw, streamLogId(cursor.sessionId, cursor.streamId), (retryMs) => {
    unsubscribe();
    raw.end(encodeFrame({ retry: retryMs }));
  });
  return reply;
}

function sessionIdOf(request: FastifyRequest): string | undefined {
  const value = request.headers['mcp-session-id'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Errors the MCP way (a JSON-RPC error body), as the SDK's transport answers its own. */
function jsonRpcError(reply: FastifyReply, status: number, code: number, message: string): FastifyReply {
  return reply
    .status(status)
    .type('application/json')
    .send({ jsonrpc: '2.0', error: { code, message }, id: null });
}

function sessionNotFound(reply: FastifyReply): FastifyReply {
  return jsonRpcError(reply, 404, -32001, 'Session not found');
}
