import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { AgentCatalog } from '../agent/index.ts';
import type { EventBus } from '../bus/index.ts';
import { agentFromConfig, mcpServerSpecs, type SluiceConfig } from '../config/index.ts';
import { CustomEventTypes, eventHooks, observeAppends } from '../extensions/index.ts';
import { DEFAULT_PRICES, mergePrices } from '../llm/index.ts';
import { MeasuredProviderSet, SluiceMetrics } from '../metrics/index.ts';
import { type Logger, RunManager } from '../runs/index.ts';
import { HeartbeatWheel } from '../sse/index.ts';
import { openStore, type Store } from '../store/index.ts';
import { builtinTools, documentTools, McpToolSource, planningTools, ToolRegistry } from '../tools/index.ts';
import { type BuildAppOptions, buildApp } from './app.ts';
import { KeyAuthenticator } from './auth.ts';
import type { AppContext } from './context.ts';
import { OpenStreams } from './open-streams.ts';
import { newInstanceId, openBus, orphanHandling } from './scale-out.ts';
import { shutDown } from './shutdown.ts';
import { UsageStats } from './stats.ts';

export interface SluiceServer {
  app: FastifyInstance;
  ctx: AppContext;
  /** Listens and resolves with the bound address, e.g. http://127.0.0.1:8081. */
  listen(): Promise<string>;
  /** Graceful: stops intake, lets runs finish up to the grace period, closes everything. */
  close(): Promise<void>;
}

export interface CreateServerOptions extends BuildAppOptions {
  /** Use this store instead of opening one from the config (tests share one PGlite). */
  store?: Store;
  bus?: EventBus;
}

const packageVersion = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();

/** The composition root: opens the store and bus, builds the run engine and the HTTP app. */
export async function createServer(
  config: SluiceConfig,
  options: CreateServerOptions = {},
): Promise<SluiceServer> {
  // Before anything opens: a clash between extensions' event types fails the start.
  const extensions = options.extensions ?? [];
  const customEvents = new CustomEventTypes(extensions);
  const store =
    options.store ??
    (await openStore({
      dataDir: config.data_dir,
      ...(config.database_url ? { databaseUrl: config.database_url } : {}),
      ...(config.database_schema ? { schema: config.database_schema } : {}),
    }));
  // The run engine and the bus log through the app's pino logger, which exists only once the app does.
  let app: FastifyInstance | undefined;
  const log: Logger = {
    info: (obj, msg) => app?.log.info(obj, msg),
    warn: (obj, msg) => app?.log.warn(obj, msg),
    error: (obj, msg) => app?.log.error(obj, msg),
  };
  let bus: EventBus;
  try {
    bus = options.bus ?? (await openBus(config, log));
  } catch (error) {
    if (!options.store) await store.close();
    throw error;
  }
  const streams = new OpenStreams();
  const metrics = new SluiceMetrics({ activeRuns: () => runs.activeCount, openStreams: () => streams.open });
  const onEvent = eventHooks(extensions, { config, log, metrics: metrics.registry });
  // Every event this instance appends passes the metrics and the extensions' event hooks.
  bus = observeAppends(bus, (runId, entry) => {
    metrics.recordEvent(entry);
    onEvent?.(runId, entry);
  });
  const instanceId = newInstanceId();
  const orphans = orphanHandling(config, { store, bus, log, instanceId });
  const agents = new AgentCatalog(config.agents.map(agentFromConfig));
  const tools = new ToolRegistry();
  for (const tool of [...builtinTools(), ...planningTools({ documentsDir: config.documents_dir })]) {
    tools.register(tool);
  }
  const documents = { documentsDir: config.documents_dir, maxBytes: config.extraction.max_document_bytes };
  for (const tool of documentTools(documents)) tools.register(tool);
  for (const tool of extensions.flatMap((extension) => extension.tools ?? [])) tools.register(tool);
  const providers = new MeasuredProviderSet(
    {
      demoPace: config.demo_pace,
      ...(config.openai.api_key
        ? {
            openai: {
              apiKey: config.openai.api_key,
              ...(config.openai.base_url ? { baseURL: config.openai.base_url } : {}),
              model: config.openai.model,
              maxRetries: config.openai.max_retries,
              timeoutMs: config.openai.timeout_ms,
              idleTimeoutMs: config.openai.idle_timeout_ms,
            },
          }
        : {}),
    },
    (provider, model, seconds) => metrics.recordFirstChunk(provider, model, seconds),
  );
  // Fail at start, not at the first request, when an agent names a provider that is not set up.
  for (const agent of agents.list()) providers.resolve(agent);

  const wheel = new HeartbeatWheel();
  // MCP servers' tools join the registry as `server__tool` once connected (started below).
  const mcp = new McpToolSource(tools, mcpServerSpecs(config), {
    log,
    clientInfo: { name: 'sluice', version: packageVersion },
  });
  const runs = new RunManager({
    store,
    bus,
    agents,
    tools,
    providers,
    log,
    // Only the in-process bus confines a session's runs to this process.
    singleInstance: bus.kind === 'memory',
    ...(orphans.leases ? { leases: orphans.leases } : {}),
    ...(customEvents.size > 0
      ? { customEvent: (type: string, data: unknown) => customEvents.draft(type, data) }
      : {}),
    settings: {
      retentionMs: config.runs.retention_ms,
      maxSteps: config.runs.max_steps,
      toolTimeoutMs: config.runs.tool_timeout_ms,
      toolResultChars: config.runs.tool_result_chars,
      prices: mergePrices(DEFAULT_PRICES, config.prices),
    },
  });
  const ctx: AppContext = {
    config,
    store,
    bus,
    runs,
    agents,
    tools,
    providers,
    wheel,
    auth: new KeyAuthenticator(config.api_keys),
    version: packageVersion,
    startedAt: new Date(),
    streams,
    stats: new UsageStats(),
    mcp,
    metrics,
  };
  runs.onRunEnd((end) => ctx.stats.recordRun(end));
  runs.onRunEnd((end) => metrics.recordRunEnd(end));
  app = buildApp(ctx, options);
  const server = app;
  await mcp.start();
  await orphans.start();

  let closed = false;
  return {
    app: server,
    ctx,
    async listen() {
      return server.listen({ host: config.host, port: config.port });
    },
    async close() {
      if (closed) return;
      closed = true;
      await shutDown({ app: server, runs, streams: ctx.streams, graceMs: config.runs.shutdown_grace_ms });
      await orphans.close();
      await mcp.close();
      wheel.close();
      if (!options.bus) await bus.close();
      if (!options.store) await store.close();
    },
  };
}
