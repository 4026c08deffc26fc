import Fastify, { type FastifyInstance } from 'fastify';
import type { SluiceExtension } from '../extensions/index.ts';
import { registerHttpMetrics } from '../metrics/index.ts';
import type { AppContext } from './context.ts';
import { frameworkErrors, registerErrorHandling } from './errors.ts';
import { registerDocs } from './openapi/index.ts';
import { agentChatRoutes } from './routes/agent-chat.ts';
import { aiSdkRoutes } from './routes/ai-sdk.ts';
import { extractRoutes } from './routes/extract.ts';
import { gtplannerRoutes } from './routes/gtplanner.ts';
import { mcpRoutes } from './routes/mcp.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { openAiErrorSender, openAiRoutes } from './routes/openai.ts';
import { runRoutes } from './routes/runs.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { streamingAgentRoutes } from './routes/streaming-agent.ts';
import { systemRoutes } from './routes/system.ts';
import { toolRoutes } from './routes/tools.ts';
import { safeLogger } from './safe-logger.ts';
import { registerSecurity } from './security.ts';
import { registerWellFormedText } from './well-formed.ts';

export interface BuildAppOptions {
  /** A pino logger option or instance, as Fastify takes it. */
  logger?: boolean | Record<string, unknown>;
  /** Library users' extensions: custom event types, event hooks, Fastify hooks and routes. */
  extensions?: readonly SluiceExtension[];
}

/** The Fastify application: routes over the context. Listening is the caller's business. */
export function buildApp(ctx: AppContext, options: BuildAppOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: safeLogger(options.logger ?? false),
    bodyLimit: ctx.config.body_limit,
    // Streams stay open for minutes; only idle keep-alive sockets are timed out.
    requestTimeout: 0,
    forceCloseConnections: false,
    return503OnClosing: true,
    frameworkErrors: frameworkErrors(ctx.config.body_limit, openAiErrorSender),
  });
  registerErrorHandling(app, ctx.config.body_limit);
  registerWellFormedText(app);
  registerSecurity(app, ctx);
  // Bodies are JSON only; anything else is a 415 from the error table, not a Fastify default.
  app.removeContentTypeParser(['text/plain']);
  // First: it records the routes registered after it, for the test that each is documented.
  registerDocs(app, ctx.version);
  registerHttpMetrics(app, ctx.metrics);
  // Before the routes, so hooks an extension adds apply to every route, as middleware.
  for (const extension of options.extensions ?? []) {
    extension.register?.(app, { config: ctx.config, log: app.log, metrics: ctx.metrics.registry });
  }
  systemRoutes(app, ctx);
  sessionRoutes(app, ctx);
  runRoutes(app, ctx);
  openAiRoutes(app, ctx);
  aiSdkRoutes(app, ctx);
  streamingAgentRoutes(app, ctx);
  agentChatRoutes(app, ctx);
  extractRoutes(app, ctx);
  gtplannerRoutes(app, ctx);
  mcpRoutes(app, ctx);
  toolRoutes(app, ctx);
  metricsRoutes(app, ctx);
  return app;
}
