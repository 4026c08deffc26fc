import { z } from 'zod';
import type { LogEntry } from '../bus/index.ts';
import {
  ERRORS,
  type ErrorCode,
  errorMessage,
  type Language,
  type RunStatus,
  text,
  type Usage,
} from '../protocol/index.ts';
import { encodeFrame } from '../sse/index.ts';
import type { DialectStream } from './dialect.ts';

/**
 * The streaming agent example (streaming-agent-example.md): `POST /chat/stream` and `POST /chat`.
 * Fields the document does not name are ignored, as its FastAPI model would; `language` is
 * Sluice's addition.
 */
export const streamingChatBody = z.object({
  message: z.string().min(1).max(1_000_000),
  /** Replaces the agent's system prompt for this request; null or '' keeps the default. */
  system_prompt: z.string().max(100_000).nullable().optional(),
  language: z.string().min(1).max(35).optional(),
});
export type StreamingChatBody = z.infer<typeof streamingChatBody>;

export type StreamingAgentFrame =
  | { type: 'start'; message: string }
  | { type: 'content'; chunk: string }
  | { type: 'complete'; full_content: string; usage: Usage }
  | { type: 'error'; error: string };

/** Put between the texts of two model steps (a tool call's intro and the answer after it). */
export const STEP_SEPARATOR = '\n\n';

/**
 * Turns a run's canonical events into the document's frames: `start` on conversation_start (its
 * message in the run's language), `content` per text chunk, then `complete` with the whole text
 * and the usage, or one `error` (never both). `full_content` is exactly the concatenation of the
 * `content` chunks sent.
 */
export class StreamingAgentFrames {
  private language: Language = 'en';
  private fullContent = '';
  private separate = false;
  private errorSent = false;
  /** The error table code of the run's failure, for `/chat` to answer with its HTTP status. */
  errorCode: ErrorCode | undefined;

  push(entry: LogEntry): StreamingAgentFrame[] {
    const { event } = entry;
    switch (event.event_type) {
      case 'conversation_start':
        this.language = event.data.language;
        return [{ type: 'start', message: text('stream_starting', this.language) }];
      case 'assistant_message_start':
        this.separate = this.fullContent !== '';
        return [];
      case 'assistant_message_chunk': {
        const frames: StreamingAgentFrame[] = [];
        if (this.separate) {
          this.separate = false;
          frames.push(this.content(STEP_SEPARATOR));
        }
        frames.push(this.content(event.data.content));
        return frames;
      }
      case 'error':
        this.errorCode = knownCode(event.data.code);
        return this.error(event.data.error_message);
      case 'conversation_end':
        if (event.data.status === 'completed' && !this.errorSent) {
          return [{ type: 'complete', full_content: this.fullContent, usage: event.data.usage }];
        }
        this.errorCode ??= endCode(event.data.status);
        return this.error(errorMessage(this.errorCode, this.language));
      default:
        return [];
    }
  }

  private content(chunk: string): StreamingAgentFrame {
    this.fullContent += chunk;
    return { type: 'content', chunk };
  }

  private error(message: string): StreamingAgentFrame[] {
    if (this.errorSent) return [];
    this.errorSent = true;
    return [{ type: 'error', error: message }];
  }
}

/** `data:`-only frames, no `event:` or `id:` lines: the document's client reads `data: ` lines. */
export function streamingAgentFrame(frame: StreamingAgentFrame): string {
  return encodeFrame({ data: JSON.stringify(frame) });
}

export function streamingAgentDialect(): DialectStream {
  const frames = new StreamingAgentFrames();
  return { encode: (entry) => frames.push(entry).map(streamingAgentFrame).join('') };
}

/** The code of an error event, when it is one of the table's. */
export function knownCode(code: string): ErrorCode {
  return code in ERRORS ? (code as ErrorCode) : 'internal_error';
}

/** Why a run that sent no error event did not complete. */
export function endCode(status: RunStatus): ErrorCode {
  if (status === 'cancelled') return 'run_cancelled';
  if (status === 'interrupted') return 'run_interrupted';
  return 'internal_error';
}
