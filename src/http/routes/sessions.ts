import type { FastifyInstance } from 'fastify';
import {
  createSessionBody,
  languageFromAcceptLanguage,
  listSessionsQuery,
  SluiceError,
  updateSessionBody,
} from '../../protocol/index.ts';
import type { AppContext } from '../context.ts';
import { parse, requestedLanguage, resourceId } from '../validate.ts';

/** Sessions API: create, list (paginated), get with messages, rename or update, delete. */
export function sessionRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/api/sessions', async (request, reply) => {
    const body = parse(createSessionBody, request.body);
    const agent = ctx.agents.require(body.agent_id ?? 'assistant');
    const explicit = requestedLanguage(body.language);
    const { tenantId, userId } = ctx.auth.authenticate(request);
    const session = await ctx.store.createSession({
      tenant_id: tenantId,
      user_id: userId,
      agent_id: agent.id,
      language: explicit ?? languageFromAcceptLanguage(request.headers['accept-language']) ?? null,
      title: body.title ?? '',
      metadata: body.metadata ?? {},
    });
    return reply.status(201).send(session);
  });

  app.get('/api/sessions', async (request) => {
    const query = parse(listSessionsQuery, request.query);
    const { tenantId } = ctx.auth.authenticate(request);
    return ctx.store.listSessions(tenantId, {
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
  });

  app.get('/api/sessions/:id', async (request) => {
    const id = resourceId((request.params as { id: string }).id, 'session_not_found');
    const { tenantId } = ctx.auth.authenticate(request);
    const session = await ctx.store.getSession(tenantId, id);
    if (!session) throw new SluiceError('session_not_found', { id });
    const active = await ctx.store.findActiveRun(id);
    return { ...session, active_run_id: active?.id ?? null, messages: await ctx.store.listMessages(id) };
  });

  app.patch('/api/sessions/:id', async (request) => {
    const id = resourceId((request.params as { id: string }).id, 'session_not_found');
    const body = parse(updateSessionBody, request.body);
    const language = requestedLanguage(body.language);
    const { tenantId } = ctx.auth.authenticate(request);
    const session = await ctx.store.updateSession(tenantId, id, {
      ...(body.title === undefined ? {} : { title: body.title }),
      ...(body.metadata === undefined ? {} : { metadata: body.metadata }),
      ...(language === undefined ? {} : { language }),
    });
    if (!session) throw new SluiceError('session_not_found', { id });
    return session;
  });

  app.delete('/api/sessions/:id', async (request, reply) => {
    const id = resourceId((request.params as { id: string }).id, 'session_not_found');
    const { tenantId } = ctx.auth.authenticate(request);
    const session = await ctx.store.getSession(tenantId, id);
    if (!session) throw new SluiceError('session_not_found', { id });
    // Stop a running turn first, so it does not write into a session that no longer exists.
    const active = await ctx.store.findActiveRun(id);
    if (active) {
      await ctx.runs.cancel(active.id);
      await ctx.runs.settled(active.id);
    }
    await ctx.store.deleteSession(tenantId, id);
    return reply.status(204).send();
  });
}
