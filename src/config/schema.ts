import { z } from 'zod';
import { LANGUAGES } from '../protocol/index.ts';
import { mcpServersSchema } from './mcp-servers.ts';

const localized = z.object(
  Object.fromEntries(LANGUAGES.map((l) => [l, z.string().min(1)])) as Record<
    (typeof LANGUAGES)[number],
    z.ZodString
  >,
);

/** An agent from the config file; the same shape the Agents API will accept. */
export const agentConfigSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, - and _; at most 64'),
  name: z.string().min(1),
  description: z.string().default(''),
  system_prompt: z.union([z.string().min(1), localized]),
  greeting: z.union([z.string().min(1), localized]).optional(),
  model: z
    .strictObject({
      provider: z.enum(['demo', 'openai']).optional(),
      name: z.string().min(1).optional(),
      temperature: z.number().min(0).max(2).optional(),
      max_tokens: z.number().int().positive().optional(),
    })
    .default({}),
  tools: z.array(z.string()).default([]),
  max_steps: z.number().int().min(1).max(50).optional(),
});
export type AgentConfig = z.infer<typeof agentConfigSchema>;

export const apiKeySchema = z.strictObject({
  key: z.string().min(8, 'API keys need at least 8 characters'),
  tenant: z.string().min(1),
  user: z.string().min(1).optional(),
});
export type ApiKeyConfig = z.infer<typeof apiKeySchema>;

const port = z.coerce.number().int().min(0).max(65535);

/** The whole validated configuration. Durations are milliseconds. */
export const configSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: port.default(8081),
  mode: z.enum(['dev', 'prod']).default('dev'),
  workers: z.coerce.number().int().min(1).max(64).default(1),
  log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Console log lines: readable (`pretty`) or JSON; unset = pretty in dev mode, JSON in prod. */
  log_format: z.enum(['pretty', 'json']).optional(),
  insecure_no_auth: z.boolean().default(false),
  data_dir: z.string().min(1).default('./data'),
  documents_dir: z.string().min(1).default('./data/documents'),
  database_url: z.string().url().optional(),
  redis_url: z.string().url().optional(),
  /** PostgreSQL schema holding Sluice's tables (DATABASE_SCHEMA); it must exist. Default: the search_path. */
  database_schema: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'letters, digits and _, not starting with a digit')
    .optional(),
  /** The Redis bus (with `redis_url`). */
  redis: z
    .strictObject({
      /** Prepended to every key and channel (REDIS_PREFIX), so deployments can share one Redis. */
      prefix: z
        .string()
        .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'at most 64 letters, digits and : _ . -')
        .default('sluice:'),
      /** Each run's stream is capped near this many events; the oldest are dropped past it. */
      max_log_events: z.number().int().min(1000).default(100_000),
      /**
       * While Redis is unreachable: how long a stream waits before it ends with a `bus_unavailable`
       * error telling its client to resume later, and the longest a request waits on Redis.
       */
      max_outage_ms: z.number().int().min(1000).default(15_000),
    })
    .default({ prefix: 'sluice:', max_log_events: 100_000, max_outage_ms: 15_000 }),
  /**
   * Run leases when instances share Redis: a run's instance renews its lease every `renew_ms`; a
   * run whose lease nobody renewed for `ttl_ms` is marked interrupted by another instance.
   */
  leases: z
    .strictObject({
      ttl_ms: z.number().int().min(1000).default(10_000),
      renew_ms: z.number().int().min(100).default(3_000),
    })
    .refine((l) => l.renew_ms * 2 <= l.ttl_ms, {
      message: 'renew_ms must be at most half of ttl_ms, so one late renewal does not lose a lease',
      path: ['renew_ms'],
    })
    .default({ ttl_ms: 10_000, renew_ms: 3_000 }),
  mcp_url: z.string().url().optional(),
  /** MCP servers whose tools agents may use; `mcp_url` (MCP_URL) adds one named `mcp`. */
  mcp_servers: mcpServersSchema,
  openai: z
    .strictObject({
      api_key: z.string().min(1).optional(),
      base_url: z.string().url().optional(),
      model: z.string().min(1).default('gpt-4o-mini'),
      max_retries: z.number().int().min(0).max(10).default(2),
      timeout_ms: z.number().int().positive().default(60_000),
      idle_timeout_ms: z.number().int().positive().default(60_000),
    })
    .default({ model: 'gpt-4o-mini', max_retries: 2, timeout_ms: 60_000, idle_timeout_ms: 60_000 }),
  demo_pace: z.coerce.number().min(0).max(100_000).default(40),
  api_keys: z.array(apiKeySchema).default([]),
  /** When set, GET /metrics needs `Authorization: Bearer <metrics_token>`; otherwise it is open like /health. */
  metrics_token: z.string().min(16).optional(),
  agents: z.array(agentConfigSchema).default([]),
  prices: z
    .record(z.string(), z.strictObject({ input: z.number().min(0), output: z.number().min(0) }))
    .default({}),
  runs: z
    .strictObject({
      retention_ms: z.number().int().min(1000).default(600_000),
      max_steps: z.number().int().min(1).max(50).default(8),
      tool_timeout_ms: z.number().int().positive().default(30_000),
      tool_result_chars: z.number().int().min(100).default(16_000),
      heartbeat_ms: z.number().int().min(1000).max(300_000).default(15_000),
      shutdown_grace_ms: z.number().int().min(0).default(10_000),
      max_queued_frames: z.number().int().min(16).default(10_000),
      /** In-process bus only: megabytes of ended event logs kept for resumption; oldest go first. */
      retained_log_mb: z.number().int().min(1).default(256),
    })
    .default({
      retention_ms: 600_000,
      max_steps: 8,
      tool_timeout_ms: 30_000,
      tool_result_chars: 16_000,
      heartbeat_ms: 15_000,
      shutdown_grace_ms: 10_000,
      max_queued_frames: 10_000,
      retained_log_mb: 256,
    }),
  /** The extraction task (`POST /v1/extract`): billing and the largest document it reads. */
  extraction: z
    .strictObject({
      price_per_item: z.number().min(0).default(0.001),
      currency: z
        .string()
        .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD')
        .default('USD'),
      max_document_bytes: z.number().int().min(1).default(1_048_576),
    })
    .default({ price_per_item: 0.001, currency: 'USD', max_document_bytes: 1_048_576 }),
  /** Requests per API key (per client IP when the API is open) in each window; /health is not counted. */
  rate_limit: z
    .strictObject({
      max: z.number().int().min(1).default(600),
      window_ms: z.number().int().min(100).default(60_000),
    })
    .default({ max: 600, window_ms: 60_000 }),
  /** Browser origins allowed to call the API (CORS); none by default, so no CORS headers are sent. */
  cors_origins: z.array(z.string().url()).default([]),
  body_limit: z
    .number()
    .int()
    .min(1024)
    .default(4 * 1024 * 1024),
});
export type SluiceConfig = z.infer<typeof configSchema>;
