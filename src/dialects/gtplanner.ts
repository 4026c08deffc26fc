import { z } from 'zod';
import type { LogEntry } from '../bus/index.ts';
import type {
  AddedMessage,
  CanonicalEvent,
  EventType,
  Language,
  RunStatus,
  Usage,
} from '../protocol/index.ts';
import { encodeFrame } from '../sse/index.ts';
import type { DialectStream } from './dialect.ts';

/**
 * The GTPlanner SSE dialect (seeds/gtplanner-*.md): the `AgentContextRequest` body of `POST
 * /api/chat/agent`, and the stream GTPlanner's SSE handler writes: `event: connection` first, every
 * canonical event as `event: <event_type>` with GTPlanner's event JSON, `event: heartbeat` while
 * idle, then `event: complete` (result and statistics) and `event: close`.
 */

const toolArguments = z
  .union([z.string(), z.record(z.string(), z.unknown())])
  .nullish()
  .transform((value) => (value == null ? '{}' : typeof value === 'string' ? value : JSON.stringify(value)));

/** A tool call as GTPlanner (OpenAI's shape) or Sluice's `new_messages` write it. */
const dialogueToolCall = z.union([
  z.object({
    id: z.string().min(1),
    type: z.string().optional(),
    function: z.object({ name: z.string().min(1), arguments: toolArguments }),
  }),
  z.object({ id: z.string().min(1), name: z.string().min(1), arguments: toolArguments }),
]);

/** Multimodal content parts (`{type: "text", text}`, `{type: "image_url", ...}`) are accepted too. */
const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

export const dialogueMessageSchema = z.object({
  role: z.enum(['user', 'assistant', 'system', 'tool']),
  content: z.union([z.string(), z.array(contentPart), z.null()]),
  timestamp: z.string().nullish(),
  tool_calls: z.array(dialogueToolCall).nullish(),
  tool_call_id: z.string().nullish(),
  /** The tool's name on `tool` messages (Sluice's `new_messages` carry it). */
  name: z.string().nullish(),
});
export type DialogueMessage = z.infer<typeof dialogueMessageSchema>;

/**
 * GTPlanner's `AgentContextRequest`, field for field, with its defaults. Fields it does not know
 * are ignored, as pydantic does. `language` is checked against the five languages by the caller
 * (an unsupported one is `unsupported_language`, not a validation failure).
 */
export const agentContextRequestSchema = z.object({
  session_id: z.string().trim().min(1).max(256),
  dialogue_history: z.array(dialogueMessageSchema).min(1).max(10_000),
  tool_execution_results: z.record(z.string(), z.unknown()).default({}),
  session_metadata: z.record(z.string(), z.unknown()).default({}),
  last_updated: z.string().nullish(),
  is_compressed: z.boolean().default(false),
  language: z.string().min(1).max(35).nullish(),
  include_metadata: z.boolean().default(false),
  buffer_events: z.boolean().default(false),
  /** Seconds of idleness before a heartbeat; the bounds are Sluice's (DESIGN.md). */
  heartbeat_interval: z.number().min(1).max(300).default(30),
});
export type AgentContextRequest = z.infer<typeof agentContextRequestSchema>;

/** `buffer_events`: a batch of chunks is written once it holds this many chunks or characters. */
export const BUFFER_MAX_CHUNKS = 16;
export const BUFFER_MAX_CHARS = 1024;

/** Every frame type this dialect writes, in the order a stream uses them. */
export const GTPLANNER_SSE_EVENTS = ['connection', 'heartbeat', 'complete', 'close'] as const;

export interface GtplannerStreamOptions {
  /** The client's `session_id`: every frame carries it (Sluice's own session id is in metadata). */
  sessionId: string;
  runId: string;
  agentId: string;
  model: string;
  language: Language;
  includeMetadata: boolean;
  bufferEvents: boolean;
  /** Seconds, as the request gave it; echoed in the connection frame. */
  heartbeatInterval: number;
  /** Sluice's version, for `server_info`. */
  version: string;
  /** What the request's context held; reported in the summary's metadata. */
  context?: { dialogue_history_length: number; is_compressed: boolean };
  retryMs?: number;
  /** Clock for the frames' timestamps and durations; tests pin it. */
  now?: () => Date;
}

/** GTPlanner's `process_request_stream` result summary, with Sluice's additions after its fields. */
export interface GtplannerResultSummary {
  success: boolean;
  session_id: string;
  user_input: string;
  new_messages_count: number;
  tool_execution_results_updates: Record<string, unknown>;
  /** The last error event's message; null when the run completed or no error was reported. */
  error: string | null;
  metadata: Record<string, unknown>;
  /** The run's status, or `incomplete` when the log ended without conversation_end. */
  status: RunStatus | 'incomplete';
  run_id: string;
  execution_time: number;
  usage: Usage | null;
  /** The messages to append to `dialogue_history` (also in conversation_end). */
  new_messages: AddedMessage[];
}

export interface GtplannerStreamStatistics {
  /** Canonical events encoded. */
  total_events: number;
  /** SSE frames written before the `complete` frame, connection and heartbeats included. */
  frames_sent: number;
  event_counts: Partial<Record<EventType, number>>;
  heartbeats_sent: number;
  /** Chunk frames saved by `buffer_events` (chunks merged into a frame they did not open). */
  merged_chunks: number;
  session_duration: number;
  last_seq: number;
}

export interface GtplannerStream extends DialectStream {
  open(): string;
  encode(entry: LogEntry): string;
  close(): string;
  heartbeat(): string;
  /** The result so far; final once the log ended. Also the `result` of `complete`. */
  summary(): GtplannerResultSummary;
  statistics(): GtplannerStreamStatistics;
}

const CLOSE_MESSAGE: Record<Language, string> = {
  en: 'Stream completed successfully',
  zh: '流式响应已成功完成',
  ja: 'ストリームは正常に完了しました',
  es: 'La transmisión terminó correctamente',
  fr: "Le flux s'est terminé avec succès",
};

const FEATURES = ['streaming', 'heartbeat', 'metadata', 'buffer_events', 'resume'];

type ChunkEvent = Extract<CanonicalEvent, { event_type: 'assistant_message_chunk' }>;

/**
 * One GTPlanner response. Frames of canonical events carry `id: <seq>` (a batch: the seq of its
 * last chunk), so a client can resume the same run's events with `GET /api/runs/{run_id}/events`
 * and `Last-Event-ID`; connection, heartbeat, complete and close frames carry no id, so they never
 * move a client's resume point.
 */
export function gtplannerDialect(options: GtplannerStreamOptions): GtplannerStream {
  const now = options.now ?? (() => new Date());
  const opened = now();
  const counts: Partial<Record<EventType, number>> = {};
  let totalEvents = 0;
  let frames = 0;
  let heartbeats = 0;
  let merged = 0;
  let lastSeq = 0;
  let userInput = '';
  let end: Extract<CanonicalEvent, { event_type: 'conversation_end' }>['data'] | undefined;
  let lastError: string | null = null;
  let batch: ChunkEvent[] = [];
  let batchChars = 0;

  const seconds = () => (now().getTime() - opened.getTime()) / 1000;
  const frame = (event: string, data: unknown, id?: number): string => {
    frames++;
    return encodeFrame({ ...(id === undefined ? {} : { id }), event, data: JSON.stringify(data) });
  };

  const metadata = (event: CanonicalEvent): Record<string, unknown> =>
    options.includeMetadata
      ? {
          event_index: totalEvents,
          processing_time: seconds(),
          run_id: event.run_id,
          seq: event.seq,
          sluice_session_id: event.session_id,
          agent_id: options.agentId,
          model: options.model,
          language: options.language,
          original_metadata: event.metadata,
        }
      : {};

  /** GTPlanner's `StreamEvent.to_dict()` order, then Sluice's seq and run_id. */
  const eventFrame = (event: CanonicalEvent, data: unknown, extra: Record<string, unknown> = {}): string =>
    frame(
      event.event_type,
      {
        event_type: event.event_type,
        timestamp: event.timestamp,
        session_id: options.sessionId,
        data,
        metadata: metadata(event),
        seq: event.seq,
        run_id: event.run_id,
        ...extra,
      },
      event.seq,
    );

  /** The buffered chunks as one chunk frame: their content joined, indexed by the first. */
  const flush = (): string => {
    if (batch.length === 0) return '';
    const first = batch[0]!;
    const last = batch[batch.length - 1]!;
    const text =
      batch.length === 1
        ? eventFrame(last, last.data)
        : eventFrame(
            last,
            {
              ...first.data,
              content: batch.map((chunk) => chunk.data.content).join(''),
              chunk_count: batch.length,
            },
            { first_seq: first.seq },
          );
    merged += batch.length - 1;
    batch = [];
    batchChars = 0;
    return text;
  };

  const summary = (): GtplannerResultSummary => {
    const updates = end?.tool_execution_results_updates ?? {};
    return {
      success: end?.success ?? false,
      session_id: options.sessionId,
      user_input: userInput,
      new_messages_count: end?.new_messages_count ?? 0,
      tool_execution_results_updates: updates,
      error: end?.success ? null : lastError,
      metadata: options.includeMetadata
        ? {
            include_metadata: true,
            buffer_events: options.bufferEvents,
            heartbeat_interval: options.heartbeatInterval,
            context_compressed: options.context?.is_compressed ?? false,
            dialogue_history_length: options.context?.dialogue_history_length ?? 0,
            tool_updates_count: Object.keys(updates).length,
          }
        : {},
      status: end?.status ?? 'incomplete',
      run_id: options.runId,
      execution_time: end?.execution_time ?? 0,
      usage: end?.usage ?? null,
      new_messages: end?.new_messages ?? [],
    };
  };

  const statistics = (): GtplannerStreamStatistics => ({
    total_events: totalEvents,
    frames_sent: frames,
    event_counts: { ...counts },
    heartbeats_sent: heartbeats,
    merged_chunks: merged,
    session_duration: seconds(),
    last_seq: lastSeq,
  });

  return {
    open() {
      const connection = {
        status: 'connected',
        timestamp: now().toISOString(),
        session_id: options.sessionId,
        config: {
          include_metadata: options.includeMetadata,
          buffer_events: options.bufferEvents,
          heartbeat_interval: options.heartbeatInterval,
          language: options.language,
        },
        server_info: { name: 'sluice', version: options.version, dialect: 'gtplanner', features: FEATURES },
        run_id: options.runId,
        events_url: `/api/runs/${options.runId}/events`,
      };
      frames++;
      return encodeFrame({
        event: 'connection',
        retry: options.retryMs ?? 3000,
        data: JSON.stringify(connection),
      });
    },

    encode(entry) {
      const { event } = entry;
      totalEvents++;
      lastSeq = event.seq;
      counts[event.event_type] = (counts[event.event_type] ?? 0) + 1;
      if (event.event_type === 'conversation_start') userInput = event.data.user_input;
      if (event.event_type === 'error') lastError = event.data.error_message;
      if (event.event_type === 'conversation_end') end = event.data;

      if (options.bufferEvents && event.event_type === 'assistant_message_chunk') {
        batch.push(event);
        batchChars += event.data.content.length;
        return batch.length >= BUFFER_MAX_CHUNKS || batchChars >= BUFFER_MAX_CHARS ? flush() : '';
      }
      return flush() + eventFrame(event, event.data);
    },

    close() {
      const pending = flush();
      // new_messages already went out in conversation_end; complete does not repeat them.
      const { new_messages: _inConversationEnd, ...result } = summary();
      const stats = statistics();
      const complete = frame('complete', {
        status: 'completed',
        timestamp: now().toISOString(),
        session_id: options.sessionId,
        result,
        statistics: stats,
      });
      const close = frame('close', {
        status: 'closing',
        message: CLOSE_MESSAGE[options.language],
        timestamp: now().toISOString(),
        session_id: options.sessionId,
        final_statistics: { total_events: totalEvents, session_duration: seconds() },
      });
      return pending + complete + close;
    },

    heartbeat() {
      // Idle with chunks waiting: they go out now rather than after the next event.
      const pending = flush();
      heartbeats++;
      return (
        pending +
        frame('heartbeat', {
          timestamp: now().toISOString(),
          session_id: options.sessionId,
          session_duration: seconds(),
          event_count: totalEvents,
        })
      );
    },

    summary,
    statistics,
  };
}
