import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AgentDefinition } from '../../agent/index.ts';
import {
  type ChatCompletionBody,
  ChatTurn,
  chatCompletion,
  chatCompletionBody,
  chatRunInput,
  openAiChatDialect,
  openAiErrorBody,
  statusOfCode,
} from '../../dialects/index.ts';
import type { ChatMessage } from '../../llm/index.ts';
import { chooseLanguage, isUuid, languageFromAcceptLanguage, SluiceError } from '../../protocol/index.ts';
import { toChatHistory } from '../../runs/index.ts';
import type { RunRecord, SessionRecord } from '../../store/index.ts';
import type { Principal } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { type ErrorSender, logUnhandled, toHttpError } from '../errors.ts';
import { requestLanguage } from '../request-language.ts';
import { sendRunStream } from '../send-run-stream.ts';
import { parse, requestedLanguage } from '../validate.ts';

/**
 * OpenAI Chat Completions: `POST /v1/chat/completions` (stream and not), `GET /v1/models` and
 * `GET /v1/models/{id}`, with agents as models. Errors on these routes are in OpenAI's shape,
 * which is what OpenAI clients parse. docs/dialects.md, "OpenAI Chat Completions".
 */
export function openAiRoutes(app: FastifyInstance, ctx: AppContext): void {
  // An encapsulated scope, so the OpenAI error shape applies to these routes only.
  app.register(async (scope) => {
    scope.setErrorHandler((error: unknown, request, reply) => {
      const mapped = toHttpError(error, ctx.config.body_limit);
      if (mapped.code === 'internal_error') logUnhandled(request, error);
      return sendOpenAiError(reply, request, mapped);
    });

    scope.get('/v1/models', async (request) => {
      ctx.auth.authenticate(request);
      return { object: 'list', data: ctx.agents.list().map((agent) => modelObject(ctx, agent)) };
    });

    scope.get('/v1/models/:model', async (request) => {
      ctx.auth.authenticate(request);
      return modelObject(ctx, ctx.agents.require((request.params as { model: string }).model));
    });

    scope.post('/v1/chat/completions', async (request, reply) => {
      const principal = ctx.auth.authenticate(request);
      const body = parse(chatCompletionBody, request.body);
      const agent = ctx.agents.require(body.model);
      const input = chatRunInput(body.messages);
      const explicit = requestedLanguage(body.metadata?.language);
      const { session, continued } = await chatSession(ctx, request, principal, body, agent, explicit);
      const language = chooseLanguage({
        request: explicit,
        session: session.language,
        text: input.message,
        acceptLanguage: request.headers['accept-language'],
      });
      const history = await runHistory(ctx, session, input, continued);
      const run = await ctx.runs.start({
        tenantId: principal.tenantId,
        session,
        message: input.message,
        language,
        ...(history ? { history } : {}),
      });
      const identity = {
        id: `chatcmpl-${run.id}`,
        created: Math.floor(Date.parse(run.created_at) / 1000),
        model: agent.id,
      };
      // This protocol cannot resume a stream, so a client that leaves has given the answer up.
      const cancel = () => void ctx.runs.cancel(run.id);
      if (body.stream) {
        sendRunStream(ctx, request, reply, {
          run,
          after: 0,
          heartbeatMs: ctx.config.runs.heartbeat_ms,
          language,
          dialect: openAiChatDialect({
            ...identity,
            includeUsage: body.stream_options?.include_usage === true,
            language,
          }),
          onClientGone: cancel,
        });
        return reply;
      }
      const turn = await followRun(ctx, run, new ChatTurn(language), reply, cancel);
      if (reply.raw.destroyed) {
        reply.hijack();
        return reply;
      }
      reply.headers({ 'x-sluice-run-id': run.id, 'x-sluice-session-id': run.session_id });
      if (turn.error) {
        return reply
          .status(statusOfCode(turn.error.error.code))
          .header('x-should-retry', 'false')
          .send(turn.error);
      }
      return chatCompletion(identity, turn);
    });
  });
}

function modelObject(ctx: AppContext, agent: AgentDefinition) {
  return {
    id: agent.id,
    object: 'model',
    created: Math.floor(ctx.startedAt.getTime() / 1000),
    owned_by: 'sluice',
  };
}

/**
 * The session a call runs in. `metadata.session_id` must name one of the tenant's sessions (404
 * otherwise); `user`, which clients also use for end-user ids, continues a session only when it
 * is the id of one of the tenant's sessions, and is ignored otherwise. Without either, every call
 * gets a new session. A continued session must belong to the requested agent.
 */
async function chatSession(
  ctx: AppContext,
  request: FastifyRequest,
  principal: Principal,
  body: ChatCompletionBody,
  agent: AgentDefinition,
  explicit: ReturnType<typeof requestedLanguage>,
): Promise<{ session: SessionRecord; continued: boolean }> {
  const named = body.metadata?.session_id;
  let session: SessionRecord | undefined;
  if (named !== undefined) {
    session = isUuid(named) ? await ctx.store.getSession(principal.tenantId, named) : undefined;
    if (!session) throw new SluiceError('session_not_found', { id: named.slice(0, 64) });
  } else if (body.user && isUuid(body.user)) {
    session = await ctx.store.getSession(principal.tenantId, body.user);
  }
  if (session) {
    if (session.agent_id !== agent.id) {
      throw new SluiceError('session_agent_mismatch', {
        id: session.id,
        session_agent: session.agent_id,
        agent: agent.id,
      });
    }
    return { session, continued: true };
  }
  const created = await ctx.store.createSession({
    tenant_id: principal.tenantId,
    user_id: principal.userId,
    agent_id: agent.id,
    language: explicit ?? languageFromAcceptLanguage(request.headers['accept-language']) ?? null,
    title: '',
    metadata: { dialect: 'openai', ...(body.user ? { openai_user: body.user } : {}) },
  });
  return { session: created, continued: false };
}

/**
 * The run's context. The client holds the conversation (as OpenAI clients do) unless it continues
 * a stored session and sends nothing before its new message but system messages: then the stored
 * conversation is the context, after those system messages.
 */
async function runHistory(
  ctx: AppContext,
  session: SessionRecord,
  input: ReturnType<typeof chatRunInput>,
  continued: boolean,
): Promise<ChatMessage[] | undefined> {
  if (!continued || input.holdsConversation) return input.history;
  if (input.history.length === 0) return undefined;
  return [...input.history, ...toChatHistory(await ctx.store.listMessages(session.id))];
}

/**
 * Folds the run's log into `turn` until the run ends. A client that leaves first cancels the run
 * (`cancel`), and the wait ends at once.
 */
function followRun(
  ctx: AppContext,
  run: RunRecord,
  turn: ChatTurn,
  reply: FastifyReply,
  cancel: () => void,
): Promise<ChatTurn> {
  return new Promise((resolve) => {
    let ended = false;
    const onClose = () => {
      if (ended) return;
      ended = true;
      stop();
      cancel();
      resolve(turn);
    };
    const stop = ctx.bus.subscribe(run.id, 0, {
      onEntry: (entry) => {
        turn.apply(entry.event);
      },
      onEnd: () => {
        if (ended) return;
        ended = true;
        reply.raw.off('close', onClose);
        resolve(turn);
      },
    });
    // A client that left while the run was starting: its 'close' has fired already.
    if (!ended && reply.raw.destroyed) onClose();
    else if (!ended) reply.raw.once('close', onClose);
  });
}

/** The OpenAI error shape for errors raised before routing on these routes' URLs (see `frameworkErrors`). */
export function openAiErrorSender(url: string): ErrorSender | undefined {
  return url.startsWith('/v1/chat/') || url.startsWith('/v1/models') ? sendOpenAiError : undefined;
}

function sendOpenAiError(reply: FastifyReply, request: FastifyRequest, error: SluiceError): FastifyReply {
  if (error.code === 'rate_limited') reply.header('retry-after', String(error.params.retry_after ?? 1));
  if (error.code === 'unsupported_media_type') {
    error = new SluiceError('unsupported_media_type', {
      type: (request.headers['content-type'] ?? '').slice(0, 100),
    });
  }
  // The openai client retries 409, 429 and 5xx unless told; the error table knows better.
  return reply
    .status(error.status)
    .type('application/json; charset=utf-8')
    .header('x-should-retry', String(error.retryable))
    .send(openAiErrorBody(error, requestLanguage(request)));
}
