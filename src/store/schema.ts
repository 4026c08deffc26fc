import { sql } from 'drizzle-orm';
import {
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { FinishReason, Language, RunStatus, ToolCall } from '../protocol/index.ts';
import type { MessageRole } from './repository.ts';

/*
 * Tables carry no schema name: the connection's search_path picks the schema, so tests can run
 * in a schema of their own. Ids of sessions, messages, runs and usage rows are UUID v7 strings
 * made by the app (`newId()`); tenant and agent ids are names chosen by people, hence text.
 */

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

export const tenants = pgTable('tenants', {
  id: text('id').primaryKey(),
  createdAt: createdAt(),
});

/** Agents defined through the API or config; built-in presets live in code and have no row. */
export const agents = pgTable(
  'agents',
  {
    id: text('id').primaryKey(),
    /** Null for agents shared by every tenant. */
    tenantId: text('tenant_id').references(() => tenants.id, { onDelete: 'cascade' }),
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('agents_tenant_idx').on(t.tenantId)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    userId: text('user_id'),
    agentId: text('agent_id').notNull(),
    // Null until chosen: each run then picks from its request, its text or Accept-Language.
    language: text('language').$type<Language>(),
    title: text('title').notNull().default(''),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  // Serves listSessions: one tenant's sessions, newest (highest UUID v7) first, keyset-paginated.
  (t) => [index('sessions_tenant_id_idx').on(t.tenantId, t.id.desc())],
);

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    // No foreign key: the run engine may write a run's input message before or after the run row.
    runId: uuid('run_id'),
    position: integer('position').notNull(),
    role: text('role').$type<MessageRole>().notNull(),
    content: text('content').notNull(),
    toolCalls: jsonb('tool_calls').$type<ToolCall[]>(),
    toolCallId: text('tool_call_id'),
    name: text('name'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('messages_session_position_idx').on(t.sessionId, t.position)],
);

export const runs = pgTable(
  'runs',
  {
    id: uuid('id').primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    tenantId: text('tenant_id').notNull(),
    agentId: text('agent_id').notNull(),
    status: text('status').$type<RunStatus>().notNull().default('queued'),
    language: text('language').$type<Language>().notNull(),
    model: text('model').notNull(),
    inputMessageId: uuid('input_message_id'),
    input: text('input').notNull(),
    finishReason: text('finish_reason').$type<FinishReason>(),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    totalTokens: integer('total_tokens').notNull().default(0),
    totalCost: doublePrecision('total_cost').notNull().default(0),
    lastSeq: integer('last_seq').notNull().default(0),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('runs_session_status_idx').on(t.sessionId, t.status),
    // listUnfinishedRuns scans only the few live runs, not the whole history.
    index('runs_unfinished_idx').on(t.status).where(sql`${t.status} in ('queued', 'running')`),
  ],
);

export const usage = pgTable(
  'usage',
  {
    id: uuid('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    runId: uuid('run_id').notNull(),
    agentId: text('agent_id').notNull(),
    model: text('model').notNull(),
    inputTokens: integer('input_tokens').notNull(),
    outputTokens: integer('output_tokens').notNull(),
    cost: doublePrecision('cost').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('usage_tenant_agent_idx').on(t.tenantId, t.agentId),
    index('usage_session_idx').on(t.sessionId),
    index('usage_run_idx').on(t.runId),
  ],
);
