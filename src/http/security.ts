import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { SluiceError } from '../protocol/index.ts';
import type { AppContext } from './context.ts';

/** Routes no limit applies to: load balancers and orchestrators poll them. */
const UNLIMITED = new Set(['/health']);

/** Headers a browser script may read from a cross-origin answer. */
const EXPOSED = ['x-sluice-run-id', 'x-sluice-session-id', 'retry-after', 'mcp-session-id'];

/**
 * CORS from `cors_origins` (no headers at all when empty) and the per-key rate limit. Call it
 * before the routes. Both run before the body is parsed; a 429 carries the CORS headers, so a
 * browser script can read it.
 */
export function registerSecurity(app: FastifyInstance, ctx: AppContext): void {
  const origins = ctx.config.cors_origins.map((origin) => new URL(origin).origin);
  if (origins.length > 0) {
    app.register(cors, {
      origin: origins,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      exposedHeaders: EXPOSED,
      maxAge: 600,
    });
    // Streaming routes hijack the reply and write the head themselves, which skips the headers
    // Fastify holds: set the CORS ones on the raw response too, where writeHead merges them.
    app.addHook('preParsing', async (_request, reply) => {
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if ((name.startsWith('access-control-') || name === 'vary') && value !== undefined)
          reply.raw.setHeader(name, value as string | number | string[]);
      }
    });
  }

  // global: false: the plugin would attach its hook in onRoute, which the routes registered
  // synchronously below never reach; the limiter is built once the plugin has loaded instead.
  app.register(rateLimit, { global: false });
  let limiter: preHandlerAsyncHookHandler | undefined;
  app.addHook('preParsing', async function limit(request, reply) {
    if (request.method === 'OPTIONS' || UNLIMITED.has(request.routeOptions.url ?? '')) return;
    limiter ??= app.rateLimit({
      max: ctx.config.rate_limit.max,
      timeWindow: ctx.config.rate_limit.window_ms,
      keyGenerator: (req) => limitKey(ctx, req),
      errorResponseBuilder: (_req, context) =>
        new SluiceError('rate_limited', { retry_after: Math.max(1, Math.ceil(context.ttl / 1000)) }),
    });
    await limiter.call(app, request, reply);
  });
}

/**
 * A request is counted against its key's tenant and user; requests without a valid key (and all
 * requests of an open API) against the client's address, so random keys cannot mint fresh budgets.
 */
function limitKey(ctx: AppContext, request: FastifyRequest): string {
  if (!ctx.auth.open) {
    const query = (request.query ?? {}) as Record<string, unknown>;
    const queryKey = [query.api_key, query.access_token, query.token].find(
      (value): value is string => typeof value === 'string' && value !== '',
    );
    try {
      const principal = ctx.auth.authenticate(request, queryKey);
      return `key:${principal.tenantId}\u0000${principal.userId ?? ''}`;
    } catch {
      // No valid key: counted by address below.
    }
  }
  return `ip:${request.ip}`;
}
