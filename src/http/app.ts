import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from './context.ts';
import { registerErrorHandling } from './errors.ts';
import { runRoutes } from './routes/runs.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { systemRoutes } from './routes/system.ts';

export interface BuildAppOptions {
  /** A pino logger option or instance, as Fastify takes it. */
  logger?: boolean | Record<string, unknown>;
}

/** The Fastify application: routes over the context. Listening is the caller's business. */
export function buildApp(ctx: AppContext, options: BuildAppOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: ctx.config.body_limit,
    // Streams stay open for minutes; only idle keep-alive sockets are timed out.
    requestTimeout: 0,
    forceCloseConnections: false,
    return503OnClosing: true,
  });
  registerErrorHandling(app, ctx.config.body_limit);
  // Bodies are JSON only; anything else is a 415 from the error table, not a Fastify default.
  app.removeContentTypeParser(['text/plain']);
  systemRoutes(app, ctx);
  sessionRoutes(app, ctx);
  runRoutes(app, ctx);
  return app;
}
