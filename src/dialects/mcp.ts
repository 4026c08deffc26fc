import type { LogEntry } from '../bus/index.ts';
import { type CanonicalEvent, type Language, text, type Usage } from '../protocol/index.ts';

/**
 * The MCP dialect (`/mcp`): a run followed by an MCP tool call. While it runs, the tool-call and
 * status messages go out as `notifications/progress` (progress = the event's seq, so it only
 * grows; no total: a run does not know its length); at the end the answer is the tool result.
 */

/** The line an MCP client shows for one event, in the run's language; undefined for the rest. */
export function mcpProgressMessage(event: CanonicalEvent, language: Language): string | undefined {
  switch (event.event_type) {
    case 'processing_status':
      return event.data.status_message;
    case 'tool_call_start':
    case 'tool_call_progress':
      return event.data.progress_message;
    case 'tool_call_end': {
      const tool = event.data.tool_name;
      if (event.data.status === 'completed') return text('tool_completed', language, { tool });
      if (event.data.error_message) return event.data.error_message;
      return event.data.status === 'cancelled'
        ? text('tool_cancelled', language, { tool })
        : text('tool_failed', language, { tool, reason: event.data.status });
    }
    case 'error':
      return event.data.error_message;
    default:
      return undefined;
  }
}

/** Params of the `notifications/progress` for one log entry, or undefined when it says nothing. */
export function mcpProgress(
  entry: LogEntry,
  language: Language,
  progressToken: string | number,
): { progressToken: string | number; progress: number; message: string } | undefined {
  const message = mcpProgressMessage(entry.event, language);
  return message === undefined ? undefined : { progressToken, progress: entry.seq, message };
}

/** What an agent tool call returns as `structuredContent` (a type, so it fits a JSON record). */
export type McpRunOutput = {
  run_id: string;
  session_id: string;
  status: string;
  answer: string;
  usage: Usage;
};

export interface McpToolResult {
  [key: string]: unknown;
  content: { type: 'text'; text: string }[];
  structuredContent: McpRunOutput;
  isError?: boolean;
}

/**
 * Collects what the tool result needs from a run's log: the last model step's text (the answer),
 * the first error, and the end. `push` returns the result once conversation_end came; a run
 * that did not complete is an error result whose text is the error (the partial answer stays in
 * `structuredContent.answer`).
 */
export class McpRunResult {
  private answer = '';
  private error: string | undefined;

  constructor(
    private readonly runId: string,
    private readonly sessionId: string,
  ) {}

  push(event: CanonicalEvent): McpToolResult | undefined {
    switch (event.event_type) {
      case 'processing_status':
        // Each model step starts over: the answer is the last step's text.
        if (event.data.progress_info.stage === 'llm_step') this.answer = '';
        return undefined;
      case 'assistant_message_end':
        this.answer = event.data.complete_message;
        return undefined;
      case 'error':
        this.error ??= event.data.error_message;
        return undefined;
      case 'conversation_end': {
        const { status, usage } = event.data;
        const output: McpRunOutput = {
          run_id: this.runId,
          session_id: this.sessionId,
          status,
          answer: this.answer,
          usage,
        };
        const failed = status !== 'completed';
        const shown = failed && this.error ? this.error : this.answer;
        return {
          content: [{ type: 'text', text: shown }],
          structuredContent: output,
          ...(failed ? { isError: true } : {}),
        };
      }
      default:
        return undefined;
    }
  }
}
