import type { AgentCatalog } from '../agent/index.ts';
import type { EventBus } from '../bus/index.ts';
import type { SluiceConfig } from '../config/index.ts';
import type { SluiceMetrics } from '../metrics/index.ts';
import type { ProviderSet, RunManager } from '../runs/index.ts';
import type { HeartbeatWheel } from '../sse/index.ts';
import type { Store } from '../store/index.ts';
import type { McpToolSource, ToolRegistry } from '../tools/index.ts';
import type { KeyAuthenticator } from './auth.ts';
import type { OpenStreams } from './open-streams.ts';
import type { UsageStats } from './stats.ts';

/** Everything the routes need, built once by the server and handed to each route module. */
export interface AppContext {
  config: SluiceConfig;
  store: Store;
  bus: EventBus;
  runs: RunManager;
  agents: AgentCatalog;
  tools: ToolRegistry;
  providers: ProviderSet;
  wheel: HeartbeatWheel;
  auth: KeyAuthenticator;
  version: string;
  startedAt: Date;
  /** Open SSE responses: counted for /api/status, handed off to other instances at shutdown. */
  streams: OpenStreams;
  /** In-process counters for /stats, per tenant and agent. */
  stats: UsageStats;
  /** Tools from MCP servers: their connections and what each lists. */
  mcp: McpToolSource;
  /** Prometheus metrics of this instance, served at /metrics. */
  metrics: SluiceMetrics;
}
