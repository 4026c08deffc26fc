import { randomUUID } from 'node:crypto';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, RateLimitError } from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { Stream } from 'openai/streaming';
import {
  type ErrorCode,
  type ErrorParams,
  type FinishReason,
  SluiceError,
  type ToolCall,
} from '../protocol/index.ts';
import type { ChatMessage, LlmChunk, LlmProvider, LlmRequest } from './provider.ts';

export interface OpenAiProviderOptions {
  apiKey: string;
  /** Any OpenAI-compatible endpoint, ending in `/v1` (default OpenAI's). */
  baseURL?: string;
  /** Retries of 429/5xx/connection failures before the stream starts (default 2). */
  maxRetries?: number;
  /** Time allowed until response headers, per attempt (default 60 s). */
  timeoutMs?: number;
  /** Longest gap allowed between two chunks once streaming (default 60 s). */
  idleTimeoutMs?: number;
  organization?: string;
  defaultHeaders?: Record<string, string>;
}

/** Upstream reasons are shown to people and logged: keep them readable. */
const MAX_REASON_LENGTH = 500;

/**
 * A provider for any OpenAI-compatible Chat Completions endpoint (OpenAI, DeepSeek, Qwen, vLLM,
 * Ollama, llama.cpp), built on the official `openai` client.
 *
 * Contract: retries happen only inside the SDK, before the first chunk; once anything was yielded
 * a failure is thrown, never retried. Every failure is a SluiceError (`upstream_*`), or
 * `run_cancelled` whenever `request.signal` aborted, whatever the SDK threw; the SDK's error is
 * the `cause`. The API key never appears in an error.
 */
export class OpenAiProvider implements LlmProvider {
  readonly kind = 'openai';
  readonly #client: OpenAI;
  readonly #apiKey: string;
  readonly #timeoutMs: number;
  readonly #idleTimeoutMs: number;

  constructor(options: OpenAiProviderOptions) {
    this.#apiKey = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
    this.#client = new OpenAI({
      // Local servers (Ollama, llama.cpp) need no key, but the SDK refuses to start without one.
      apiKey: options.apiKey || 'no-key',
      // Explicit so that stray OPENAI_* environment variables do not change what was configured.
      baseURL: options.baseURL ?? 'https://api.openai.com/v1',
      organization: options.organization ?? null,
      project: null,
      maxRetries: options.maxRetries ?? 2,
      timeout: this.#timeoutMs,
      defaultHeaders: options.defaultHeaders,
      // Every failure surfaces as a SluiceError with its reason; the SDK's own console lines would
      // only duplicate it.
      logLevel: 'off',
    });
  }

  async *stream(request: LlmRequest): AsyncGenerator<LlmChunk> {
    const { signal } = request;
    if (signal.aborted) throw new SluiceError('run_cancelled', {}, null, { cause: signal.reason });

    let upstream: Stream<ChatCompletionChunk>;
    try {
      // The SDK sleeps between retries without watching the signal; the race makes a cancel
      // during that wait end the call at once.
      upstream = await untilAborted(
        this.#client.chat.completions.create(toChatParams(request), { signal }),
        signal,
        (late) => late.controller.abort(),
      );
    } catch (err) {
      throw this.#failure(err, signal, false);
    }

    const calls = new ToolCallAssembler();
    let usage: LlmChunk | undefined;
    let finishReason: string | null | undefined;
    let idleFired = false;
    const iterator = upstream[Symbol.asyncIterator]();
    try {
      for (;;) {
        // Only the wait for the upstream counts as idle, not the time our consumer takes.
        const timer = setTimeout(() => {
          idleFired = true;
          upstream.controller.abort();
        }, this.#idleTimeoutMs);
        let next: IteratorResult<ChatCompletionChunk>;
        try {
          next = await iterator.next();
        } catch (err) {
          throw this.#failure(err, signal, idleFired);
        } finally {
          clearTimeout(timer);
        }
        // The SDK ends quietly when its request is aborted, so both aborts are checked here too.
        if (signal.aborted || idleFired) throw this.#failure(signal.reason, signal, idleFired);
        if (next.done) break;

        const chunk: unknown = next.value;
        if (typeof chunk !== 'object' || chunk === null) {
          throw new SluiceError('upstream_malformed', { reason: 'a stream chunk is not a JSON object' });
        }
        const { choices, usage: reported } = chunk as Partial<ChatCompletionChunk>;
        if (reported) usage = toUsage(reported);
        for (const choice of Array.isArray(choices) ? choices : []) {
          if (typeof choice !== 'object' || choice === null) continue;
          // One choice is requested; servers that omit `index` still mean the first.
          if (typeof choice.index === 'number' && choice.index !== 0) continue;
          const delta = choice.delta ?? {};
          if (typeof delta.content === 'string' && delta.content !== '') {
            yield { type: 'text-delta', text: delta.content };
          }
          // A refusal is what the model says instead of an answer; it reaches the person as text.
          if (typeof delta.refusal === 'string' && delta.refusal !== '') {
            yield { type: 'text-delta', text: delta.refusal };
          }
          for (const fragment of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
            yield calls.add(fragment);
          }
          if (choice.finish_reason) finishReason = choice.finish_reason;
        }
      }
    } finally {
      // Ends the upstream request when the consumer stops early; harmless after a complete stream.
      upstream.controller.abort();
    }

    const complete = calls.complete();
    for (const call of complete) yield { type: 'tool-call', call };
    if (usage) yield usage;
    yield { type: 'finish', reason: mapFinishReason(finishReason, complete.length > 0) };
  }

  #failure(err: unknown, signal: AbortSignal, idleFired: boolean): SluiceError {
    const fail = (code: ErrorCode, params: ErrorParams, details: Record<string, unknown> | null = null) =>
      new SluiceError(code, params, details, { cause: err });
    if (signal.aborted) return fail('run_cancelled', {});
    if (idleFired) return fail('upstream_timeout', { seconds: this.#idleTimeoutMs / 1000 });
    if (err instanceof SluiceError) return err;
    if (err instanceof APIConnectionTimeoutError) {
      return fail('upstream_timeout', { seconds: this.#timeoutMs / 1000 });
    }
    if (err instanceof RateLimitError) {
      return fail('upstream_rate_limited', {}, { status: 429, reason: this.#reason(err.message) });
    }
    if (err instanceof APIConnectionError) {
      return fail('upstream_error', {
        reason: this.#reason(`connection failed: ${describe(err.cause ?? err)}`),
      });
    }
    if (err instanceof APIError) {
      // With a JSON body the SDK keeps `{message, type, ...}` in `error`; without one its message
      // already carries the status and the body's text. Errors sent inside the stream have no status.
      const upstreamMessage = (err.error as { message?: unknown } | undefined)?.message;
      let reason = err.message;
      if (typeof upstreamMessage === 'string') {
        reason = err.status ? `HTTP ${err.status}: ${upstreamMessage}` : upstreamMessage;
      }
      return fail(
        'upstream_error',
        { reason: this.#reason(reason) },
        err.status ? { status: err.status } : null,
      );
    }
    if (err instanceof SyntaxError) {
      return fail('upstream_malformed', {
        reason: this.#reason(`a stream chunk is not valid JSON (${err.message})`),
      });
    }
    return fail('upstream_error', { reason: this.#reason(`the stream broke: ${describe(err)}`) });
  }

  #reason(text: string): string {
    // Keys shorter than this are placeholders; redacting them would mangle the text.
    const redacted = this.#apiKey.length >= 8 ? text.replaceAll(this.#apiKey, '[redacted]') : text;
    return redacted.length > MAX_REASON_LENGTH ? `${redacted.slice(0, MAX_REASON_LENGTH)}…` : redacted;
  }
}

/** The Chat Completions request for one step: always streamed, always asking for usage. */
function toChatParams(request: LlmRequest): ChatCompletionCreateParamsStreaming {
  const reasoning = isReasoningModel(request.model);
  const params: ChatCompletionCreateParamsStreaming = {
    model: request.model,
    messages: request.messages.map(toMessageParam),
    stream: true,
    stream_options: { include_usage: true },
  };
  if (request.tools.length > 0) {
    params.tools = request.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    }));
  }
  // Reasoning models reject `temperature` and `max_tokens`; everything else (DeepSeek, Qwen,
  // vLLM, Ollama) knows `max_tokens` best.
  if (request.temperature !== undefined && !reasoning) params.temperature = request.temperature;
  if (request.maxTokens !== undefined) {
    if (reasoning) params.max_completion_tokens = request.maxTokens;
    else params.max_tokens = request.maxTokens;
  }
  return params;
}

/** OpenAI's o-series and gpt-5 family, also behind a `vendor/` prefix (OpenRouter). */
export function isReasoningModel(model: string): boolean {
  const name = model.toLowerCase().split('/').pop() ?? '';
  return /^(o\d|gpt-5)/.test(name);
}

function toMessageParam(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'tool':
      return { role: 'tool', content: message.content, tool_call_id: message.tool_call_id };
    case 'assistant': {
      const calls = message.tool_calls ?? [];
      if (calls.length === 0) return { role: 'assistant', content: message.content };
      return {
        role: 'assistant',
        // OpenAI's own shape for a turn that only calls tools; some servers reject "" there.
        content: message.content === '' ? null : message.content,
        tool_calls: calls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: call.arguments },
        })),
      };
    }
  }
}

type ToolCallFragment = ChatCompletionChunk.Choice.Delta.ToolCall;

/**
 * Reassembles streamed tool calls. OpenAI keys fragments by `index`, with id and name only in the
 * first; servers that omit `index` send a new id for each new call. A call without any id gets a
 * generated one, announced in its first delta so deltas and the final call agree.
 */
class ToolCallAssembler {
  readonly #calls = new Map<number, { id: string; name: string; arguments: string }>();
  #last = 0;

  add(fragment: ToolCallFragment): LlmChunk {
    const index = this.#indexOf(fragment);
    this.#last = index;
    const name = fragment.function?.name || undefined;
    const argumentsDelta =
      typeof fragment.function?.arguments === 'string' ? fragment.function.arguments : '';
    let call = this.#calls.get(index);
    let announceId = fragment.id || undefined;
    if (!call) {
      announceId ??= `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
      call = { id: announceId, name: name ?? '', arguments: '' };
      this.#calls.set(index, call);
    } else if (name && !call.name) {
      call.name = name;
    }
    call.arguments += argumentsDelta;
    return {
      type: 'tool-call-delta',
      index,
      ...(announceId ? { id: announceId } : {}),
      ...(name ? { name } : {}),
      argumentsDelta,
    };
  }

  /** The calls in index order. Empty arguments become `{}` (some servers send "" for no-arg tools). */
  complete(): ToolCall[] {
    return [...this.#calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, call]) => ({
        id: call.id,
        name: call.name,
        arguments: call.arguments.trim() === '' ? '{}' : call.arguments,
      }));
  }

  #indexOf(fragment: ToolCallFragment): number {
    if (typeof fragment.index === 'number') return fragment.index;
    if (fragment.id && ![...this.#calls.values()].some((call) => call.id === fragment.id))
      return this.#calls.size;
    return this.#last;
  }
}

function toUsage(usage: NonNullable<ChatCompletionChunk['usage']>): LlmChunk {
  return {
    type: 'usage',
    inputTokens: wholeNumber(usage.prompt_tokens),
    outputTokens: wholeNumber(usage.completion_tokens),
  };
}

function wholeNumber(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

/** Missing or unknown reasons mean `stop`, or `tool_calls` when calls arrived (Ollama sends `stop`). */
export function mapFinishReason(reason: string | null | undefined, sawToolCalls: boolean): FinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'content_filter':
      return 'content_filter';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    default:
      return sawToolCalls ? 'tool_calls' : 'stop';
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause =
    err.cause instanceof Error && err.cause.message !== err.message ? ` (${err.cause.message})` : '';
  return `${err.message}${cause}`;
}

/**
 * Resolves like `promise` unless `signal` aborts first, then rejects with the signal's reason.
 * A value that arrives after the abort goes to `onLate` so it can be released.
 */
function untilAborted<T>(
  promise: PromiseLike<T>,
  signal: AbortSignal,
  onLate: (value: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) onLate(value);
        else resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
