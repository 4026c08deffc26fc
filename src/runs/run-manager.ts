import {
  type AgentCatalog,
  type AgentDefinition,
  type AgentRunResult,
  conversationEnd,
  emptyUsage,
  errorEvent,
  runAgent,
  toSluiceError,
} from '../agent/index.ts';
import type { EventBus } from '../bus/index.ts';
import type { ChatMessage, PriceTable } from '../llm/index.ts';
import {
  type EventDraft,
  type Language,
  newId,
  type RunStatus,
  SluiceError,
  text,
  type Usage,
} from '../protocol/index.ts';
import type { MessageRecord, RunEnding, RunRecord, SessionRecord, Store } from '../store/index.ts';
import type { ToolRegistry } from '../tools/index.ts';
import type { Logger } from './logger.ts';
import type { ProviderSet } from './providers.ts';
import type { RunLeases } from './run-leases.ts';
import { RunLog } from './run-log.ts';
import { retryStore } from './store-retry.ts';

export type Multitask = 'reject' | 'enqueue' | 'interrupt';

export interface RunSettings {
  retentionMs: number;
  maxSteps: number;
  toolTimeoutMs: number;
  toolResultChars: number;
  prices: PriceTable;
}

export interface RunManagerDeps {
  store: Store;
  bus: EventBus;
  agents: AgentCatalog;
  tools: ToolRegistry;
  providers: ProviderSet;
  settings: RunSettings;
  log: Logger;
  /** Run leases, when other instances share the bus: taken before a run is stored, released after it ended. */
  leases?: RunLeases;
  /**
   * True when no other instance can run this session's runs (the in-process bus): this process's
   * own bookkeeping then decides `session_busy`, without asking the store.
   */
  singleInstance?: boolean;
  /** Checks custom events tools emit (extensions' types); without it tools cannot emit any. */
  customEvent?: (type: string, data: unknown) => EventDraft;
}

export interface StartRunRequest {
  tenantId: string;
  session: SessionRecord;
  message: string;
  language: Language;
  multitask?: Multitask;
  /**
   * The conversation so far, when the client holds it (GTPlanner's `dialogue_history`, OpenAI's
   * `messages`): used instead of the session's stored messages. The run's own messages are still
   * stored in the session.
   */
  history?: ChatMessage[];
  /** Replaces the agent's system prompt for this run only (the streaming agent's `system_prompt`). */
  systemPrompt?: string;
  /**
   * Return as soon as conversation_start is in the log, and store the run in the background (its
   * agent starts once it is stored; a failure to store it ends the run with an error event). For
   * streams, whose headers and first event should not wait for a database write. Default: return
   * once the run is stored, failing as the store does.
   */
  storeInBackground?: boolean;
}

/** What a run ended with; given to `onRunEnd` listeners after it is persisted. */
export interface RunEnd {
  run: RunRecord;
  status: RunStatus;
  usage: Usage;
  errorCode: string | null;
  /** Messages the run stored: the user's plus the assistant and tool messages. */
  messages: number;
}

/** Why a run's AbortController fired: a user's cancel, or this instance going away. */
type StopReason = 'cancel' | 'interrupt';

interface ActiveRun {
  id: string;
  /** As stored, or about to be (see `storeInBackground`). */
  record: RunRecord;
  sessionId: string;
  controller: AbortController;
  stopReason: StopReason | undefined;
  /** Resolves when the run has ended and everything is persisted; never rejects. */
  finished: Promise<void>;
}

/**
 * Starts, cancels and tracks runs in this process. A run lives apart from any HTTP connection:
 * clients follow it through the bus. The order of a run's work is fixed: conversation_start at
 * once, the agent's events, persistence, then conversation_end and the end of the log.
 */
export class RunManager {
  private readonly active = new Map<string, ActiveRun>();
  /** The newest run of each session in this process; a new run waits for it (enqueue/interrupt). */
  private readonly latestBySession = new Map<string, ActiveRun>();
  private accepting = true;
  private readonly endListeners = new Set<(end: RunEnd) => void>();

  constructor(private readonly deps: RunManagerDeps) {}

  get activeCount(): number {
    return this.active.size;
  }

  /** True once `drain` began: new runs are refused. */
  get draining(): boolean {
    return !this.accepting;
  }

  /** Whether this process runs `runId` (queued or running). */
  isRunning(runId: string): boolean {
    return this.active.has(runId);
  }

  /** Creates the run and starts it in the background; returns once its log exists. */
  async start(request: StartRunRequest): Promise<RunRecord> {
    if (!this.accepting) throw new SluiceError('shutting_down');
    const { store, agents, providers } = this.deps;
    const { session, multitask = 'reject' } = request;
    const agent = agents.require(session.agent_id);
    const { provider, model } = providers.resolve(agent);

    // Reserve the session synchronously, before any await, so two racing requests cannot both win.
    const previous = this.latestBySession.get(session.id);
    if (previous && multitask === 'reject') {
      throw new SluiceError('session_busy', { id: session.id, run_id: previous.id });
    }
    const runId = newId();
    let finish!: () => void;
    const run: ActiveRun = {
      id: runId,
      // Replaced by the real record below, before the run is visible to anyone.
      record: undefined as unknown as RunRecord,
      sessionId: session.id,
      controller: new AbortController(),
      stopReason: undefined,
      finished: new Promise<void>((resolve) => {
        finish = resolve;
      }),
    };
    this.latestBySession.set(session.id, run);
    const freeSession = () => {
      if (this.latestBySession.get(session.id) === run) this.latestBySession.delete(session.id);
    };
    const release = () => {
      this.deps.leases?.release(runId);
      this.active.delete(runId);
      freeSession();
      finish();
    };

    try {
      // Before the run exists in the store: a stored running run without a lease is an orphan.
      await this.deps.leases?.acquire(runId, () => this.stop(run, 'interrupt'));
      if (!previous && !this.deps.singleInstance) {
        // Another instance (or a run this process does not know) may hold the session.
        const foreign = await store.findActiveRun(session.id);
        if (foreign && multitask !== 'interrupt') {
          throw new SluiceError('session_busy', { id: session.id, run_id: foreign.id });
        }
        if (foreign) await this.deps.bus.requestCancel(foreign.id);
      } else if (previous && multitask === 'interrupt') {
        this.stop(previous, 'cancel');
      }
    } catch (error) {
      release();
      throw error;
    }

    const now = new Date().toISOString();
    const status = previous ? 'queued' : 'running';
    const record: RunRecord = {
      id: runId,
      session_id: session.id,
      tenant_id: request.tenantId,
      agent_id: agent.id,
      status,
      language: request.language,
      model,
      // Chosen now so dialects can name the user's message from the first frame.
      input_message_id: newId(),
      input: request.message,
      finish_reason: null,
      error_code: null,
      error_message: null,
      usage: emptyUsage(),
      last_seq: 0,
      created_at: now,
      started_at: previous ? null : now,
      ended_at: null,
    };
    run.record = record;
    // One transaction: the run and, unless it must wait its turn, the user's message (a queued
    // run's message is stored when it starts, after the answer of the run before it).
    const stored = store.createRun(
      {
        id: runId,
        session_id: session.id,
        tenant_id: request.tenantId,
        agent_id: agent.id,
        language: request.language,
        model,
        input: request.message,
        status,
        input_message_id: record.input_message_id,
        created_at: now,
        ...(previous ? {} : { started_at: now }),
      },
      previous
        ? undefined
        : { id: record.input_message_id ?? undefined, role: 'user', content: request.message },
    );
    if (!request.storeInBackground) {
      try {
        await stored;
      } catch (error) {
        release();
        throw error;
      }
    }

    this.active.set(runId, run);
    const log = new RunLog(this.deps.bus, runId, session.id, (error, entry) =>
      this.deps.log.error({ err: error, runId, seq: entry.seq }, 'event append failed'),
    );
    const unsubscribeCancel = this.deps.bus.onCancel(runId, () => this.stop(run, 'cancel'));
    log.emit({
      event_type: 'conversation_start',
      data: { user_input: request.message, agent_id: agent.id, language: request.language, model },
    });
    if (previous) {
      log.emit({
        event_type: 'processing_status',
        data: {
          status_message: text('run_queued', request.language),
          progress_info: { stage: 'queued', waiting_for: previous.id },
        },
      });
    }

    void this.execute({ run, record, stored, log, previous, request, provider, model, freeSession })
      .catch((error: unknown) => this.deps.log.error({ err: error, runId }, 'run failed outside the agent'))
      .finally(() => {
        unsubscribeCancel();
        release();
      });
    // "Returns once its log exists": a bus that appends over the network (Redis) must have it first.
    await log.flushed();
    return record;
  }

  /** The record of a run this process is running (queued or running), whether stored yet or not. */
  activeRecord(runId: string): RunRecord | undefined {
    return this.active.get(runId)?.record;
  }

  /** Calls `listener` after each run of this process has ended and been persisted; returns an unsubscribe. */
  onRunEnd(listener: (end: RunEnd) => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  /** Asks the instance running `runId` (maybe this one) to cancel it. */
  async cancel(runId: string): Promise<void> {
    const local = this.active.get(runId);
    if (local) {
      this.stop(local, 'cancel');
      return;
    }
    await this.deps.bus.requestCancel(runId);
  }

  /** Resolves when the local run has ended and been persisted (immediately if not running here). */
  async settled(runId: string): Promise<void> {
    await this.active.get(runId)?.finished;
  }

  /**
   * Graceful shutdown: refuses new runs, lets running ones finish for up to `graceMs`, then stops
   * the rest as `interrupted`, and waits until they are persisted.
   */
  async drain(graceMs: number): Promise<void> {
    this.accepting = false;
    const all = () => Promise.all([...this.active.values()].map((run) => run.finished));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      all().then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      for (const run of this.active.values()) this.stop(run, 'interrupt');
      await all();
    }
  }

  private stop(run: ActiveRun, reason: StopReason): void {
    if (run.controller.signal.aborted) return;
    run.stopReason = reason;
    run.controller.abort(new SluiceError(reason === 'cancel' ? 'run_cancelled' : 'run_interrupted'));
  }

  private async execute(args: {
    run: ActiveRun;
    record: RunRecord;
    /** Settles when the run is in the store (see `storeInBackground`). */
    stored: Promise<RunRecord>;
    log: RunLog;
    previous: ActiveRun | undefined;
    request: StartRunRequest;
    provider: ReturnType<ProviderSet['resolve']>['provider'];
    model: string;
    /** Frees the session for its next run; called before conversation_end goes out. */
    freeSession: () => void;
  }): Promise<void> {
    const { run, record, stored, log, previous, request, provider, model, freeSession } = args;
    const { store, agents, tools, settings } = this.deps;
    const signal = run.controller.signal;
    let result: AgentRunResult | undefined;
    let status: RunStatus;
    let errorRecord: SluiceError | null = null;
    let userStored = false;
    let created = false;

    try {
      await stored;
      created = true;
      userStored = !previous;
      if (previous) {
        // A queued run that is cancelled ends at once instead of waiting for its turn.
        await Promise.race([previous.finished, aborted(signal)]);
        if (signal.aborted) throw signal.reason;
        const [userMessage] = await store.appendMessages(request.session.id, [
          {
            id: record.input_message_id ?? newId(),
            run_id: record.id,
            role: 'user',
            content: request.message,
          },
        ]);
        userStored = userMessage !== undefined;
        await store.updateRun(record.id, {
          status: 'running',
          started_at: new Date().toISOString(),
          ...(userMessage ? { input_message_id: userMessage.id } : {}),
        });
      }
      if (signal.aborted) throw signal.reason;
      // The session's conversation before this run (its own user message is the input).
      const history =
        request.history ??
        toChatHistory(
          (await store.listMessages(request.session.id)).filter((m) => m.id !== record.input_message_id),
        );
      const agent = agents.require(record.agent_id);
      result = await runAgent({
        runId: record.id,
        agent: request.systemPrompt === undefined ? agent : withSystemPrompt(agent, request.systemPrompt),
        provider,
        model,
        tools,
        history,
        input: request.message,
        language: request.language,
        signal,
        sink: log,
        limits: {
          maxSteps: agents.require(record.agent_id).maxSteps ?? settings.maxSteps,
          toolTimeoutMs: settings.toolTimeoutMs,
          toolResultChars: settings.toolResultChars,
        },
        prices: settings.prices,
        ...(this.deps.customEvent ? { customEvent: this.deps.customEvent } : {}),
      });
      status =
        result.status === 'cancelled' && run.stopReason === 'interrupt' ? 'interrupted' : result.status;
      errorRecord = result.error;
    } catch (thrown) {
      // Failures before the agent started (store errors, cancelled while queued).
      const error = toSluiceError(thrown, signal);
      status =
        error.code === 'run_cancelled'
          ? 'cancelled'
          : run.stopReason === 'interrupt'
            ? 'interrupted'
            : 'failed';
      if (status === 'failed') errorRecord = error;
    }

    if (status === 'interrupted') {
      const error = new SluiceError('run_interrupted');
      errorRecord = error;
      log.emit(errorEvent(error, request.language));
    } else if (status === 'failed' && !result && errorRecord) {
      log.emit(errorEvent(errorRecord, request.language));
    }

    const final: AgentRunResult = result ?? {
      status: status === 'completed' ? 'completed' : status === 'cancelled' ? 'cancelled' : 'failed',
      answer: '',
      messages: [],
      usage: emptyUsage(),
      finishReason: status === 'cancelled' ? 'cancelled' : 'error',
      error: errorRecord,
      toolResults: [],
      executionTime: 0,
    };
    if (created) await this.persist(record, final, status, errorRecord, log);
    this.notifyEnd({
      run: record,
      status,
      usage: final.usage,
      errorCode: errorRecord?.code ?? null,
      // The user's message is stored once the run starts; a run cancelled while queued has none.
      messages: final.messages.length + (userStored ? 1 : 0),
    });
    // Free the session first: a client that sees conversation_end may send the next message at once.
    freeSession();
    await log.close(
      conversationEnd(final, status as AgentRunResult['status'] | 'interrupted'),
      settings.retentionMs,
    );
  }

  private notifyEnd(end: RunEnd): void {
    for (const listener of this.endListeners) {
      try {
        listener(end);
      } catch (error) {
        this.deps.log.error({ err: error, runId: end.run.id }, 'run end listener failed');
      }
    }
  }

  /** Saves the run's messages, status and usage. Errors are logged; the stream still ends cleanly. */
  private async persist(
    record: RunRecord,
    result: AgentRunResult,
    status: RunStatus,
    error: SluiceError | null,
    log: RunLog,
  ): Promise<void> {
    const { store } = this.deps;
    const ending: RunEnding = {
      messages: result.messages.map(({ id, message, metadata }) => ({
        id,
        run_id: record.id,
        role: message.role,
        content: message.content,
        tool_calls: message.role === 'assistant' && message.tool_calls ? message.tool_calls : null,
        tool_call_id: message.role === 'tool' ? message.tool_call_id : null,
        name: message.role === 'tool' ? (message.name ?? null) : null,
        metadata,
      })),
      patch: {
        status,
        finish_reason: result.finishReason,
        error_code: error?.code ?? null,
        error_message: error?.message ?? null,
        usage: result.usage,
        // +1: conversation_end is emitted right after this update.
        last_seq: log.lastSeq + 1,
        ended_at: new Date().toISOString(),
      },
      ...(result.usage.total_tokens > 0
        ? {
            usage: {
              tenant_id: record.tenant_id,
              session_id: record.session_id,
              run_id: record.id,
              agent_id: record.agent_id,
              model: record.model,
              input_tokens: result.usage.input_tokens,
              output_tokens: result.usage.output_tokens,
              cost: result.usage.total_cost,
            },
          }
        : {}),
    };
    try {
      // One transaction, retried while the database is unreachable (bounded): a run must not stay
      // 'running'. A connection can drop after COMMIT reached the server but before its answer
      // came back, so a retry first checks whether the run already ended in the store.
      await retryStore(async (attempt) => {
        if (attempt > 1) {
          const stored = await store.getRun(record.id);
          if (stored && stored.status !== 'running' && stored.status !== 'queued') return;
        }
        await store.finishRun(record.id, record.session_id, ending);
      });
    } catch (thrown) {
      this.deps.log.error({ err: thrown, runId: record.id }, 'persisting the run failed');
      // The client saw the answer; tell it the answer was not saved (store_unavailable).
      log.emit(errorEvent(toSluiceError(thrown), record.language));
    }
  }
}

/** The agent with one system prompt for every language. */
function withSystemPrompt(agent: AgentDefinition, prompt: string): AgentDefinition {
  return { ...agent, systemPrompt: { zh: prompt, en: prompt, ja: prompt, es: prompt, fr: prompt } };
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** Stored messages back into the model's conversation format. */
export function toChatHistory(messages: MessageRecord[]): ChatMessage[] {
  const history: ChatMessage[] = [];
  for (const m of messages) {
    if (m.role === 'user' || m.role === 'system') history.push({ role: m.role, content: m.content });
    else if (m.role === 'assistant')
      history.push(
        m.tool_calls
          ? { role: 'assistant', content: m.content, tool_calls: m.tool_calls }
          : { role: 'assistant', content: m.content },
      );
    else if (m.tool_call_id)
      history.push({
        role: 'tool',
        content: m.content,
        tool_call_id: m.tool_call_id,
        ...(m.name ? { name: m.name } : {}),
      });
  }
  return history;
}
