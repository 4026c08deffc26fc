import type { FastifyInstance, FastifyRequest } from 'fastify';
import { nativeDialect } from '../../dialects/index.ts';
import { chooseLanguage, runEventsQuery, SluiceError, startRunBody } from '../../protocol/index.ts';
import type { RunRecord } from '../../store/index.ts';
import type { AppContext } from '../context.ts';
import { sendRunStream } from '../send-run-stream.ts';
import { parse, requestedLanguage, resourceId } from '../validate.ts';

/** Runs API: start (SSE or 202), get, join/resume the event stream, cancel. */
export function runRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/api/sessions/:id/runs', async (request, reply) => {
    const sessionId = resourceId((request.params as { id: string }).id, 'session_not_found');
    const body = parse(startRunBody, request.body);
    const explicit = requestedLanguage(body.language);
    const { tenantId } = ctx.auth.authenticate(request);
    const session = await ctx.store.getSession(tenantId, sessionId);
    if (!session) throw new SluiceError('session_not_found', { id: sessionId });
    const language = chooseLanguage({
      request: explicit,
      session: session.language,
      text: body.message,
      acceptLanguage: request.headers['accept-language'],
    });
    const stream = wantsEventStream(request);
    const run = await ctx.runs.start({
      tenantId,
      session,
      message: body.message,
      language,
      multitask: body.multitask,
      // The stream's headers and conversation_start do not wait for the run to be stored.
      storeInBackground: stream,
    });
    if (!stream) return reply.status(202).send(run);
    const heartbeatMs = body.heartbeat_interval
      ? body.heartbeat_interval * 1000
      : ctx.config.runs.heartbeat_ms;
    sendRunStream(ctx, request, reply, {
      run,
      after: 0,
      heartbeatMs,
      language,
      dialect: nativeDialect(),
      onClientGone: () => {
        if (body.on_disconnect === 'cancel') void ctx.runs.cancel(run.id);
      },
    });
    return reply;
  });

  app.get('/api/runs/:id', async (request) => {
    const run = await findRun(ctx, request);
    return run;
  });

  app.get('/api/runs/:id/events', async (request, reply) => {
    const query = parse(runEventsQuery, request.query);
    const run = await findRun(ctx, request);
    const state = await ctx.bus.state(run.id);
    if (state.state === 'missing') throw new SluiceError('run_log_expired', { id: run.id });
    const after = parseAfter(request.headers['last-event-id'] ?? query.after, state.lastSeq);
    const heartbeatMs = query.heartbeat_interval
      ? query.heartbeat_interval * 1000
      : ctx.config.runs.heartbeat_ms;
    sendRunStream(ctx, request, reply, {
      run,
      after,
      heartbeatMs,
      language: run.language,
      dialect: nativeDialect(),
    });
    return reply;
  });

  app.post('/api/runs/:id/cancel', async (request, reply) => {
    const run = await findRun(ctx, request);
    if (run.status === 'queued' || run.status === 'running') await ctx.runs.cancel(run.id);
    return reply.status(202).send({
      id: run.id,
      status: run.status,
      cancel_requested: run.status === 'queued' || run.status === 'running',
    });
  });
}

async function findRun(ctx: AppContext, request: FastifyRequest): Promise<RunRecord> {
  const id = resourceId((request.params as { id: string }).id, 'run_not_found');
  const { tenantId } = ctx.auth.authenticate(request);
  // A run this process is running may not be in the store yet (see storeInBackground).
  const active = ctx.runs.activeRecord(id);
  const run = (await ctx.store.getRun(id, tenantId)) ?? (active?.tenant_id === tenantId ? active : undefined);
  if (!run) throw new SluiceError('run_not_found', { id });
  return run;
}

function wantsEventStream(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/event-stream');
}

/**
 * `Last-Event-ID` (or `?after=`) must be a whole number no greater than the log's last seq: a
 * client cannot have seen an event that does not exist yet.
 */
function parseAfter(raw: string | string[] | undefined, lastSeq: number): number {
  if (raw === undefined) return 0;
  const value = Array.isArray(raw) ? (raw[0] ?? '') : raw;
  const trimmed = value.trim();
  const after = /^\d{1,15}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isSafeInteger(after) || after > lastSeq) {
    throw new SluiceError('invalid_last_event_id', { value: value.slice(0, 32), last: lastSeq });
  }
  return after;
}
