import { and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { isUuid, newId, SluiceError, type Usage } from '../protocol/index.ts';
import type {
  MessageRecord,
  NewMessage,
  NewRun,
  NewSession,
  Page,
  RunEnding,
  RunPatch,
  RunRecord,
  SessionRecord,
  Store,
  UsageRecord,
} from './repository.ts';
import { messages, runs, sessions, tenants, usage } from './schema.ts';

/** What differs between PGlite and PostgreSQL: the connection, how to migrate, how to close. */
export interface StoreBackend {
  readonly kind: Store['kind'];
  readonly db: PgDatabase<PgQueryResultHKT>;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

const ACTIVE_STATUSES = ['queued', 'running'] as const;

/**
 * The one `Store` implementation, over any Drizzle PostgreSQL database. All SQL goes through
 * Drizzle's builder or `sql` templates, so every value is a bound parameter. Ids that are not
 * UUIDs cannot name a row, so lookups by such ids answer "not found" instead of a database error.
 */
export class DrizzleStore implements Store {
  readonly kind: Store['kind'];
  readonly #backend: StoreBackend;
  readonly #db: PgDatabase<PgQueryResultHKT>;
  /** Tenants known to exist (bounded: a server sees few; past the bound they are checked again). */
  readonly #knownTenants = new Set<string>();

  constructor(backend: StoreBackend) {
    this.kind = backend.kind;
    this.#backend = backend;
    this.#db = backend.db;
  }

  migrate(): Promise<void> {
    return this.#backend.migrate();
  }

  private rememberTenant(tenantId: string): void {
    if (this.#knownTenants.size >= 10_000) this.#knownTenants.clear();
    this.#knownTenants.add(tenantId);
  }

  async ping(): Promise<void> {
    await this.#db.execute(sql`select 1`);
  }

  close(): Promise<void> {
    return this.#backend.close();
  }

  async ensureTenant(tenantId: string): Promise<void> {
    if (this.#knownTenants.has(tenantId)) return;
    await this.#db.insert(tenants).values({ id: tenantId }).onConflictDoNothing();
    this.rememberTenant(tenantId);
  }

  async createSession(session: NewSession): Promise<SessionRecord> {
    const id = session.id ?? newId();
    assertUuid(id, 'session id');
    const values = {
      id,
      tenantId: session.tenant_id,
      userId: session.user_id ?? null,
      agentId: session.agent_id,
      language: session.language,
      title: session.title ?? '',
      metadata: session.metadata ?? {},
    };
    // Sessions reference their tenant; creating it here spares callers an ordering rule. Tenants
    // are never deleted, so once one is known to exist a session is a single insert.
    const row = this.#knownTenants.has(session.tenant_id)
      ? (await this.#db.insert(sessions).values(values).returning())[0]!
      : await this.#db.transaction(async (tx) => {
          await tx.insert(tenants).values({ id: session.tenant_id }).onConflictDoNothing();
          const [inserted] = await tx.insert(sessions).values(values).returning();
          return inserted!;
        });
    this.rememberTenant(session.tenant_id);
    return toSession(row);
  }

  async listSessions(
    tenantId: string,
    options: { limit: number; cursor?: string },
  ): Promise<Page<SessionRecord>> {
    const { limit, cursor } = options;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new SluiceError('validation_failed', {
        issues: `limit must be a positive integer, got ${limit}`,
      });
    }
    if (cursor !== undefined && !isUuid(cursor)) {
      throw new SluiceError('validation_failed', { issues: 'cursor is not a session id' });
    }
    // Keyset pagination on the UUID v7 id: stable while sessions are added or removed.
    const rows = await this.#db
      .select()
      .from(sessions)
      .where(
        cursor === undefined
          ? eq(sessions.tenantId, tenantId)
          : and(eq(sessions.tenantId, tenantId), lt(sessions.id, cursor)),
      )
      .orderBy(desc(sessions.id))
      .limit(limit + 1);
    const items = rows.slice(0, limit).map(toSession);
    return { items, next_cursor: rows.length > limit ? items[items.length - 1]!.id : null };
  }

  async getSession(tenantId: string, sessionId: string): Promise<SessionRecord | undefined> {
    if (!isUuid(sessionId)) return undefined;
    const [row] = await this.#db
      .select()
      .from(sessions)
      .where(and(eq(sessions.id, sessionId), eq(sessions.tenantId, tenantId)));
    return row && toSession(row);
  }

  async findSessionByMetadata(
    tenantId: string,
    key: string,
    value: string,
  ): Promise<SessionRecord | undefined> {
    const [row] = await this.#db
      .select()
      .from(sessions)
      // Containment, not `->>`: the value must be that JSON string, not a number that prints alike.
      .where(
        and(
          eq(sessions.tenantId, tenantId),
          sql`${sessions.metadata} @> ${JSON.stringify({ [key]: value })}::jsonb`,
        ),
      )
      .orderBy(desc(sessions.id))
      .limit(1);
    return row ? toSession(row) : undefined;
  }

  /** `metadata`, when given, replaces the session's metadata as a whole. */
  async updateSession(
    tenantId: string,
    sessionId: string,
    patch: Partial<Pick<SessionRecord, 'title' | 'metadata' | 'language'>>,
  ): Promise<SessionRecord | undefined> {
    if (!isUuid(sessionId)) return undefined;
    const [row] = await this.#db
      .update(sessions)
      .set({
        ...(patch.title !== undefined && { title: patch.title }),
        ...(patch.metadata !== undefined && { metadata: patch.metadata }),
        ...(patch.language !== undefined && { language: patch.language }),
        updatedAt: sql`now()`,
      })
      .where(and(eq(sessions.id, sessionId), eq(sessions.tenantId, tenantId)))
      .returning();
    return row && toSession(row);
  }

  async deleteSession(tenantId: string, sessionId: string): Promise<boolean> {
    if (!isUuid(sessionId)) return false;
    // Messages, runs and usage rows go with it through ON DELETE CASCADE.
    const deleted = await this.#db
      .delete(sessions)
      .where(and(eq(sessions.id, sessionId), eq(sessions.tenantId, tenantId)))
      .returning({ id: sessions.id });
    return deleted.length > 0;
  }

  /** Throws `session_not_found` when the session does not exist. */
  async appendMessages(sessionId: string, newMessages: NewMessage[]): Promise<MessageRecord[]> {
    if (!isUuid(sessionId)) throw new SluiceError('session_not_found', { id: sessionId });
    assertMessageIds(newMessages);
    const rows = await this.#db.transaction(async (tx) => {
      await lockSession(tx, sessionId);
      return insertMessages(tx, sessionId, newMessages);
    });
    return rows.map(toMessage).sort((a, b) => a.position - b.position);
  }

  async listMessages(sessionId: string): Promise<MessageRecord[]> {
    if (!isUuid(sessionId)) return [];
    const rows = await this.#db
      .select()
      .from(messages)
      .where(eq(messages.sessionId, sessionId))
      .orderBy(asc(messages.position));
    return rows.map(toMessage);
  }

  /** Throws `session_not_found` unless the session exists and belongs to the run's tenant. */
  async createRun(run: NewRun, message?: NewMessage): Promise<RunRecord> {
    assertUuid(run.id, 'run id');
    if (run.input_message_id) assertUuid(run.input_message_id, 'input message id');
    if (!isUuid(run.session_id)) throw new SluiceError('session_not_found', { id: run.session_id });
    if (message) assertMessageIds([message]);
    const row = await this.#db.transaction(async (tx) => {
      // The owner check and the lock the message append needs, in one statement.
      await lockSession(tx, run.session_id, run.tenant_id);
      const [inserted] = await tx
        .insert(runs)
        .values({
          id: run.id,
          sessionId: run.session_id,
          tenantId: run.tenant_id,
          agentId: run.agent_id,
          status: run.status ?? 'queued',
          language: run.language,
          model: run.model,
          inputMessageId: run.input_message_id ?? null,
          input: run.input,
          ...(run.created_at ? { createdAt: toDate(run.created_at) ?? undefined } : {}),
          ...(run.started_at ? { startedAt: toDate(run.started_at) } : {}),
        })
        .returning();
      if (message) await insertMessages(tx, run.session_id, [{ ...message, run_id: run.id }]);
      return inserted!;
    });
    return toRun(row);
  }

  async finishRun(runId: string, sessionId: string, ending: RunEnding): Promise<void> {
    assertUuid(runId, 'run id');
    if (!isUuid(sessionId)) throw new SluiceError('session_not_found', { id: sessionId });
    assertMessageIds(ending.messages);
    await this.#db.transaction(async (tx) => {
      if (ending.messages.length > 0) {
        await lockSession(tx, sessionId);
        await insertMessages(tx, sessionId, ending.messages);
      }
      const set = runPatchColumns(ending.patch);
      if (Object.keys(set).length > 0) await tx.update(runs).set(set).where(eq(runs.id, runId));
      if (ending.usage) await tx.insert(usage).values(usageRow(ending.usage));
    });
  }

  async updateRun(runId: string, patch: RunPatch): Promise<RunRecord | undefined> {
    if (!isUuid(runId)) return undefined;
    if (patch.input_message_id) assertUuid(patch.input_message_id, 'input message id');
    const set = runPatchColumns(patch);
    if (Object.keys(set).length === 0) return this.getRun(runId);
    const [row] = await this.#db.update(runs).set(set).where(eq(runs.id, runId)).returning();
    return row && toRun(row);
  }

  async getRun(runId: string, tenantId?: string): Promise<RunRecord | undefined> {
    if (!isUuid(runId)) return undefined;
    const [row] = await this.#db
      .select()
      .from(runs)
      .where(
        tenantId === undefined ? eq(runs.id, runId) : and(eq(runs.id, runId), eq(runs.tenantId, tenantId)),
      );
    return row && toRun(row);
  }

  /** When a run is running and others wait queued behind it, the running one; else the oldest queued. */
  async findActiveRun(sessionId: string): Promise<RunRecord | undefined> {
    if (!isUuid(sessionId)) return undefined;
    const [row] = await this.#db
      .select()
      .from(runs)
      .where(and(eq(runs.sessionId, sessionId), inArray(runs.status, [...ACTIVE_STATUSES])))
      .orderBy(sql`case when ${runs.status} = 'running' then 0 else 1 end`, asc(runs.id))
      .limit(1);
    return row && toRun(row);
  }

  async listUnfinishedRuns(): Promise<RunRecord[]> {
    const rows = await this.#db
      .select()
      .from(runs)
      .where(inArray(runs.status, [...ACTIVE_STATUSES]))
      .orderBy(asc(runs.id));
    return rows.map(toRun);
  }

  async recordUsage(record: UsageRecord): Promise<void> {
    await this.#db.insert(usage).values(usageRow(record));
  }

  async usageTotals(filter: { tenantId: string; sessionId?: string; agentId?: string }): Promise<Usage> {
    if (filter.sessionId !== undefined && !isUuid(filter.sessionId)) return zeroUsage();
    const conditions = [eq(usage.tenantId, filter.tenantId)];
    if (filter.sessionId !== undefined) conditions.push(eq(usage.sessionId, filter.sessionId));
    if (filter.agentId !== undefined) conditions.push(eq(usage.agentId, filter.agentId));
    // sum() of integers is bigint, which drivers hand back as strings; Number() brings them home.
    const [totals] = await this.#db
      .select({
        input: sql`coalesce(sum(${usage.inputTokens}), 0)`.mapWith(Number),
        output: sql`coalesce(sum(${usage.outputTokens}), 0)`.mapWith(Number),
        cost: sql`coalesce(sum(${usage.cost}), 0)`.mapWith(Number),
      })
      .from(usage)
      .where(and(...conditions));
    if (!totals) return zeroUsage();
    return {
      input_tokens: totals.input,
      output_tokens: totals.output,
      total_tokens: totals.input + totals.output,
      total_cost: totals.cost,
    };
  }
}

function assertUuid(value: string, what: string): void {
  if (!isUuid(value))
    throw new SluiceError('validation_failed', { issues: `${what} must be a UUID, got "${value}"` });
}

function zeroUsage(): Usage {
  return { input_tokens: 0, output_tokens: 0, total_tokens: 0, total_cost: 0 };
}

function toDate(iso: string | null): Date | null {
  if (iso === null) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    throw new SluiceError('validation_failed', { issues: `not an ISO timestamp: "${iso}"` });
  }
  return date;
}

function toSession(row: typeof sessions.$inferSelect): SessionRecord {
  return {
    id: row.id,
    tenant_id: row.tenantId,
    user_id: row.userId,
    agent_id: row.agentId,
    language: row.language,
    title: row.title,
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function toMessage(row: typeof messages.$inferSelect): MessageRecord {
  return {
    id: row.id,
    session_id: row.sessionId,
    run_id: row.runId,
    position: row.position,
    role: row.role,
    content: row.content,
    tool_calls: row.toolCalls,
    tool_call_id: row.toolCallId,
    name: row.name,
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
  };
}

type Transaction = Parameters<Parameters<PgDatabase<PgQueryResultHKT>['transaction']>[0]>[0];

/**
 * Locks the session row for the rest of the transaction (appends to one session serialise on it,
 * so message positions never collide). Throws `session_not_found` when it does not exist, or
 * belongs to another tenant when `tenantId` is given.
 */
async function lockSession(tx: Transaction, sessionId: string, tenantId?: string): Promise<void> {
  const locked = await tx
    .select({ id: sessions.id })
    .from(sessions)
    .where(
      tenantId === undefined
        ? eq(sessions.id, sessionId)
        : and(eq(sessions.id, sessionId), eq(sessions.tenantId, tenantId)),
    )
    .for('update');
  if (locked.length === 0) throw new SluiceError('session_not_found', { id: sessionId });
}

/** Appends after the session's last message; the caller holds the session lock. */
async function insertMessages(
  tx: Transaction,
  sessionId: string,
  newMessages: NewMessage[],
): Promise<(typeof messages.$inferSelect)[]> {
  if (newMessages.length === 0) return [];
  // The next position computed by the insert itself: one statement instead of a read and a write.
  const next = sql`(select coalesce(max(${messages.position}), 0) + 1 from ${messages} where ${messages.sessionId} = ${sessionId})`;
  return tx
    .insert(messages)
    .values(
      newMessages.map((message, index) => ({
        id: message.id ?? newId(),
        sessionId,
        runId: message.run_id ?? null,
        position: index === 0 ? next : sql`${next} + ${index}`,
        role: message.role,
        content: message.content,
        toolCalls: message.tool_calls ?? null,
        toolCallId: message.tool_call_id ?? null,
        name: message.name ?? null,
        metadata: message.metadata ?? {},
      })),
    )
    .returning();
}

function assertMessageIds(newMessages: NewMessage[]): void {
  for (const message of newMessages) if (message.id !== undefined) assertUuid(message.id, 'message id');
}

function runPatchColumns(patch: RunPatch): Partial<typeof runs.$inferInsert> {
  if (patch.input_message_id) assertUuid(patch.input_message_id, 'input message id');
  return {
    ...(patch.status !== undefined && { status: patch.status }),
    ...(patch.finish_reason !== undefined && { finishReason: patch.finish_reason }),
    ...(patch.error_code !== undefined && { errorCode: patch.error_code }),
    ...(patch.error_message !== undefined && { errorMessage: patch.error_message }),
    ...(patch.last_seq !== undefined && { lastSeq: patch.last_seq }),
    ...(patch.started_at !== undefined && { startedAt: toDate(patch.started_at) }),
    ...(patch.ended_at !== undefined && { endedAt: toDate(patch.ended_at) }),
    ...(patch.input_message_id !== undefined && { inputMessageId: patch.input_message_id }),
    ...(patch.usage !== undefined && {
      inputTokens: patch.usage.input_tokens,
      outputTokens: patch.usage.output_tokens,
      totalTokens: patch.usage.total_tokens,
      totalCost: patch.usage.total_cost,
    }),
  };
}

function usageRow(record: UsageRecord): typeof usage.$inferInsert {
  return {
    id: newId(),
    tenantId: record.tenant_id,
    sessionId: record.session_id,
    runId: record.run_id,
    agentId: record.agent_id,
    model: record.model,
    inputTokens: record.input_tokens,
    outputTokens: record.output_tokens,
    cost: record.cost,
  };
}

function toRun(row: typeof runs.$inferSelect): RunRecord {
  return {
    id: row.id,
    session_id: row.sessionId,
    tenant_id: row.tenantId,
    agent_id: row.agentId,
    status: row.status,
    language: row.language,
    model: row.model,
    input_message_id: row.inputMessageId,
    input: row.input,
    finish_reason: row.finishReason,
    error_code: row.errorCode,
    error_message: row.errorMessage,
    usage: {
      input_tokens: row.inputTokens,
      output_tokens: row.outputTokens,
      total_tokens: row.totalTokens,
      total_cost: row.totalCost,
    },
    last_seq: row.lastSeq,
    created_at: row.createdAt.toISOString(),
    started_at: row.startedAt?.toISOString() ?? null,
    ended_at: row.endedAt?.toISOString() ?? null,
  };
}
