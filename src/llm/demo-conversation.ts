import type { ToolCall } from '../protocol/index.ts';
import type { DemoToolResult } from './demo-rules.ts';
import type { ChatMessage } from './provider.ts';

/**
 * The tool results the model has not answered yet: the `tool` messages at the end of the
 * conversation, matched to the calls of the assistant message before them. Empty when the last
 * message is not a tool result.
 */
export function pendingToolResults(messages: readonly ChatMessage[]): DemoToolResult[] {
  let first = messages.length;
  while (first > 0 && messages[first - 1]!.role === 'tool') first -= 1;
  const calls = new Map<string, ToolCall>();
  const before = messages[first - 1];
  if (before?.role === 'assistant') for (const call of before.tool_calls ?? []) calls.set(call.id, call);
  return messages.slice(first).map((message) => {
    const toolMessage = message as Extract<ChatMessage, { role: 'tool' }>;
    const call = calls.get(toolMessage.tool_call_id);
    return readResult(
      call?.name ?? toolMessage.name ?? 'tool',
      parseArguments(call?.arguments),
      toolMessage.content,
    );
  });
}

/** The text of the latest user message, or '' when there is none. */
export function lastUserText(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i]!;
    if (message.role === 'user') return message.content;
  }
  return '';
}

/** How many tool calls the conversation already holds, so new call ids never repeat within a run. */
export function countToolCalls(messages: readonly ChatMessage[]): number {
  return messages.reduce((n, m) => n + (m.role === 'assistant' ? (m.tool_calls?.length ?? 0) : 0), 0);
}

function parseArguments(raw: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/**
 * The agent sends a result as its JSON and a failure as `{"error": "..."}`. Also understood: an
 * outcome-shaped `{status, result, error}` object, and plain text starting with "Error".
 */
function readResult(name: string, args: Record<string, unknown>, content: string): DemoToolResult {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    const failed = /^\s*(?:error|failed|exception)\b/i.test(content);
    return { name, arguments: args, ok: !failed, value: content, error: failed ? content : '' };
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    if (typeof record.error === 'string' && record.error !== '') {
      return { name, arguments: args, ok: false, value: null, error: record.error };
    }
    if (typeof record.status === 'string' && 'result' in record) {
      const ok = record.status === 'completed';
      return { name, arguments: args, ok, value: record.result, error: ok ? '' : record.status };
    }
  }
  return { name, arguments: args, ok: true, value, error: '' };
}
