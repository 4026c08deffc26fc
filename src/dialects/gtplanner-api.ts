import type { AgentCatalog } from '../agent/index.ts';
import type { EventBus, LogEntry } from '../bus/index.ts';
import {
  chooseLanguage,
  EVENT_TYPES,
  isUuid,
  LANGUAGES,
  type Language,
  normalizeLanguage,
  type RunStatus,
  SluiceError,
  type Usage,
} from '../protocol/index.ts';
import type { ProviderSet, RunManager } from '../runs/index.ts';
import type { HeartbeatWheel } from '../sse/index.ts';
import type { RunRecord, SessionRecord, Store } from '../store/index.ts';
import {
  type AgentContextRequest,
  agentContextRequestSchema,
  GTPLANNER_SSE_EVENTS,
  type GtplannerResultSummary,
  type GtplannerStream,
  gtplannerDialect,
} from './gtplanner.ts';
import { plannerHistory, userMessage, validationError } from './gtplanner-context.ts';

/** The agent GTPlanner requests run. */
export const PLANNER_AGENT_ID = 'planner';
/** The session metadata key holding the client's own `session_id`. */
export const GTPLANNER_SESSION_KEY = 'gtplanner_session_id';
/** Tenant of library calls that name none: the one an open (keyless) server uses. */
const DEFAULT_TENANT = 'default';

export interface GtplannerApiDeps {
  runs: RunManager;
  store: Store;
  bus: EventBus;
  agents: AgentCatalog;
  providers: ProviderSet;
  wheel: HeartbeatWheel;
  version: string;
  /** Prior tool results longer than this are cut in what the model sees; default 16,000. */
  toolResultChars?: number;
}

/** Who asks, and how to answer; each overrides the matching field of the request body. */
export interface GtplannerStartOptions {
  tenantId?: string;
  userId?: string | null;
  /** An explicit language (GTPlanner's separate `language` argument); wins over the body's. */
  language?: string | null;
  includeMetadata?: boolean;
  bufferEvents?: boolean;
  /** Seconds. */
  heartbeatInterval?: number;
  /** The request's Accept-Language, the last hint for the language. */
  acceptLanguage?: string;
}

/** A started GTPlanner request: its run, and the encoder for the response that follows it. */
export interface GtplannerRun {
  request: AgentContextRequest;
  run: RunRecord;
  session: SessionRecord;
  language: Language;
  dialect: GtplannerStream;
  heartbeatMs: number;
}

export interface ProcessRequestStreamOptions extends GtplannerStartOptions {
  /** The `AgentContextRequest` as the client sent it (validated here). */
  agentContext: unknown;
  /** Receives the SSE text, frame by frame, exactly as `POST /api/chat/agent` writes it. */
  responseWriter: (data: string) => Promise<void> | void;
}

export interface GtplannerSessionStatus {
  session_id: string;
  exists: true;
  /** `gtplanner`: found by the client's session_id; `sluice`: a Sluice session id. */
  kind: 'gtplanner' | 'sluice';
  sluice_session_id: string;
  is_active: boolean;
  /** The latest run's status; `idle` when the session has none yet. */
  status: RunStatus | 'idle';
  run_id: string | null;
  agent_id: string;
  language: Language | null;
  model: string | null;
  message_count: number;
  tool_call_count: number;
  events_count: number;
  usage: Usage | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  last_activity: string;
  events_url: string | null;
}

/**
 * The GTPlanner API as a library (the seeds' `SSEGTPlanner`), and the one code path behind
 * `POST /api/chat/agent`: both validate the context and start the run through `start`, and both
 * write the same frames from the same `GtplannerStream`. Each request gets its own session, run
 * and encoder, so concurrent requests share no state.
 */
export class GTPlannerApi {
  constructor(private readonly deps: GtplannerApiDeps) {}

  /**
   * Validates a client-held context and starts the `planner` agent on it, in a new internal
   * session whose metadata records the client's session_id. Throws `validation_failed` or
   * `unsupported_language` before anything is stored, and what `RunManager.start` throws.
   */
  async start(agentContext: unknown, options: GtplannerStartOptions = {}): Promise<GtplannerRun> {
    // The library's overrides are held to the body's rules.
    const parsed = agentContextRequestSchema.safeParse({
      ...(typeof agentContext === 'object' ? agentContext : {}),
      ...(options.heartbeatInterval === undefined ? {} : { heartbeat_interval: options.heartbeatInterval }),
    });
    if (!parsed.success) throw validationError(parsed.error);
    const request = parsed.data;
    const explicit = explicitLanguage(options.language ?? request.language ?? undefined);
    const message = userMessage(request);
    const language = chooseLanguage({
      request: explicit,
      session: request.session_metadata.language,
      text: message,
      ...(options.acceptLanguage === undefined ? {} : { acceptLanguage: options.acceptLanguage }),
    });
    const history = plannerHistory(request, language, this.deps.toolResultChars ?? 16_000);
    const agent = this.deps.agents.require(PLANNER_AGENT_ID);
    const tenantId = options.tenantId ?? DEFAULT_TENANT;

    const session = await this.deps.store.createSession({
      tenant_id: tenantId,
      user_id: options.userId ?? null,
      agent_id: agent.id,
      language,
      title: message.slice(0, 200),
      metadata: {
        [GTPLANNER_SESSION_KEY]: request.session_id,
        dialect: 'gtplanner',
        is_compressed: request.is_compressed,
        last_updated: request.last_updated ?? null,
        client_metadata: request.session_metadata,
      },
    });
    const run = await this.deps.runs.start({
      tenantId,
      session,
      message,
      language,
      history,
    });
    const includeMetadata = options.includeMetadata ?? request.include_metadata;
    const bufferEvents = options.bufferEvents ?? request.buffer_events;
    const heartbeatInterval = request.heartbeat_interval;
    const dialect = gtplannerDialect({
      sessionId: request.session_id,
      runId: run.id,
      agentId: agent.id,
      model: run.model,
      language,
      includeMetadata,
      bufferEvents,
      heartbeatInterval,
      version: this.deps.version,
      context: {
        dialogue_history_length: request.dialogue_history.length,
        is_compressed: request.is_compressed,
      },
    });
    return { request, run, session, language, dialect, heartbeatMs: heartbeatInterval * 1000 };
  }

  /**
   * GTPlanner's `process_request_stream`: runs the request and hands every frame to
   * `responseWriter` (awaiting each, so a slow writer slows only this reader, never the run),
   * heartbeats included; resolves with the result summary once `close` is written. A writer that
   * throws stops the reading (the run goes on) and rejects with its error.
   */
  async processRequestStream(options: ProcessRequestStreamOptions): Promise<GtplannerResultSummary> {
    const { agentContext, responseWriter, ...startOptions } = options;
    const started = await this.start(agentContext, startOptions);
    await pump(this.deps, started, responseWriter);
    return started.dialect.summary();
  }

  /** GTPlanner's `get_api_status`: what the API supports and how it is set up. */
  getApiStatus(): ReturnType<typeof gtplannerApiStatus> {
    return gtplannerApiStatus(this.deps);
  }

  /**
   * GTPlanner's `get_session_status`. `sessionId` is the client's own session_id (its latest
   * request's run), or a Sluice session id. Throws `session_not_found` when neither matches.
   */
  async getSessionStatus(sessionId: string, tenantId = DEFAULT_TENANT): Promise<GtplannerSessionStatus> {
    const { store, bus } = this.deps;
    let kind: GtplannerSessionStatus['kind'] = 'gtplanner';
    let session = await store.findSessionByMetadata(tenantId, GTPLANNER_SESSION_KEY, sessionId);
    if (!session && isUuid(sessionId)) {
      session = await store.getSession(tenantId, sessionId);
      kind = 'sluice';
    }
    if (!session) throw new SluiceError('session_not_found', { id: sessionId.slice(0, 64) });

    const [active, messages] = await Promise.all([
      store.findActiveRun(session.id),
      store.listMessages(session.id),
    ]);
    const latestRunId = active?.id ?? messages.findLast((m) => m.run_id !== null)?.run_id ?? null;
    const run = active ?? (latestRunId ? await store.getRun(latestRunId, tenantId) : undefined);
    let events = run?.last_seq ?? 0;
    if (active) {
      const state = await bus.state(active.id);
      if (state.state !== 'missing') events = state.lastSeq;
    }
    const times = [
      session.updated_at,
      run?.started_at,
      run?.ended_at,
      messages[messages.length - 1]?.created_at,
    ].filter((t): t is string => typeof t === 'string');
    return {
      session_id: sessionId,
      exists: true,
      kind,
      sluice_session_id: session.id,
      is_active: active !== undefined,
      status: run?.status ?? 'idle',
      run_id: run?.id ?? null,
      agent_id: session.agent_id,
      language: run?.language ?? session.language,
      model: run?.model ?? null,
      message_count: messages.length,
      tool_call_count: messages.filter((m) => m.role === 'tool').length,
      events_count: events,
      usage: run?.usage ?? null,
      created_at: session.created_at,
      started_at: run?.started_at ?? null,
      ended_at: run?.ended_at ?? null,
      last_activity: times.reduce((a, b) => (a > b ? a : b)),
      events_url: run ? `/api/runs/${run.id}/events` : null,
    };
  }
}

/** `get_api_status`'s answer; `GET /api/status` includes it. */
export function gtplannerApiStatus(
  deps: Pick<GtplannerApiDeps, 'agents' | 'providers' | 'runs' | 'version'>,
) {
  const agent = deps.agents.get(PLANNER_AGENT_ID);
  let model: string | null = null;
  try {
    model = agent ? deps.providers.resolve(agent).model : null;
  } catch {
    // A misconfigured provider is reported by /health; the status still answers.
  }
  return {
    api_name: 'Sluice GTPlanner SSE API',
    version: deps.version,
    planner_type: PLANNER_AGENT_ID,
    planner_model: model,
    streaming_enabled: true,
    current_config: { include_metadata: false, buffer_events: false, heartbeat_interval: 30 },
    active_session: deps.runs.activeCount > 0,
    supported_languages: [...LANGUAGES],
    event_types: [...EVENT_TYPES],
    sse_events: ['connection', ...EVENT_TYPES, ...GTPLANNER_SSE_EVENTS.slice(1)],
    features: [
      'streaming',
      'tool_call_progress',
      'design_documents',
      'client_held_context',
      'heartbeat',
      'include_metadata',
      'buffer_events',
      'resume',
      'multilingual',
    ],
    endpoints: {
      chat: 'POST /api/chat/agent',
      session_status: 'GET /api/sessions/{id}/status',
      api_status: 'GET /api/status',
      resume: 'GET /api/runs/{id}/events',
    },
  };
}

function explicitLanguage(value: string | undefined): Language | undefined {
  if (value === undefined) return undefined;
  const language = normalizeLanguage(value);
  if (!language) throw new SluiceError('unsupported_language', { language: value.slice(0, 35) });
  return language;
}

/**
 * Reads the run's log through the dialect into an async writer: connection first, each event's
 * frames, heartbeats while idle, and complete and close once the log ended. Writes are awaited one
 * at a time; entries that arrive meanwhile wait in order.
 */
async function pump(
  deps: Pick<GtplannerApiDeps, 'bus' | 'wheel'>,
  started: GtplannerRun,
  writer: (data: string) => Promise<void> | void,
): Promise<void> {
  const { dialect, run, heartbeatMs } = started;
  const pending: LogEntry[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  let failure: { error: unknown } | undefined;
  // A function, so TypeScript does not keep an earlier check's narrowing across awaits.
  const throwIfFailed = (): void => {
    if (failure) throw failure.error;
  };
  let chain: Promise<void> = Promise.resolve();
  const write = (data: string): Promise<void> => {
    if (data === '') return chain;
    chain = chain.then(async () => {
      if (!failure) await writer(data);
    });
    chain = chain.catch((error: unknown) => {
      failure ??= { error };
    });
    return chain;
  };

  const unsubscribe = deps.bus.subscribe(run.id, 0, {
    onEntry(entry) {
      pending.push(entry);
      wake?.();
    },
    onEnd() {
      ended = true;
      wake?.();
    },
  });
  const heartbeat = deps.wheel.add(() => void write(dialect.heartbeat()), heartbeatMs);
  try {
    await write(dialect.open());
    for (;;) {
      for (let next = 0; next < pending.length && !failure; next++) {
        const frames = dialect.encode(pending[next]!);
        if (frames) {
          heartbeat.touch();
          await write(frames);
        }
      }
      pending.length = 0;
      throwIfFailed();
      if (ended) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
    heartbeat.touch();
    await write(dialect.close());
    throwIfFailed();
  } finally {
    heartbeat.stop();
    unsubscribe();
  }
}
