import type { FinishReason, Language, ToolCall } from '../protocol/index.ts';

/** A message in the conversation sent to a model, in Chat Completions' shape. */
export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; tool_calls?: ToolCall[] }
  | { role: 'tool'; content: string; tool_call_id: string; name?: string };

/** A tool as the model sees it: JSON Schema parameters. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface LlmRequest {
  /** The provider's model name, e.g. `gpt-4o-mini` or `demo`. */
  model: string;
  messages: ChatMessage[];
  tools: ToolSpec[];
  /** The run's language; real models get it through the system prompt, the demo model reads it here. */
  language: Language;
  temperature?: number;
  maxTokens?: number;
  /** Aborting it must stop the upstream request at once and end the stream. */
  signal: AbortSignal;
}

/**
 * What a provider streams. Text arrives as deltas; tool calls arrive as deltas (`index` keyed, id
 * and name possibly only on the first) and then once more, complete, as `tool-call` before
 * `finish`. `usage` comes at most once, when the provider reports it. `finish` is always last.
 */
export type LlmChunk =
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call-delta'; index: number; id?: string; name?: string; argumentsDelta: string }
  | { type: 'tool-call'; call: ToolCall }
  | { type: 'usage'; inputTokens: number; outputTokens: number }
  | { type: 'finish'; reason: FinishReason };

export interface LlmProvider {
  /** `openai` or `demo`; recorded with the run. */
  readonly kind: string;
  /**
   * Streams one model step. Failures throw a SluiceError with an `upstream_*` code (or
   * `run_cancelled` when `signal` aborted); text already yielded stays valid.
   */
  stream(request: LlmRequest): AsyncIterable<LlmChunk>;
}
