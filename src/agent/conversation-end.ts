import type { EventDraft } from '../protocol/index.ts';
import type { AgentRunResult } from './loop.ts';

/**
 * The closing event of a run, built from the agent's result. Sent by the run layer after it has
 * persisted the messages. `tool_execution_results_updates` carries, per tool name, the latest
 * completed result, which is what a GTPlanner client merges into its `tool_execution_results`.
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
      status,
      usage: result.usage,
    },
  };
}
