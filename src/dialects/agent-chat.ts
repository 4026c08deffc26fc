import { z } from 'zod';
import type { LogEntry } from '../bus/index.ts';
import { type ErrorCode, errorMessage, type FinishReason, type Language } from '../protocol/index.ts';
import { encodeFrame } from '../sse/index.ts';
import type { DialectStream } from './dialect.ts';
import { endCode, knownCode, STEP_SEPARATOR } from './streaming-agent.ts';

/**
 * The agent chat service (agent-chat-stream-axum.md): `AgentChatRequest` for
 * `POST /api/agents/{agent_id}/chat/stream` and `POST /api/agents/{agent_id}/chat`. Unknown
 * fields are ignored, as serde does by default; `language` is Sluice's addition.
 */
export const agentChatBody = z.object({
  message: z.string().min(1).max(1_000_000),
  session_id: z.uuid().nullable().optional(),
  /** On `/chat`, true answers with the SSE stream instead of JSON; `/chat/stream` always streams. */
  stream: z.boolean().nullable().optional(),
  language: z.string().min(1).max(35).optional(),
});
export type AgentChatBody = z.infer<typeof agentChatBody>;

/**
 * The `GET .../chat/stream` query, for `EventSource`, which can send neither a body nor headers:
 * the key comes as `access_token` (RFC 6750's query parameter) or `token`.
 */
export const agentChatQuery = z.object({
  message: z.string().min(1).max(100_000),
  session_id: z.uuid().optional(),
  language: z.string().min(1).max(35).optional(),
  access_token: z.string().max(512).optional(),
  token: z.string().max(512).optional(),
});

export interface AgentChatMetadata {
  model: string;
  tokens_used: number;
  finish_reason: string;
}

/** `AgentChatStreamChunk`: every field is always present, null when it has no value. */
export interface AgentChatChunk {
  type: 'content' | 'done' | 'error';
  content: string | null;
  session_id: string | null;
  message_id: string | null;
  reply_id: string | null;
  metadata: AgentChatMetadata | null;
  finish_reason: string | null;
  error: string | null;
}

/**
 * Sluice's finish reasons in the document's casing: the Rust service printed its `FinishReason`
 * enum variant (`Stop`), so each reason is its variant name.
 */
export const FINISH_REASON_NAMES: Record<FinishReason, string> = {
  stop: 'Stop',
  length: 'Length',
  tool_calls: 'ToolCalls',
  content_filter: 'ContentFilter',
  cancelled: 'Cancelled',
  error: 'Error',
};

export interface AgentChatIds {
  session_id: string;
  /** The stored id of the user's message. */
  message_id: string | null;
}

/**
 * Turns a run's canonical events into `AgentChatStreamChunk`s: `content` per text chunk, then one
 * `done` (with `reply_id`, the stored id of the last assistant message, and `metadata`) or one
 * `error`. When the agent used tools, the texts of its steps are separated by a blank line; the
 * concatenated contents then equal the run's assistant messages joined the same way.
 */
export class AgentChatFrames {
  private language: Language = 'en';
  private model = '';
  private replyId: string | null = null;
  private finishReason: FinishReason = 'stop';
  private sentContent = false;
  private separate = false;
  private errorSent = false;
  errorCode: ErrorCode | undefined;

  constructor(private readonly ids: AgentChatIds) {}

  push(entry: LogEntry): AgentChatChunk[] {
    const { event } = entry;
    switch (event.event_type) {
      case 'conversation_start':
        this.language = event.data.language;
        this.model = event.data.model;
        return [];
      case 'assistant_message_start':
        this.separate = this.sentContent;
        return [];
      case 'assistant_message_chunk': {
        const chunks: AgentChatChunk[] = [];
        if (this.separate) {
          this.separate = false;
          chunks.push(this.chunk('content', { content: STEP_SEPARATOR }));
        }
        this.sentContent = true;
        chunks.push(this.chunk('content', { content: event.data.content }));
        return chunks;
      }
      case 'assistant_message_end':
        this.replyId = event.data.message_id;
        this.model = event.data.message_metadata.model;
        this.finishReason = event.data.message_metadata.finish_reason;
        return [];
      case 'error':
        this.errorCode = knownCode(event.data.code);
        return this.error(event.data.error_message);
      case 'conversation_end': {
        if (event.data.status === 'completed' && !this.errorSent) {
          const finish = FINISH_REASON_NAMES[this.finishReason];
          return [
            this.chunk('done', {
              reply_id: this.replyId,
              metadata: {
                model: this.model,
                tokens_used: event.data.usage.total_tokens,
                finish_reason: finish,
              },
              finish_reason: finish,
            }),
          ];
        }
        this.errorCode ??= endCode(event.data.status);
        return this.error(errorMessage(this.errorCode, this.language));
      }
      default:
        return [];
    }
  }

  private error(message: string): AgentChatChunk[] {
    if (this.errorSent) return [];
    this.errorSent = true;
    return [this.chunk('error', { error: message })];
  }

  private chunk(type: AgentChatChunk['type'], fields: Partial<AgentChatChunk>): AgentChatChunk {
    // Field order is the DTO's declaration order.
    return {
      type,
      content: fields.content ?? null,
      session_id: this.ids.session_id,
      message_id: this.ids.message_id,
      reply_id: fields.reply_id ?? null,
      metadata: fields.metadata ?? null,
      finish_reason: fields.finish_reason ?? null,
      error: fields.error ?? null,
    };
  }
}

/** `data:`-only frames, as Axum's `Event::default().data(json)` writes them. */
export function agentChatFrame(chunk: AgentChatChunk): string {
  return encodeFrame({ data: JSON.stringify(chunk) });
}

export function agentChatDialect(ids: AgentChatIds): DialectStream {
  const frames = new AgentChatFrames(ids);
  return { encode: (entry) => frames.push(entry).map(agentChatFrame).join('') };
}
