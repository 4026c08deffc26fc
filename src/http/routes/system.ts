import type { FastifyInstance, FastifyRequest } from 'fastify';
import { gtplannerApiStatus } from '../../dialects/index.ts';
import { SluiceError } from '../../protocol/index.ts';
import type { AppContext } from '../context.ts';
import { consoleHtml, webConsoleAssets } from '../web-console.ts';

interface Check {
  ok: boolean;
  kind: string;
  error?: string;
}

async function check(kind: string, probe: () => Promise<unknown>): Promise<Check> {
  try {
    await probe();
    return { ok: true, kind };
  } catch (error) {
    return { ok: false, kind, error: (error as Error).message };
  }
}

/** Health, status, agents and the console page. None of these reveal secrets. */
export function systemRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/health', async (_request, reply) => {
    const [store, bus] = await Promise.all([
      check(ctx.store.kind, () => ctx.store.ping()),
      check(ctx.bus.kind, () => ctx.bus.state('health-probe')),
    ]);
    const llm: Check = { ok: true, kind: ctx.providers.defaultKind };
    // A draining instance answers 503 so that load balancers stop sending it new requests.
    const draining = ctx.runs.draining;
    const ok = store.ok && bus.ok && llm.ok && !draining;
    const status = draining ? 'draining' : ok ? 'ok' : 'degraded';
    // streaming_supported: the streaming agent example's health check reports it.
    return reply
      .status(ok ? 200 : 503)
      .send({ status, streaming_supported: true, checks: { store, bus, llm } });
  });

  app.get('/api/status', async () => status(ctx));

  app.get('/api/agents', async (request) => {
    ctx.auth.authenticate(request);
    return { items: ctx.agents.list().map(publicAgent) };
  });

  app.get('/api/agents/:id', async (request) => {
    ctx.auth.authenticate(request);
    const id = (request.params as { id: string }).id;
    const agent = ctx.agents.get(id);
    if (!agent) throw new SluiceError('agent_not_found', { id: id.slice(0, 64) });
    return publicAgent(agent);
  });

  for (const path of ['/', '/test']) {
    app.get(path, async (request, reply) => {
      if (prefersJson(request)) return status(ctx);
      return reply.type('text/html; charset=utf-8').send(consoleHtml());
    });
  }
  webConsoleAssets(app);
}

function publicAgent(agent: ReturnType<AppContext['agents']['list']>[number]) {
  return {
    id: agent.id,
    name: agent.name,
    description: agent.description,
    greeting: agent.greeting ?? null,
    tools: agent.tools,
    model: { provider: agent.model.provider ?? null, name: agent.model.name ?? null },
    max_steps: agent.maxSteps ?? null,
  };
}

function prefersJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

function status(ctx: AppContext) {
  return {
    // GTPlanner's get_api_status fields first (supported languages, event types, features).
    ...gtplannerApiStatus(ctx),
    name: 'sluice',
    version: ctx.version,
    uptime_seconds: Math.round((Date.now() - ctx.startedAt.getTime()) / 1000),
    started_at: ctx.startedAt.toISOString(),
    active_runs: ctx.runs.activeCount,
    open_streams: ctx.streams.open,
    provider: ctx.providers.defaultKind,
    store: ctx.store.kind,
    bus: ctx.bus.kind,
    auth: ctx.auth.open ? 'open' : 'api_keys',
    config: {
      mode: ctx.config.mode,
      demo_pace: ctx.config.demo_pace,
      heartbeat_ms: ctx.config.runs.heartbeat_ms,
      retention_ms: ctx.config.runs.retention_ms,
      max_steps: ctx.config.runs.max_steps,
      body_limit: ctx.config.body_limit,
    },
  };
}
