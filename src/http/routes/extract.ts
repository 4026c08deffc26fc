import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type ExtractionRequest,
  extractionDialect,
  extractionQuery,
  extractionRequest,
} from '../../dialects/index.ts';
import { chooseLanguage } from '../../protocol/index.ts';
import type { Principal } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { startExtraction } from '../extraction-task.ts';
import { sendRunStream } from '../send-run-stream.ts';
import { parse, requestedLanguage } from '../validate.ts';

/**
 * The extraction task: `POST /v1/extract` `{document_path, user_id}` streams `status_update`
 * frames, then `final_result` or `error`. `GET /v1/extract?document_path=&user_id=&api_key=` is
 * the same for `EventSource`. The task id is `task_` + the run's id. A client that leaves
 * cancels the task.
 */
export function extractRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/v1/extract', async (request, reply) => {
    const principal = ctx.auth.authenticate(request);
    const body = parse(extractionRequest, request.body);
    return startTask(ctx, request, reply, principal, body);
  });

  app.get('/v1/extract', async (request, reply) => {
    const query = parse(extractionQuery, request.query);
    const principal = ctx.auth.authenticate(request, query.api_key ?? query.access_token);
    return startTask(ctx, request, reply, principal, query);
  });
}

async function startTask(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  principal: Principal,
  body: ExtractionRequest,
): Promise<FastifyReply> {
  // The path says nothing about the language: the request's field, else Accept-Language.
  const language = chooseLanguage({
    request: requestedLanguage(body.language),
    acceptLanguage: request.headers['accept-language'],
  });
  const { run, task, billing } = await startExtraction(ctx, principal, {
    document_path: body.document_path,
    user_id: body.user_id,
    language,
    source: 'extract',
  });
  sendRunStream(ctx, request, reply, {
    run,
    after: 0,
    heartbeatMs: ctx.config.runs.heartbeat_ms,
    language,
    dialect: extractionDialect(task, billing),
    headers: { 'x-sluice-task-id': task.task_id },
    onClientGone: () => void ctx.runs.cancel(run.id),
  });
  return reply;
}
