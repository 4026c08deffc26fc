import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AgentDefinition } from '../../agent/index.ts';
import {
  type AgentChatChunk,
  AgentChatFrames,
  agentChatBody,
  agentChatDialect,
  agentChatQuery,
} from '../../dialects/index.ts';
import { chooseLanguage, ERRORS, type Language, SluiceError } from '../../protocol/index.ts';
import type { RunRecord, SessionRecord } from '../../store/index.ts';
import type { Principal } from '../auth.ts';
import { collectRun } from '../collect-run.ts';
import type { AppContext } from '../context.ts';
import { sendRunStream } from '../send-run-stream.ts';
import { parse, requestedLanguage } from '../validate.ts';

interface ChatInput {
  agentId: string;
  message: string;
  sessionId: string | null | undefined;
  language: string | undefined;
}

/**
 * The agent chat service: `POST /api/agents/{agent_id}/chat/stream`, the same path as `GET` for
 * `EventSource`, and `POST /api/agents/{agent_id}/chat`. Sessions are stored: without
 * `session_id` a new one is created for the agent (its greeting, when it has one, becomes the
 * first message); with one, that session continues. A run goes on when its client leaves, so
 * the answer still lands in the session.
 */
export function agentChatRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/api/agents/:agent_id/chat/stream', async (request, reply) => {
    const principal = ctx.auth.authenticate(request);
    const body = parse(agentChatBody, request.body);
    const chat = await startChat(ctx, request, principal, input(request, body));
    return stream(ctx, request, reply, chat);
  });

  app.get('/api/agents/:agent_id/chat/stream', async (request, reply) => {
    const query = parse(agentChatQuery, request.query);
    const principal = ctx.auth.authenticate(request, query.access_token ?? query.token);
    const chat = await startChat(ctx, request, principal, {
      agentId: agentIdOf(request),
      message: query.message,
      sessionId: query.session_id,
      language: query.language,
    });
    return stream(ctx, request, reply, chat);
  });

  app.post('/api/agents/:agent_id/chat', async (request, reply) => {
    const principal = ctx.auth.authenticate(request);
    const body = parse(agentChatBody, request.body);
    const chat = await startChat(ctx, request, principal, input(request, body));
    if (body.stream === true) return stream(ctx, request, reply, chat);

    const frames = new AgentChatFrames(ids(chat));
    const chunks: AgentChatChunk[] = [];
    await collectRun(ctx, chat.run.id, (entry) => chunks.push(...frames.push(entry)));
    const end = chunks.at(-1);
    const content = chunks
      .filter((c) => c.type === 'content')
      .map((c) => c.content ?? '')
      .join('');
    if (end?.type === 'done') {
      return {
        content,
        session_id: end.session_id,
        message_id: end.message_id,
        reply_id: end.reply_id,
        metadata: end.metadata,
        finish_reason: end.finish_reason,
      };
    }
    const code = frames.errorCode ?? 'internal_error';
    return reply.status(ERRORS[code].status).send({
      error: {
        code,
        message: end?.error ?? code,
        details: { session_id: chat.session.id, message_id: chat.run.input_message_id },
      },
    });
  });
}

interface StartedChat {
  session: SessionRecord;
  run: RunRecord;
  language: Language;
}

function agentIdOf(request: FastifyRequest): string {
  return (request.params as { agent_id: string }).agent_id;
}

function input(
  request: FastifyRequest,
  body: { message: string; session_id?: string | null | undefined; language?: string | undefined },
): ChatInput {
  return {
    agentId: agentIdOf(request),
    message: body.message,
    sessionId: body.session_id,
    language: body.language,
  };
}

function ids(chat: StartedChat) {
  return { session_id: chat.session.id, message_id: chat.run.input_message_id };
}

function stream(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, chat: StartedChat) {
  sendRunStream(ctx, request, reply, {
    run: chat.run,
    after: 0,
    heartbeatMs: ctx.config.runs.heartbeat_ms,
    language: chat.language,
    dialect: agentChatDialect(ids(chat)),
  });
  return reply;
}

/**
 * Finds or creates the session and starts the run. Errors before the stream are JSON from the
 * error table: an unknown agent `agent_not_found`, a session the caller's tenant does not have
 * `session_not_found`, another agent's session `session_agent_mismatch`, a session with a run in
 * progress `session_busy`.
 */
async function startChat(
  ctx: AppContext,
  request: FastifyRequest,
  principal: Principal,
  chat: ChatInput,
): Promise<StartedChat> {
  const agent = ctx.agents.get(chat.agentId);
  if (!agent) throw new SluiceError('agent_not_found', { id: chat.agentId.slice(0, 64) });
  const explicit = requestedLanguage(chat.language);
  const session = chat.sessionId
    ? await existingSession(ctx, principal, agent, chat.sessionId)
    : await newSession(ctx, request, principal, agent, chat.message, explicit);
  const language = chooseLanguage({
    request: explicit,
    session: session.language,
    text: chat.message,
    acceptLanguage: request.headers['accept-language'],
  });
  const run = await ctx.runs.start({
    tenantId: principal.tenantId,
    session,
    message: chat.message,
    language,
  });
  return { session, run, language };
}

async function existingSession(
  ctx: AppContext,
  principal: Principal,
  agent: AgentDefinition,
  id: string,
): Promise<SessionRecord> {
  const session = await ctx.store.getSession(principal.tenantId, id);
  if (!session) throw new SluiceError('session_not_found', { id });
  if (session.agent_id !== agent.id) {
    throw new SluiceError('session_agent_mismatch', {
      id,
      session_agent: session.agent_id,
      agent: agent.id,
    });
  }
  return session;
}

/** A new session whose history starts with the agent's greeting, in the language of this first turn. */
async function newSession(
  ctx: AppContext,
  request: FastifyRequest,
  principal: Principal,
  agent: AgentDefinition,
  message: string,
  explicit: Language | undefined,
): Promise<SessionRecord> {
  const session = await ctx.store.createSession({
    tenant_id: principal.tenantId,
    user_id: principal.userId,
    agent_id: agent.id,
    language: explicit ?? null,
    title: [...message.replace(/\s+/g, ' ').trim()].slice(0, 80).join(''),
    metadata: { dialect: 'agent-chat' },
  });
  ctx.stats.recordSession(principal.tenantId, agent.id);
  if (agent.greeting) {
    const language = chooseLanguage({
      request: explicit,
      text: message,
      acceptLanguage: request.headers['accept-language'],
    });
    await ctx.store.appendMessages(session.id, [
      { role: 'assistant', content: agent.greeting[language], metadata: { greeting: true } },
    ]);
  }
  return session;
}
