import type { ChatMessage } from '../llm/index.ts';
import { toChatHistory } from '../runs/index.ts';
import type { MessageRecord } from '../store/index.ts';
import { type UiMessageInput, uiMessagesToHistory } from './ai-sdk.ts';

/** Session metadata key listing the runs whose turns a client regenerated or edited away. */
export const SUPERSEDED_KEY = 'ai_sdk_superseded_runs';

export interface ChatHistoryPlan {
  /** The run's context when it differs from the stored conversation; undefined = the stored one. */
  history?: ChatMessage[];
  /** Runs whose turns the client no longer has; to be added to the session's superseded list. */
  supersede: string[];
}

/**
 * Decides the context of an AI SDK chat turn. The stored session is the conversation; the
 * client's messages say how many turns come before this one (the user messages before the last).
 * - Stored turns = that count: the stored conversation, as is.
 * - More stored turns: the client dropped the later ones (`regenerate-message`, or an edited
 *   earlier message): they are superseded, left out now and in every later turn.
 * - Fewer stored turns: the server does not know part of this chat (started elsewhere, or a turn
 *   that never reached a run): the client's own messages, text parts only, are the context.
 * A turn is the messages of one run; superseded runs stay stored but are never context again.
 */
export function planChatHistory(input: {
  stored: readonly MessageRecord[];
  superseded: readonly string[];
  clientMessages: readonly UiMessageInput[];
}): ChatHistoryPlan {
  const earlier = input.clientMessages.slice(0, -1);
  const clientTurns = earlier.filter((m) => m.role === 'user').length;
  const skip = new Set(input.superseded);
  const turns = groupTurns(input.stored.filter((m) => m.run_id === null || !skip.has(m.run_id)));
  if (turns.length < clientTurns) return { history: uiMessagesToHistory(earlier), supersede: [] };
  const kept = turns.slice(0, clientTurns);
  const supersede = turns
    .slice(clientTurns)
    .map((turn) => turn.runId)
    .filter((id): id is string => id !== null);
  if (supersede.length === 0 && skip.size === 0) return { supersede };
  return { history: toChatHistory(kept.flatMap((turn) => turn.messages)), supersede };
}

interface Turn {
  runId: string | null;
  messages: MessageRecord[];
}

/** Consecutive messages of one run form a turn; messages without a run join the turn before. */
function groupTurns(messages: readonly MessageRecord[]): Turn[] {
  const turns: Turn[] = [];
  for (const message of messages) {
    const current = turns.at(-1);
    if (current && (message.run_id === null || message.run_id === current.runId)) {
      current.messages.push(message);
    } else {
      turns.push({ runId: message.run_id, messages: [message] });
    }
  }
  return turns;
}

/** The session's superseded run ids, tolerating metadata that was edited by hand. */
export function supersededRuns(metadata: Record<string, unknown>): string[] {
  const value = metadata[SUPERSEDED_KEY];
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
}
