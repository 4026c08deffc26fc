import { z } from 'zod';
import type { LogEntry } from '../bus/index.ts';
import type { ChatMessage } from '../llm/index.ts';
import {
  type FinishReason,
  type Language,
  ON_DISCONNECT,
  type RunStatus,
  SluiceError,
  text,
} from '../protocol/index.ts';
import type { DialectStream } from './dialect.ts';

/**
 * The Vercel AI SDK UI message stream, protocol v1 (`ai` 6: `uiMessageChunkSchema`,
 * `DefaultChatTransport`): the request body the transport sends and the chunk stream its reader
 * turns into one assistant UIMessage. docs/dialects.md describes the mapping.
 */

/** The response header that tells the AI SDK which stream protocol it is reading. */
export const UI_MESSAGE_STREAM_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'x-vercel-ai-ui-message-stream': 'v1',
});

/** Session metadata key holding the AI SDK chat id the session belongs to. */
export const CHAT_ID_KEY = 'ai_sdk_chat_id';

const uiPart = z.looseObject({ type: z.string(), text: z.string().optional() });

export const uiMessage = z.looseObject({
  id: z.string(),
  role: z.enum(['system', 'user', 'assistant']),
  parts: z.array(uiPart),
});
export type UiMessageInput = z.infer<typeof uiMessage>;

/**
 * What `DefaultChatTransport` posts: `{id, messages, trigger, messageId}` plus whatever the app
 * adds through the transport's `body` option; Sluice reads `agent_id`, `language` and
 * `on_disconnect` from there and ignores the rest.
 */
export const aiSdkChatBody = z.looseObject({
  id: z.string().min(1).max(200),
  messages: z.array(uiMessage).min(1).max(10_000),
  trigger: z.enum(['submit-message', 'regenerate-message']).default('submit-message'),
  messageId: z.string().nullish(),
  agent_id: z.string().min(1).max(64).optional(),
  language: z.string().min(1).max(35).optional(),
  on_disconnect: z.enum(ON_DISCONNECT).default('continue'),
});
export type AiSdkChatBody = z.infer<typeof aiSdkChatBody>;

/** The text parts of a UI message, joined by a newline; other parts (files, tools) are left out. */
export function uiMessageText(message: UiMessageInput): string {
  return message.parts
    .filter((part) => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text)
    .join('\n');
}

/**
 * The run's input: the text of the last message, which must be a user message.
 * @throws SluiceError `validation_failed` otherwise.
 */
export function lastUserText(messages: readonly UiMessageInput[]): string {
  const last = messages.at(-1);
  const text = last?.role === 'user' ? uiMessageText(last) : '';
  if (text.trim() === '') {
    const issue = 'the last message must be a user message with a text part';
    throw new SluiceError(
      'validation_failed',
      { issues: `messages: ${issue}` },
      { issues: [{ path: 'messages', message: issue }] },
    );
  }
  return text;
}

/** The client's messages as model history (text parts only), for chats the server has not seen. */
export function uiMessagesToHistory(messages: readonly UiMessageInput[]): ChatMessage[] {
  return messages.map((m) => ({ role: m.role, content: uiMessageText(m) })).filter((m) => m.content !== '');
}

type UiFinishReason = 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'other';

function uiFinishReason(status: RunStatus, last: FinishReason): UiFinishReason {
  if (status === 'failed') return 'error';
  if (status !== 'completed') return 'other';
  if (last === 'length') return 'length';
  if (last === 'content_filter') return 'content-filter';
  return 'stop';
}

const frame = (chunk: Record<string, unknown>): string => `data: ${JSON.stringify(chunk)}\n\n`;

/** The id of the one status data part; later statuses replace it in the message. */
const STATUS_PART_ID = 'status';

export interface AiSdkStreamOptions {
  /** The assistant message's id: the run id, so a resumed replay names the same message. */
  messageId: string;
}

/**
 * Canonical events to UI message chunks. Each LLM step (a `processing_status` with stage
 * `llm_step`) opens a step: `start-step` ... `finish-step`; assistant messages are text parts keyed
 * by message id; tool calls are tool parts that carry input and output (the server ran them);
 * statuses are one `data-status` part updated in place; tool progress is a transient
 * `data-status`; documents are `data-document` parts; the run's end is `finish` with the usage in
 * `messageMetadata`, then `[DONE]`.
 */
export function aiSdkDialect(options: AiSdkStreamOptions): DialectStream {
  let stepOpen = false;
  let lastFinish: FinishReason = 'stop';
  let language: Language = 'en';
  let lastError = '';

  const closeStep = (): string => {
    if (!stepOpen) return '';
    stepOpen = false;
    return frame({ type: 'finish-step' });
  };

  return {
    encode(entry: LogEntry) {
      const event = entry.event;
      switch (event.event_type) {
        case 'conversation_start':
          language = event.data.language;
          return frame({
            type: 'start',
            messageId: options.messageId,
            messageMetadata: {
              run_id: event.run_id,
              session_id: event.session_id,
              agent_id: event.data.agent_id,
              model: event.data.model,
            },
          });
        case 'processing_status': {
          const { stage, ...progress } = event.data.progress_info;
          let out = '';
          if (stage === 'llm_step') {
            out += closeStep();
            out += frame({ type: 'start-step' });
            stepOpen = true;
          }
          return (
            out +
            frame({
              type: 'data-status',
              id: STATUS_PART_ID,
              data: { message: event.data.status_message, stage, ...progress },
            })
          );
        }
        case 'assistant_message_start':
          return frame({ type: 'text-start', id: event.data.message_id });
        case 'assistant_message_chunk':
          return frame({ type: 'text-delta', id: event.data.message_id, delta: event.data.content });
        case 'assistant_message_end':
          lastFinish = event.data.message_metadata.finish_reason;
          return frame({ type: 'text-end', id: event.data.message_id });
        case 'tool_call_start': {
          const ids = { toolCallId: event.data.call_id, toolName: event.data.tool_name };
          return (
            frame({ type: 'tool-input-start', ...ids }) +
            frame({ type: 'tool-input-available', ...ids, input: event.data.arguments ?? {} })
          );
        }
        case 'tool_call_progress':
          return frame({
            type: 'data-status',
            data: {
              message: event.data.progress_message,
              stage: 'tool',
              tool_name: event.data.tool_name,
              call_id: event.data.call_id,
              progress: event.data.progress,
            },
            transient: true,
          });
        case 'tool_call_end':
          return event.data.status === 'completed'
            ? frame({
                type: 'tool-output-available',
                toolCallId: event.data.call_id,
                output: event.data.result,
              })
            : frame({
                type: 'tool-output-error',
                toolCallId: event.data.call_id,
                errorText: event.data.error_message ?? event.data.status,
              });
        case 'design_document_generated':
          return frame({
            type: 'data-document',
            id: event.data.document_id,
            data: {
              document_id: event.data.document_id,
              filename: event.data.filename,
              format: event.data.format,
              content: event.data.content,
            },
          });
        case 'error':
          lastError = event.data.error_message;
          return frame({ type: 'error', errorText: event.data.error_message });
        case 'conversation_end': {
          const { status, usage } = event.data;
          let out = closeStep();
          // The status part ends saying how the run ended, not "thinking".
          const message =
            status === 'completed'
              ? text('run_completed', language)
              : status === 'cancelled'
                ? text('run_cancelled', language)
                : lastError;
          out += frame({ type: 'data-status', id: STATUS_PART_ID, data: { message, stage: status } });
          if (status === 'cancelled' || status === 'interrupted')
            out += frame({ type: 'abort', reason: status });
          return (
            out +
            frame({
              type: 'finish',
              finishReason: uiFinishReason(status, lastFinish),
              messageMetadata: { status, usage },
            })
          );
        }
        default:
          return undefined;
      }
    },
    close: () => 'data: [DONE]\n\n',
  };
}
