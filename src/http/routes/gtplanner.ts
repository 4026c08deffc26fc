import type { FastifyInstance } from 'fastify';
import { GTPlannerApi } from '../../dialects/index.ts';
import type { AppContext } from '../context.ts';
import { sendRunStream } from '../send-run-stream.ts';

/**
 * The GTPlanner SSE API (seeds/gtplanner-*.md): `POST /api/chat/agent` runs the `planner` agent on
 * a client-held `AgentContextRequest` and streams GTPlanner frames; `GET /api/sessions/{id}/status`
 * is `get_session_status`. Both go through `GTPlannerApi`, the library class, so the HTTP answer
 * and `processRequestStream` are the same code path.
 */
export function gtplannerRoutes(app: FastifyInstance, ctx: AppContext): void {
  const api = new GTPlannerApi({ ...ctx, toolResultChars: ctx.config.runs.tool_result_chars });

  app.post('/api/chat/agent', async (request, reply) => {
    const { tenantId, userId } = ctx.auth.authenticate(request);
    const started = await api.start(request.body, {
      tenantId,
      userId,
      ...(request.headers['accept-language'] ? { acceptLanguage: request.headers['accept-language'] } : {}),
    });
    sendRunStream(ctx, request, reply, {
      run: started.run,
      after: 0,
      heartbeatMs: started.heartbeatMs,
      language: started.language,
      dialect: started.dialect,
    });
    return reply;
  });

  app.get('/api/sessions/:id/status', async (request) => {
    const { tenantId } = ctx.auth.authenticate(request);
    return api.getSessionStatus((request.params as { id: string }).id, tenantId);
  });
}
