import type { FinishReason, Language, RunStatus, ToolCall, Usage } from '../protocol/index.ts';

export interface SessionRecord {
  id: string;
  tenant_id: string;
  user_id: string | null;
  agent_id: string;
  /** The session's chosen language; null means each run decides (request, text, Accept-Language). */
  language: Language | null;
  title: string;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export type MessageRole = 'system' | 'user' | 'assistant' | 'tool';

export interface MessageRecord {
  id: string;
  session_id: string;
  run_id: string | null;
  /** Order within the session, 1-based, assigned by the store. */
  position: number;
  role: MessageRole;
  content: string;
  tool_calls: ToolCall[] | null;
  tool_call_id: string | null;
  /** Tool name for `tool` messages. */
  name: string | null;
  /** finish_reason, model, usage for assistant messages; anything else a dialect needs. */
  metadata: Record<string, unknown>;
  created_at: string;
}

export interface RunRecord {
  id: string;
  session_id: string;
  tenant_id: string;
  agent_id: string;
  status: RunStatus;
  language: Language;
  model: string;
  input_message_id: string | null;
  input: string;
  finish_reason: FinishReason | null;
  error_code: string | null;
  error_message: string | null;
  usage: Usage;
  /** seq of the last event the run emitted; 0 before the first. */
  last_seq: number;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
}

export type NewSession = Pick<SessionRecord, 'tenant_id' | 'agent_id' | 'language'> &
  Partial<Pick<SessionRecord, 'id' | 'user_id' | 'title' | 'metadata'>>;

export type NewMessage = Pick<MessageRecord, 'role' | 'content'> &
  Partial<Pick<MessageRecord, 'id' | 'run_id' | 'tool_calls' | 'tool_call_id' | 'name' | 'metadata'>>;

export type NewRun = Pick<
  RunRecord,
  'id' | 'session_id' | 'tenant_id' | 'agent_id' | 'language' | 'model' | 'input'
> &
  Partial<Pick<RunRecord, 'status' | 'input_message_id' | 'created_at' | 'started_at'>>;

/** Everything a run's end writes, stored together or not at all. */
export interface RunEnding {
  /** Appended to the run's session, after its last message. */
  messages: NewMessage[];
  patch: RunPatch;
  /** A usage row, when the run used tokens. */
  usage?: UsageRecord;
}

export type RunPatch = Partial<
  Pick<
    RunRecord,
    | 'status'
    | 'finish_reason'
    | 'error_code'
    | 'error_message'
    | 'usage'
    | 'last_seq'
    | 'started_at'
    | 'ended_at'
    | 'input_message_id'
  >
>;

export interface UsageRecord {
  tenant_id: string;
  session_id: string;
  run_id: string;
  agent_id: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cost: number;
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  next_cursor: string | null;
}

/**
 * Persistence for everything that outlives a process. Every read and write that a tenant can
 * reach takes the tenant id, so one tenant can never see another's rows.
 */
export interface Store {
  readonly kind: 'pglite' | 'postgres';
  /** Applies pending migrations; safe to call from several processes at once. */
  migrate(): Promise<void>;
  /** Cheap round-trip for health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;

  ensureTenant(tenantId: string): Promise<void>;

  createSession(session: NewSession): Promise<SessionRecord>;
  /** Newest first. `cursor` is the `next_cursor` of the previous page. */
  listSessions(tenantId: string, options: { limit: number; cursor?: string }): Promise<Page<SessionRecord>>;
  getSession(tenantId: string, sessionId: string): Promise<SessionRecord | undefined>;
  /**
   * The tenant's newest session whose metadata has `key` set to the string `value`: how a
   * dialect finds the session behind a client's own conversation id (the AI SDK's chat id).
   */
  findSessionByMetadata(tenantId: string, key: string, value: string): Promise<SessionRecord | undefined>;
  updateSession(
    tenantId: string,
    sessionId: string,
    patch: Partial<Pick<SessionRecord, 'title' | 'metadata' | 'language'>>,
  ): Promise<SessionRecord | undefined>;
  /** Deletes the session with its messages, runs and usage rows. */
  deleteSession(tenantId: string, sessionId: string): Promise<boolean>;

  /** Appends in order, atomically; positions continue after the session's last message. */
  appendMessages(sessionId: string, messages: NewMessage[]): Promise<MessageRecord[]>;
  listMessages(sessionId: string): Promise<MessageRecord[]>;

  /**
   * Creates the run and, when given, appends its user message (`run_id` set to the run) in the
   * same transaction. Throws `session_not_found` unless the session belongs to the run's tenant.
   */
  createRun(run: NewRun, message?: NewMessage): Promise<RunRecord>;
  /** A run's end in one transaction: its messages, its final fields, its usage. */
  finishRun(runId: string, sessionId: string, ending: RunEnding): Promise<void>;
  updateRun(runId: string, patch: RunPatch): Promise<RunRecord | undefined>;
  /** Without a tenant id only for internal use (the run engine); routes always pass one. */
  getRun(runId: string, tenantId?: string): Promise<RunRecord | undefined>;
  /** The session's run in `queued` or `running`, if any. */
  findActiveRun(sessionId: string): Promise<RunRecord | undefined>;
  /** Runs left `queued`/`running`, e.g. by a crash; used at start-up to mark them interrupted. */
  listUnfinishedRuns(): Promise<RunRecord[]>;

  recordUsage(usage: UsageRecord): Promise<void>;
  usageTotals(filter: { tenantId: string; sessionId?: string; agentId?: string }): Promise<Usage>;
}
