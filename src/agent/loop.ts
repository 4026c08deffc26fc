import type { ChatMessage, LlmProvider, PriceTable } from '../llm/index.ts';
import { costOf, countChatTokens, countTokens } from '../llm/index.ts';
import {
  type EventDraft,
  type FinishReason,
  type Language,
  newId,
  SluiceError,
  type ToolCall,
  text,
  type Usage,
} from '../protocol/index.ts';
import { executeTool, type ToolRegistry } from '../tools/index.ts';
import type { AgentDefinition } from './definition.ts';
import { errorEvent } from './error-event.ts';
import type { EventSink } from './sink.ts';
import { toSluiceError } from './to-sluice-error.ts';
import { addUsage, emptyUsage } from './usage.ts';

export interface AgentLimits {
  maxSteps: number;
  toolTimeoutMs: number;
  /** Tool results longer than this are truncated in what the model sees (the full result is kept). */
  toolResultChars: number;
}

export interface AgentRunInput {
  runId: string;
  agent: AgentDefinition;
  provider: LlmProvider;
  /** Resolved model name at the provider. */
  model: string;
  tools: ToolRegistry;
  /** Earlier conversation, oldest first, without the system prompt. */
  history: ChatMessage[];
  input: string;
  language: Language;
  signal: AbortSignal;
  sink: EventSink;
  limits: AgentLimits;
  prices: PriceTable;
  /**
   * Checks a custom event a tool emits and returns it as a draft for the sink; throws when it is
   * not registered or invalid. Without it tools get no `emitEvent`.
   */
  customEvent?: (type: string, data: unknown) => EventDraft;
}

/** A message the run added to the conversation, ready to persist. */
export interface AgentMessage {
  id: string;
  message: ChatMessage;
  metadata: Record<string, unknown>;
  /** When the message was complete, UTC ISO 8601. */
  timestamp: string;
}

export interface ToolResultRecord {
  tool_name: string;
  call_id: string;
  status: 'completed' | 'failed' | 'cancelled';
  result: unknown;
  error_message: string | null;
  execution_time: number;
}

export interface AgentRunResult {
  status: 'completed' | 'failed' | 'cancelled';
  /** The final assistant text; the partial text when the run failed or was cancelled. */
  answer: string;
  /** Assistant and tool messages the run added, in order. */
  messages: AgentMessage[];
  usage: Usage;
  finishReason: FinishReason;
  error: SluiceError | null;
  toolResults: ToolResultRecord[];
  executionTime: number;
}

interface StepOutcome {
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
}

/**
 * One agent turn: LLM step, tool calls, results back to the model, repeated until the model
 * answers without tools or the step limit is reached. Emits every canonical event between
 * `conversation_start` and `conversation_end`: the run layer sends those two, the start as soon as
 * the run exists (even while queued) and the end after persisting, so a client that sees the end
 * can already read the stored messages. Never throws.
 */
export async function runAgent(input: AgentRunInput): Promise<AgentRunResult> {
  return new AgentTurn(input).run();
}

class AgentTurn {
  private readonly started = performance.now();
  private readonly messages: AgentMessage[] = [];
  private readonly toolResults: ToolResultRecord[] = [];
  private usage: Usage = emptyUsage();
  private answer = '';
  private finishReason: FinishReason = 'stop';

  constructor(private readonly input: AgentRunInput) {}

  async run(): Promise<AgentRunResult> {
    const { agent, input: userInput, language, sink } = this.input;
    const conversation: ChatMessage[] = [
      { role: 'system', content: agent.systemPrompt[language] },
      ...this.input.history,
      { role: 'user', content: userInput },
    ];
    try {
      await this.loop(conversation);
      return this.result('completed', null);
    } catch (thrown) {
      const error = toSluiceError(thrown, this.input.signal);
      if (error.code === 'run_cancelled') {
        this.finishReason = 'cancelled';
        sink.emit({
          event_type: 'processing_status',
          data: { status_message: text('run_cancelled', language), progress_info: { stage: 'cancelled' } },
        });
        return this.result('cancelled', null);
      }
      this.finishReason = 'error';
      sink.emit(errorEvent(error, language));
      return this.result('failed', error);
    }
  }

  private async loop(conversation: ChatMessage[]): Promise<void> {
    const { agent, limits, language, sink, tools, signal } = this.input;
    const allowed = tools.allowed(agent.tools);
    for (let step = 1; step <= limits.maxSteps; step++) {
      if (signal.aborted) throw new SluiceError('run_cancelled');
      sink.emit({
        event_type: 'processing_status',
        data: {
          status_message: text('thinking', language, { step }),
          progress_info: { stage: 'llm_step', step },
        },
      });
      // The last step is offered no tools, so a model that keeps calling them must answer instead.
      const offered = step < limits.maxSteps ? tools.specs(allowed) : [];
      const outcome = await this.llmStep(conversation, offered);
      if (outcome.toolCalls.length === 0) {
        this.answer = outcome.text;
        this.finishReason = outcome.finishReason;
        return;
      }
      if (step === limits.maxSteps) throw new SluiceError('max_steps_exceeded', { steps: limits.maxSteps });
      const results = await Promise.all(outcome.toolCalls.map((call) => this.callTool(call, allowed)));
      conversation.push(...results);
      if (signal.aborted) throw new SluiceError('run_cancelled');
    }
  }

  /** Streams one model step; text goes out as a start/chunk/end triplet when there is any. */
  private async llmStep(
    conversation: ChatMessage[],
    offered: ReturnType<ToolRegistry['specs']>,
  ): Promise<StepOutcome> {
    const { provider, model, agent, language, signal, sink } = this.input;
    const messageId = newId();
    let content = '';
    let chunkIndex = 0;
    let opened = false;
    const toolCalls: ToolCall[] = [];
    let finishReason: FinishReason = 'stop';
    let reported: { inputTokens: number; outputTokens: number } | undefined;

    const closeMessage = (reason: FinishReason, usage?: Usage) => {
      if (!opened) return;
      sink.emit({
        event_type: 'assistant_message_end',
        data: {
          complete_message: content,
          message_metadata: {
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
            finish_reason: reason,
            ...(usage ? { usage } : {}),
            model,
          },
          message_id: messageId,
        },
      });
    };

    try {
      const stream = provider.stream({
        model,
        // A snapshot: the conversation grows after this step, and a provider may hold on to it.
        messages: [...conversation],
        tools: offered,
        language,
        signal,
        ...(agent.model.temperature === undefined ? {} : { temperature: agent.model.temperature }),
        ...(agent.model.maxTokens === undefined ? {} : { maxTokens: agent.model.maxTokens }),
      });
      for await (const chunk of stream) {
        switch (chunk.type) {
          case 'text-delta':
            if (chunk.text === '') break;
            if (!opened) {
              opened = true;
              sink.emit({ event_type: 'assistant_message_start', data: { message_id: messageId } });
            }
            content += chunk.text;
            sink.emit({
              event_type: 'assistant_message_chunk',
              data: {
                content: chunk.text,
                is_complete: false,
                chunk_index: chunkIndex++,
                total_chunks: null,
                message_id: messageId,
              },
            });
            break;
          case 'tool-call':
            toolCalls.push(chunk.call);
            break;
          case 'usage':
            reported = { inputTokens: chunk.inputTokens, outputTokens: chunk.outputTokens };
            break;
          case 'finish':
            finishReason = chunk.reason;
            break;
          case 'tool-call-delta':
            break;
        }
      }
    } catch (thrown) {
      const error = toSluiceError(thrown, signal);
      const reason: FinishReason = error.code === 'run_cancelled' ? 'cancelled' : 'error';
      const usage = this.countStep(conversation, content, toolCalls, reported);
      closeMessage(reason, usage);
      this.keepMessage(messageId, { role: 'assistant', content }, reason, usage, content !== '');
      this.answer = content;
      throw error;
    }

    if (signal.aborted) {
      const usage = this.countStep(conversation, content, toolCalls, reported);
      closeMessage('cancelled', usage);
      this.keepMessage(messageId, { role: 'assistant', content }, 'cancelled', usage, content !== '');
      this.answer = content;
      throw new SluiceError('run_cancelled');
    }
    if (toolCalls.length > 0 && finishReason === 'stop') finishReason = 'tool_calls';
    const usage = this.countStep(conversation, content, toolCalls, reported);
    closeMessage(finishReason, usage);
    const message: ChatMessage =
      toolCalls.length > 0
        ? { role: 'assistant', content, tool_calls: toolCalls }
        : { role: 'assistant', content };
    this.keepMessage(messageId, message, finishReason, usage, true);
    conversation.push(message);
    return { text: content, toolCalls, finishReason };
  }

  /** Adds the step's usage to the run's; counts locally when the provider reported none. */
  private countStep(
    conversation: ChatMessage[],
    content: string,
    toolCalls: ToolCall[],
    reported: { inputTokens: number; outputTokens: number } | undefined,
  ): Usage {
    const inputTokens = reported?.inputTokens ?? countChatTokens(conversation);
    const outputTokens =
      reported?.outputTokens ??
      countTokens(content) +
        toolCalls.reduce((n, call) => n + countTokens(call.name) + countTokens(call.arguments), 0);
    const step: Usage = {
      input_tokens: inputTokens,
      output_tokens: outputTokens,
      total_tokens: inputTokens + outputTokens,
      total_cost: costOf(this.input.model, inputTokens, outputTokens, this.input.prices),
    };
    this.usage = addUsage(this.usage, step);
    return step;
  }

  private keepMessage(
    id: string,
    message: ChatMessage,
    finishReason: FinishReason,
    usage: Usage,
    keep: boolean,
  ): void {
    if (!keep) return;
    this.messages.push({
      id,
      message,
      metadata: { finish_reason: finishReason, usage, model: this.input.model },
      timestamp: new Date().toISOString(),
    });
  }

  /** Never throws (executeTool does not), so parallel calls all end before the loop goes on. */
  private async callTool(call: ToolCall, allowed: string[]): Promise<ChatMessage> {
    const { tools, language, signal, sink, runId, limits, customEvent } = this.input;
    const tool = allowed.includes(call.name) ? tools.get(call.name) : undefined;
    sink.emit({
      event_type: 'tool_call_start',
      data: {
        tool_name: call.name,
        status: 'starting',
        call_id: call.id,
        progress_message: text('tool_starting', language, { tool: call.name }),
        arguments: parseArguments(call.arguments),
      },
    });
    const outcome = await executeTool(
      tool,
      call.name,
      call.arguments,
      {
        signal,
        language,
        runId,
        callId: call.id,
        progress: (message, fraction) =>
          sink.emit({
            event_type: 'tool_call_progress',
            data: {
              tool_name: call.name,
              status: 'running',
              call_id: call.id,
              progress_message: message,
              progress:
                fraction === undefined || !Number.isFinite(fraction)
                  ? null
                  : Math.min(1, Math.max(0, fraction)),
            },
          }),
        emitDocument: (document) =>
          sink.emit({
            event_type: 'design_document_generated',
            data: {
              filename: document.filename,
              content: document.content,
              document_id: document.documentId,
              format: document.format,
            },
          }),
        ...(customEvent
          ? { emitEvent: (type: string, data: unknown) => sink.emit(customEvent(type, data)) }
          : {}),
      },
      { timeoutMs: tool?.timeoutMs ?? limits.toolTimeoutMs },
    );
    const result = outcome.result === undefined ? null : outcome.result;
    sink.emit({
      event_type: 'tool_call_end',
      data: {
        tool_name: call.name,
        status: outcome.status,
        call_id: call.id,
        result,
        execution_time: outcome.executionTime,
        error_message: outcome.error,
      },
    });
    this.toolResults.push({
      tool_name: call.name,
      call_id: call.id,
      status: outcome.status,
      result,
      error_message: outcome.error,
      execution_time: outcome.executionTime,
    });
    const full =
      outcome.status === 'completed' ? JSON.stringify(result) : JSON.stringify({ error: outcome.error });
    const message: ChatMessage = {
      role: 'tool',
      tool_call_id: call.id,
      name: call.name,
      content: truncate(full, limits.toolResultChars),
    };
    this.messages.push({
      id: newId(),
      message: { ...message, content: full },
      metadata: { status: outcome.status, execution_time: outcome.executionTime },
      timestamp: new Date().toISOString(),
    });
    return message;
  }

  private result(status: AgentRunResult['status'], error: SluiceError | null): AgentRunResult {
    return {
      status,
      answer: this.answer,
      messages: this.messages,
      usage: this.usage,
      finishReason: this.finishReason,
      error,
      toolResults: this.toolResults,
      executionTime: (performance.now() - this.started) / 1000,
    };
  }
}

function parseArguments(raw: string): unknown {
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function truncate(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max)}… [truncated ${value.length - max} characters]`;
}
