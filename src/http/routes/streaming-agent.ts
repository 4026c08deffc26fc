import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  type StreamingAgentFrame,
  StreamingAgentFrames,
  streamingAgentDialect,
  streamingChatBody,
} from '../../dialects/index.ts';
import { chooseLanguage, ERRORS, type Language, type Usage } from '../../protocol/index.ts';
import type { RunRecord } from '../../store/index.ts';
import { collectRun } from '../collect-run.ts';
import type { AppContext } from '../context.ts';
import { sendRunStream } from '../send-run-stream.ts';
import { parse, requestedLanguage } from '../validate.ts';

/** The agent behind `/chat/stream` and `/chat`: general chat with tools. */
export const STREAMING_AGENT_ID = 'assistant';

/**
 * The streaming agent example: `POST /chat/stream` (SSE), `POST /chat` (JSON), `GET /stats`,
 * `POST /reset-stats`. No memory: every request is a session of its own, and a client that
 * leaves stops its run.
 */
export function streamingAgentRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/chat/stream', async (request, reply) => {
    const { run, language } = await startChat(ctx, request);
    sendRunStream(ctx, request, reply, {
      run,
      after: 0,
      heartbeatMs: ctx.config.runs.heartbeat_ms,
      language,
      dialect: streamingAgentDialect(),
      onClientGone: () => void ctx.runs.cancel(run.id),
    });
    return reply;
  });

  app.post('/chat', async (request, reply) => {
    const { run } = await startChat(ctx, request);
    const frames = new StreamingAgentFrames();
    const collected: StreamingAgentFrame[] = [];
    const complete = await collectRun(
      ctx,
      run.id,
      (entry) => collected.push(...frames.push(entry)),
      reply,
      () => void ctx.runs.cancel(run.id),
    );
    if (!complete) return reply;
    const end = collected.at(-1);
    if (end?.type === 'complete') return chatResponse(end.full_content, end.usage, run);
    // The run's own error message, already in its language, under the table's code and status.
    const code = frames.errorCode ?? 'internal_error';
    return reply.status(ERRORS[code].status).send({
      error: {
        code,
        message: end?.type === 'error' ? end.error : code,
        details: { run_id: run.id, session_id: run.session_id },
      },
    });
  });

  app.get('/stats', async (request) => {
    const { tenantId } = ctx.auth.authenticate(request);
    return ctx.stats.snapshot(tenantId);
  });

  app.post('/reset-stats', async (request) => {
    const { tenantId } = ctx.auth.authenticate(request);
    return { reset: true, stats: ctx.stats.reset(tenantId) };
  });
}

/** `/chat`'s answer: the whole response and its usage, plus Sluice's ids. */
function chatResponse(response: string, usage: Usage, run: RunRecord) {
  return { response, usage, run_id: run.id, session_id: run.session_id };
}

async function startChat(
  ctx: AppContext,
  request: FastifyRequest,
): Promise<{ run: RunRecord; language: Language }> {
  const principal = ctx.auth.authenticate(request);
  const body = parse(streamingChatBody, request.body);
  const language = chooseLanguage({
    request: requestedLanguage(body.language),
    text: body.message,
    acceptLanguage: request.headers['accept-language'],
  });
  const session = await ctx.store.createSession({
    tenant_id: principal.tenantId,
    user_id: principal.userId,
    agent_id: ctx.agents.require(STREAMING_AGENT_ID).id,
    language,
    title: '',
    metadata: { dialect: 'streaming-agent' },
  });
  const run = await ctx.runs.start({
    tenantId: principal.tenantId,
    session,
    message: body.message,
    language,
    ...(body.system_prompt ? { systemPrompt: body.system_prompt } : {}),
  });
  return { run, language };
}
