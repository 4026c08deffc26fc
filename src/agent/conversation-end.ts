import type { AddedMessage, EventDraft } from '../protocol/index.ts';
import type { AgentMessage, AgentRunResult } from './loop.ts';

/**
 * The closing event of a run, built from the agent's result. Sent by the run layer after it has
 * persisted the messages. `tool_execution_results_updates` carries, per tool name, the latest
 * completed result, which is what a GTPlanner client merges into its `tool_execution_results`;
 * `new_messages` are the messages to append to its `dialogue_history`.
 */
export function conversationEnd(
  result: AgentRunResult,
  status: AgentRunResult['status'] | 'interrupted' = result.status,
): EventDraft {
  const updates: Record<string, unknown> = {};
  for (const record of result.toolResults) {
    if (record.status === 'completed') updates[record.tool_name] = record.result;
  }
  return {
    event_type: 'conversation_end',
    data: {
      success: status === 'completed',
      execution_time: result.executionTime,
      new_messages_count: result.messages.length,
      ...(Object.keys(updates).length > 0 ? { tool_execution_results_updates: updates } : {}),
      new_messages: result.messages.map(addedMessage),
      status,
      usage: result.usage,
    },
  };
}

/** A kept message as a client-held context stores it; tool messages keep their full result. */
function addedMessage({ message, timestamp }: AgentMessage): AddedMessage {
  if (message.role === 'tool') {
    return {
      role: 'tool',
      content: message.content,
      timestamp,
      tool_call_id: message.tool_call_id,
      ...(message.name ? { name: message.name } : {}),
    };
  }
  // The agent keeps only assistant and tool messages; anything else would be a bug upstream.
  return {
    role: 'assistant',
    content: message.content,
    timestamp,
    ...(message.role === 'assistant' && message.tool_calls ? { tool_calls: message.tool_calls } : {}),
  };
}
