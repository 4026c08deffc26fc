import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  type AiSdkChatBody,
  aiSdkChatBody,
  aiSdkDialect,
  CHAT_ID_KEY,
  lastUserText,
  planChatHistory,
  SUPERSEDED_KEY,
  supersededRuns,
  UI_MESSAGE_STREAM_HEADERS,
} from '../../dialects/index.ts';
import { chooseLanguage, type Language, languageFromAcceptLanguage } from '../../protocol/index.ts';
import type { RunRecord, SessionRecord } from '../../store/index.ts';
import type { Principal } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { sendRunStream } from '../send-run-stream.ts';
import { parse, requestedLanguage } from '../validate.ts';

/**
 * The Vercel AI SDK UI message stream: `POST /api/ai-sdk/chat` takes what `DefaultChatTransport`
 * sends and streams the run; `GET /api/ai-sdk/chat/{id}/stream` replays the chat's active run
 * from its start (204 when none). docs/dialects.md, "Vercel AI SDK UI message stream".
 */
export function aiSdkRoutes(app: FastifyInstance, ctx: AppContext): void {
  /** Chats whose session is being created here, so two first requests make one session. */
  const creating = new Map<string, Promise<SessionRecord>>();

  app.post('/api/ai-sdk/chat', async (request, reply) => {
    const body = parse(aiSdkChatBody, request.body);
    const explicit = requestedLanguage(body.language);
    const principal = ctx.auth.authenticate(request);
    const message = lastUserText(body.messages);
    const session = await chatSession(ctx, creating, request, principal, body, explicit);
    const superseded = supersededRuns(session.metadata);
    const plan = planChatHistory({
      stored: await ctx.store.listMessages(session.id),
      superseded,
      clientMessages: body.messages,
    });
    if (plan.supersede.length > 0) {
      await ctx.store.updateSession(principal.tenantId, session.id, {
        metadata: { ...session.metadata, [SUPERSEDED_KEY]: [...superseded, ...plan.supersede] },
      });
    }
    const language = chooseLanguage({
      request: explicit,
      session: session.language,
      text: message,
      acceptLanguage: request.headers['accept-language'],
    });
    // A new message while a turn is still running (the user pressed stop, which only closes the
    // connection, then wrote again) replaces that turn, as the UI already shows.
    const run = await ctx.runs.start({
      tenantId: principal.tenantId,
      session,
      message,
      language,
      multitask: 'interrupt',
      ...(plan.history ? { history: plan.history } : {}),
    });
    streamChat(ctx, request, reply, run, language, body.on_disconnect === 'cancel');
    return reply;
  });

  app.get('/api/ai-sdk/chat/:id/stream', async (request, reply) => {
    const chatId = (request.params as { id: string }).id;
    const { tenantId } = ctx.auth.authenticate(request);
    const session = await ctx.store.findSessionByMetadata(tenantId, CHAT_ID_KEY, chatId);
    const run = session ? await ctx.store.findActiveRun(session.id) : undefined;
    if (!run || (await ctx.bus.state(run.id)).state === 'missing') return reply.status(204).send();
    streamChat(ctx, request, reply, run, run.language, false);
    return reply;
  });
}

function streamChat(
  ctx: AppContext,
  request: FastifyRequest,
  reply: Parameters<typeof sendRunStream>[2],
  run: RunRecord,
  language: Language,
  cancelOnLeave: boolean,
): void {
  sendRunStream(ctx, request, reply, {
    run,
    after: 0,
    heartbeatMs: ctx.config.runs.heartbeat_ms,
    language,
    dialect: aiSdkDialect({ messageId: run.id }),
    headers: { ...UI_MESSAGE_STREAM_HEADERS },
    ...(cancelOnLeave ? { onClientGone: () => void ctx.runs.cancel(run.id) } : {}),
  });
}

/**
 * The session behind a chat id: found through its `ai_sdk_chat_id` metadata, or created on the
 * chat's first message with the body's `agent_id` (default `assistant`). Creation is serialised
 * per chat in this process; two instances racing on a brand-new chat could still make two.
 */
async function chatSession(
  ctx: AppContext,
  creating: Map<string, Promise<SessionRecord>>,
  request: FastifyRequest,
  principal: Principal,
  body: AiSdkChatBody,
  explicit: Language | undefined,
): Promise<SessionRecord> {
  const find = () => ctx.store.findSessionByMetadata(principal.tenantId, CHAT_ID_KEY, body.id);
  const found = await find();
  if (found) return found;
  const agent = ctx.agents.require(body.agent_id ?? 'assistant');
  const key = `${principal.tenantId}\n${body.id}`;
  let pending = creating.get(key);
  if (!pending) {
    pending = (async () =>
      (await find()) ??
      ctx.store.createSession({
        tenant_id: principal.tenantId,
        user_id: principal.userId,
        agent_id: agent.id,
        language: explicit ?? languageFromAcceptLanguage(request.headers['accept-language']) ?? null,
        title: '',
        metadata: { [CHAT_ID_KEY]: body.id },
      }))().finally(() => creating.delete(key));
    creating.set(key, pending);
  }
  return pending;
}
