import { z } from 'zod';
import type { LogEntry } from '../bus/index.ts';
import type { ChatMessage } from '../llm/index.ts';
import {
  type CanonicalEvent,
  ERRORS,
  errorMessage,
  type FinishReason,
  type Language,
  type RunStatus,
  SluiceError,
  type Usage,
} from '../protocol/index.ts';
import type { DialectStream } from './dialect.ts';

/**
 * The OpenAI Chat Completions dialect (`POST /v1/chat/completions`): the request body, how it
 * becomes a run's message and history, the `chat.completion.chunk` stream, the non-stream
 * `chat.completion` object, and errors in OpenAI's `{error: {message, type, param, code}}` shape.
 * `model` names a Sluice agent. docs/dialects.md describes the choices made here.
 */

export const CLIENT_TOOLS_UNSUPPORTED =
  'client-side tools are not supported: Sluice agents call their own tools on the server and answer with text; leave tools out';

const textPart = z
  .looseObject({ type: z.string(), text: z.string().optional() })
  .refine((part) => part.type === 'text' && typeof part.text === 'string', {
    message: 'only text content parts ({"type": "text", "text": ...}) are supported',
  });
const content = z.union([z.string(), z.array(textPart)]);

const toolCall = z.looseObject({
  id: z.string(),
  type: z.literal('function').optional(),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const message = z.discriminatedUnion('role', [
  z.looseObject({ role: z.literal('system'), content }),
  z.looseObject({ role: z.literal('developer'), content }),
  z.looseObject({ role: z.literal('user'), content }),
  z.looseObject({
    role: z.literal('assistant'),
    content: content.nullish(),
    tool_calls: z.array(toolCall).nullish(),
  }),
  z.looseObject({ role: z.literal('tool'), content, tool_call_id: z.string() }),
]);
export type ChatCompletionMessage = z.infer<typeof message>;

const noClientTools = z
  .array(z.unknown())
  .nullish()
  .refine((tools) => !tools || tools.length === 0, { message: CLIENT_TOOLS_UNSUPPORTED });

/**
 * The request body. Fields OpenAI defines that Sluice does not use (top_p, stop, seed,
 * response_format, ...) are accepted and ignored, so existing clients work unchanged;
 * `temperature` and the token limits are checked but the agent's own model settings apply.
 */
export const chatCompletionBody = z.looseObject({
  model: z.string().min(1).max(64),
  messages: z.array(message).min(1).max(10_000),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  user: z.string().max(256).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  n: z
    .number()
    .int()
    .nullish()
    .refine((n) => n == null || n === 1, { message: 'only n = 1 is supported' }),
  tools: noClientTools,
  functions: noClientTools,
});
export type ChatCompletionBody = z.infer<typeof chatCompletionBody>;

export interface ChatRunInput {
  /** The last message's text: the run's input. */
  message: string;
  /** Every earlier message, the client's system messages first. */
  history: ChatMessage[];
  /** Whether the client sent any earlier non-system message, i.e. holds the conversation itself. */
  holdsConversation: boolean;
}

function textOf(value: z.infer<typeof content> | null | undefined): string {
  if (value == null) return '';
  if (typeof value === 'string') return value;
  return value.map((part) => part.text ?? '').join('\n');
}

/**
 * Splits the messages into the run's input (the last message, which must be a user message with
 * text) and its history. `developer` is OpenAI's newer name for `system`.
 * @throws SluiceError `validation_failed` when the last message is not a user message with text.
 */
export function chatRunInput(messages: readonly ChatCompletionMessage[]): ChatRunInput {
  const last = messages.at(-1);
  const text = last?.role === 'user' ? textOf(last.content) : '';
  if (last?.role !== 'user' || text.trim() === '') {
    const issue = 'the last message must be a user message with text';
    throw new SluiceError(
      'validation_failed',
      { issues: `messages: ${issue}` },
      { issues: [{ path: 'messages', message: issue }] },
    );
  }
  const system: ChatMessage[] = [];
  const rest: ChatMessage[] = [];
  for (const m of messages.slice(0, -1)) {
    switch (m.role) {
      case 'system':
      case 'developer':
        system.push({ role: 'system', content: textOf(m.content) });
        break;
      case 'user':
        rest.push({ role: 'user', content: textOf(m.content) });
        break;
      case 'assistant':
        rest.push(
          m.tool_calls && m.tool_calls.length > 0
            ? {
                role: 'assistant',
                content: textOf(m.content),
                tool_calls: m.tool_calls.map((c) => ({
                  id: c.id,
                  name: c.function.name,
                  arguments: c.function.arguments,
                })),
              }
            : { role: 'assistant', content: textOf(m.content) },
        );
        break;
      case 'tool':
        rest.push({ role: 'tool', content: textOf(m.content), tool_call_id: m.tool_call_id });
        break;
    }
  }
  return { message: text, history: [...system, ...rest], holdsConversation: rest.length > 0 };
}

/** OpenAI's error `type` for an HTTP status. */
export function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

/**
 * A Sluice error in OpenAI's shape; `code` keeps the error table's code. `param` names the
 * offending request field where one is known.
 */
export function openAiErrorBody(error: SluiceError, language: Language): OpenAiErrorBody {
  let param: string | null = null;
  if (error.code === 'agent_not_found' || error.code === 'session_agent_mismatch') param = 'model';
  else if (error.code === 'validation_failed') {
    const issues = error.details?.issues;
    const first = Array.isArray(issues) ? (issues[0] as { path?: unknown } | undefined) : undefined;
    if (typeof first?.path === 'string' && first.path !== '') param = first.path;
  }
  return {
    error: {
      message: error.toBody(language).error.message,
      type: openAiErrorType(error.status),
      param,
      code: error.code,
    },
  };
}

/** The HTTP status of an error code carried by an `error` event (500 for codes not in the table). */
export function statusOfCode(code: string): number {
  return Object.hasOwn(ERRORS, code) ? ERRORS[code as keyof typeof ERRORS].status : 500;
}

function eventErrorBody(code: string, message: string): OpenAiErrorBody {
  return { error: { message, type: openAiErrorType(statusOfCode(code)), param: null, code } };
}

export type OpenAiFinishReason = 'stop' | 'length' | 'content_filter';

/** Text between two assistant messages of one run (before and after its tool calls). */
export const MESSAGE_SEPARATOR = '\n\n';

/**
 * What an OpenAI client sees of a run, folded from its canonical events: the text of every
 * assistant message joined by a blank line (tool calls run inside and are not shown), the final
 * finish reason and usage, or the error that ended it. Shared by the stream and the non-stream
 * answer so both say the same.
 */
export class ChatTurn {
  content = '';
  finishReason: OpenAiFinishReason = 'stop';
  usage: Usage | undefined;
  status: RunStatus | undefined;
  /** The first error: an `error` event, or the cancel that ended the run without one. */
  error: OpenAiErrorBody | undefined;
  private messageId: string | undefined;

  constructor(private readonly language: Language) {}

  /** Folds one event in; returns the text it adds to the answer, if any. */
  apply(event: CanonicalEvent): string | undefined {
    switch (event.event_type) {
      case 'assistant_message_chunk': {
        if (event.data.content === '') return undefined;
        let delta = event.data.content;
        if (this.messageId !== event.data.message_id) {
          if (this.content !== '') delta = MESSAGE_SEPARATOR + delta;
          this.messageId = event.data.message_id;
        }
        this.content += delta;
        return delta;
      }
      case 'assistant_message_end':
        this.finishReason = toOpenAiFinishReason(event.data.message_metadata.finish_reason);
        return undefined;
      case 'error':
        this.error ??= eventErrorBody(event.data.code, event.data.error_message);
        return undefined;
      case 'conversation_end':
        this.status = event.data.status;
        this.usage = event.data.usage;
        if (event.data.status !== 'completed' && !this.error) {
          const code = event.data.status === 'cancelled' ? 'run_cancelled' : 'run_interrupted';
          this.error = eventErrorBody(code, errorMessage(code, this.language));
        }
        return undefined;
      default:
        return undefined;
    }
  }
}

function toOpenAiFinishReason(reason: FinishReason): OpenAiFinishReason {
  return reason === 'length' || reason === 'content_filter' ? reason : 'stop';
}

export interface ChatResponseIdentity {
  /** `chatcmpl-<run id>`: the same on every chunk of one response. */
  id: string;
  /** Unix seconds. */
  created: number;
  /** The agent id the client asked for. */
  model: string;
}

export function openAiUsage(usage: Usage): {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
} {
  return {
    prompt_tokens: usage.input_tokens,
    completion_tokens: usage.output_tokens,
    total_tokens: usage.total_tokens,
  };
}

/** The non-stream answer of a completed turn. */
export function chatCompletion(identity: ChatResponseIdentity, turn: ChatTurn): Record<string, unknown> {
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: turn.content, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: turn.finishReason,
      },
    ],
    usage: openAiUsage(turn.usage ?? { input_tokens: 0, output_tokens: 0, total_tokens: 0, total_cost: 0 }),
  };
}

export interface OpenAiChatStreamOptions extends ChatResponseIdentity {
  /** `stream_options.include_usage`: a last chunk with `choices: []` and the usage. */
  includeUsage: boolean;
  /** Language of the texts the dialect writes itself (a cancelled run's error). */
  language: Language;
}

/**
 * The stream OpenAI sends: a first chunk with `delta.role`, one chunk per text delta, a chunk with
 * `finish_reason`, the usage chunk when asked for, then `data: [DONE]`. A run that fails (or is
 * cancelled) ends with `data: {"error": {...}}` instead of the finish chunk, then `[DONE]`: the
 * openai client throws an APIError carrying that error, and a client that ignores it still sees
 * a clean end.
 */
export function openAiChatDialect(options: OpenAiChatStreamOptions): DialectStream {
  const turn = new ChatTurn(options.language);
  let errorWritten = false;
  const chunk = (choices: unknown[], usage?: Usage): string =>
    `data: ${JSON.stringify({
      id: options.id,
      object: 'chat.completion.chunk',
      created: options.created,
      model: options.model,
      choices,
      ...(options.includeUsage ? { usage: usage ? openAiUsage(usage) : null } : {}),
    })}\n\n`;
  const choice = (delta: Record<string, unknown>, finishReason: OpenAiFinishReason | null = null) => [
    { index: 0, delta, logprobs: null, finish_reason: finishReason },
  ];
  const errorFrame = (): string => {
    if (errorWritten || !turn.error) return '';
    errorWritten = true;
    return `data: ${JSON.stringify(turn.error)}\n\n`;
  };

  return {
    encode(entry: LogEntry) {
      const event = entry.event;
      const delta = turn.apply(event);
      switch (event.event_type) {
        case 'conversation_start':
          return chunk(choice({ role: 'assistant', content: '', refusal: null }));
        case 'assistant_message_chunk':
          return delta === undefined || errorWritten ? undefined : chunk(choice({ content: delta }));
        case 'error':
          return errorFrame();
        case 'conversation_end': {
          if (turn.error) return errorFrame();
          let out = chunk(choice({}, turn.finishReason));
          if (options.includeUsage && turn.usage) out += chunk([], turn.usage);
          return out;
        }
        default:
          return undefined;
      }
    },
    close: () => 'data: [DONE]\n\n',
  };
}
