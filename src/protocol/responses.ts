import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from './errors.ts';
import { finishReasonSchema, runStatusSchema, toolCallSchema, usageSchema } from './events.ts';
import { LANGUAGES } from './languages.ts';

/**
 * Response bodies of the native API, shared by the OpenAPI document, the client SDK (as types)
 * and the tests (which parse real responses with them, so the document cannot drift). Objects
 * are open (`z.object`): a field the server adds later is not a breaking change for clients.
 * Timestamps are ISO 8601 strings in UTC.
 */

const metadata = z.record(z.string(), z.unknown());
const timestamp = z.iso.datetime({ offset: true });

export const sessionSchema = z.object({
  id: z.uuid(),
  tenant_id: z.string(),
  user_id: z.string().nullable(),
  agent_id: z.string(),
  /** null: each run chooses (request, message text, Accept-Language). */
  language: z.enum(LANGUAGES).nullable(),
  title: z.string(),
  metadata,
  created_at: timestamp,
  updated_at: timestamp,
});
export type Session = z.infer<typeof sessionSchema>;

export const messageSchema = z.object({
  id: z.uuid(),
  session_id: z.uuid(),
  run_id: z.uuid().nullable(),
  /** Order within the session, from 1. */
  position: z.number().int().positive(),
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string(),
  tool_calls: z.array(toolCallSchema).nullable(),
  tool_call_id: z.string().nullable(),
  /** Tool name of a `tool` message. */
  name: z.string().nullable(),
  metadata,
  created_at: timestamp,
});
export type Message = z.infer<typeof messageSchema>;

export const sessionDetailSchema = sessionSchema.extend({
  active_run_id: z.uuid().nullable(),
  messages: z.array(messageSchema),
});
export type SessionDetail = z.infer<typeof sessionDetailSchema>;

export const sessionPageSchema = z.object({
  items: z.array(sessionSchema),
  /** Pass as `cursor` for the next page; null on the last one. */
  next_cursor: z.uuid().nullable(),
});
export type SessionPage = z.infer<typeof sessionPageSchema>;

export const runSchema = z.object({
  id: z.uuid(),
  session_id: z.uuid(),
  tenant_id: z.string(),
  agent_id: z.string(),
  status: runStatusSchema,
  language: z.enum(LANGUAGES),
  model: z.string(),
  input_message_id: z.uuid().nullable(),
  input: z.string(),
  finish_reason: finishReasonSchema.nullable(),
  error_code: z.string().nullable(),
  error_message: z.string().nullable(),
  usage: usageSchema,
  /** seq of the run's last event so far; 0 before the first. */
  last_seq: z.number().int().nonnegative(),
  created_at: timestamp,
  started_at: timestamp.nullable(),
  ended_at: timestamp.nullable(),
});
export type Run = z.infer<typeof runSchema>;

export const cancelRunResponseSchema = z.object({
  id: z.uuid(),
  /** The status when the request arrived; the run's log ends with the final one. */
  status: runStatusSchema,
  /** false when the run had already ended: nothing to cancel. */
  cancel_requested: z.boolean(),
});
export type CancelRunResponse = z.infer<typeof cancelRunResponseSchema>;

export const agentSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  /** One greeting per language, or null. */
  greeting: z.record(z.enum(LANGUAGES), z.string()).nullable(),
  tools: z.array(z.string()),
  model: z.object({ provider: z.string().nullable(), name: z.string().nullable() }),
  max_steps: z.number().int().positive().nullable(),
});
export type Agent = z.infer<typeof agentSchema>;

export const agentListSchema = z.object({ items: z.array(agentSchema) });
export type AgentList = z.infer<typeof agentListSchema>;

const check = z.object({ ok: z.boolean(), kind: z.string(), error: z.string().optional() });

export const healthSchema = z.object({
  /** `draining`: shutting down, so load balancers stop sending requests here (503). */
  status: z.enum(['ok', 'degraded', 'draining']),
  /** The streaming agent example's health check reports it. */
  streaming_supported: z.boolean(),
  checks: z.object({ store: check, bus: check, llm: check }),
});
export type Health = z.infer<typeof healthSchema>;

export const serviceStatusSchema = z.object({
  // GTPlanner's `get_api_status` fields first.
  api_name: z.string(),
  planner_type: z.string(),
  planner_model: z.string().nullable(),
  streaming_enabled: z.boolean(),
  current_config: z.object({
    include_metadata: z.boolean(),
    buffer_events: z.boolean(),
    heartbeat_interval: z.number(),
  }),
  active_session: z.boolean(),
  supported_languages: z.array(z.enum(LANGUAGES)),
  event_types: z.array(z.string()),
  sse_events: z.array(z.string()),
  features: z.array(z.string()),
  endpoints: z.record(z.string(), z.string()),
  name: z.literal('sluice'),
  version: z.string(),
  uptime_seconds: z.number().int().nonnegative(),
  started_at: timestamp,
  active_runs: z.number().int().nonnegative(),
  open_streams: z.number().int().nonnegative(),
  provider: z.string(),
  store: z.string(),
  bus: z.string(),
  auth: z.enum(['open', 'api_keys']),
  /** The non-secret part of the configuration. */
  config: z.object({
    mode: z.enum(['dev', 'prod']),
    demo_pace: z.number(),
    heartbeat_ms: z.number().int(),
    retention_ms: z.number().int(),
    max_steps: z.number().int(),
    body_limit: z.number().int(),
  }),
});
export type ServiceStatus = z.infer<typeof serviceStatusSchema>;

/** The stable codes of the error table (errors.ts). */
export const errorCodeSchema = z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]);

/** `{error: {code, message, details}}`: every error answered before a stream starts. */
export const errorBodySchema = z.object({
  error: z.object({
    code: errorCodeSchema,
    /** In the request's language. */
    message: z.string(),
    details: z.record(z.string(), z.unknown()).nullable(),
  }),
});
