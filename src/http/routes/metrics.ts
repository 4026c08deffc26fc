import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SluiceError } from '../../protocol/index.ts';
import type { AppContext } from '../context.ts';

/**
 * `GET /metrics` in Prometheus' text format. Open like /health unless `metrics_token` is set;
 * then it needs `Authorization: Bearer <metrics_token>` (Prometheus' `authorization` scrape
 * setting). API keys are not used here: scrapers are not tenants.
 */
export function metricsRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/metrics', async (request, reply) => {
    const token = ctx.config.metrics_token;
    if (token !== undefined && !bearerMatches(request, token)) throw new SluiceError('unauthorized');
    const { contentType, text } = await ctx.metrics.expose();
    return reply.type(contentType).send(text);
  });
}

function bearerMatches(request: FastifyRequest, token: string): boolean {
  const match = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '');
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
