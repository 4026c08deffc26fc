import type { CanonicalEvent, Message, Usage } from '../../src/client/index.ts';

/**
 * The conversation as the console draws it: one turn per user message, holding the answer's
 * parts in the order they happened. Built either from a run's events (live, or replayed from
 * the start after a reload) or from a session's stored messages; both give the same text.
 */
export interface ToolCard {
  kind: 'tool';
  callId: string;
  name: string;
  arguments: unknown;
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  progress: string;
  result: unknown;
  error: string | null;
  seconds: number | null;
}

export interface TextPart {
  kind: 'text';
  messageId: string;
  text: string;
  done: boolean;
}

export interface DocumentRef {
  kind: 'document';
  documentId: string;
  filename: string;
}

export type TurnPart = TextPart | ToolCard | DocumentRef;

export interface Turn {
  key: string;
  runId: string | null;
  user: string;
  parts: TurnPart[];
  status: 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted' | 'queued';
  statusMessage: string;
  error: string | null;
  usage: Usage | null;
}

export interface DesignDocument {
  documentId: string;
  filename: string;
  content: string;
}

/** Applies one event to the turn of its run (created by conversation_start). Returns a new turn. */
export function applyEvent(turn: Turn, event: CanonicalEvent): Turn {
  const next: Turn = { ...turn, parts: [...turn.parts] };
  switch (event.event_type) {
    case 'conversation_start':
      next.user = event.data.user_input;
      break;
    case 'assistant_message_start':
      next.parts.push({ kind: 'text', messageId: event.data.message_id, text: '', done: false });
      break;
    case 'assistant_message_chunk':
      updateText(next, event.data.message_id, (part) => ({ ...part, text: part.text + event.data.content }));
      break;
    case 'assistant_message_end':
      // The complete message is authoritative: the turn ends equal to what the server stored.
      updateText(next, event.data.message_id, (part) => ({
        ...part,
        text: event.data.complete_message,
        done: true,
      }));
      break;
    case 'tool_call_start':
      next.parts.push({
        kind: 'tool',
        callId: event.data.call_id,
        name: event.data.tool_name,
        arguments: event.data.arguments,
        status: 'running',
        progress: event.data.progress_message,
        result: undefined,
        error: null,
        seconds: null,
      });
      break;
    case 'tool_call_progress':
      updateTool(next, event.data.call_id, (card) => ({ ...card, progress: event.data.progress_message }));
      break;
    case 'tool_call_end':
      updateTool(next, event.data.call_id, (card) => ({
        ...card,
        status: event.data.status,
        result: event.data.result,
        error: event.data.error_message,
        seconds: event.data.execution_time,
      }));
      break;
    case 'processing_status':
      next.statusMessage = event.data.status_message;
      break;
    case 'design_document_generated':
      next.parts.push({
        kind: 'document',
        documentId: event.data.document_id,
        filename: event.data.filename,
      });
      break;
    case 'error':
      next.error = event.data.error_message;
      break;
    case 'conversation_end':
      next.status = event.data.status;
      next.usage = event.data.usage;
      next.statusMessage = '';
      break;
  }
  return next;
}

export function newTurn(runId: string | null, user: string): Turn {
  return {
    key: runId ?? `pending-${Math.random()}`,
    runId,
    user,
    parts: [],
    status: 'running',
    statusMessage: '',
    error: null,
    usage: null,
  };
}

function updateText(turn: Turn, messageId: string, change: (part: TextPart) => TextPart): void {
  let index = turn.parts.findIndex((part) => part.kind === 'text' && part.messageId === messageId);
  if (index < 0) {
    turn.parts.push({ kind: 'text', messageId, text: '', done: false });
    index = turn.parts.length - 1;
  }
  turn.parts[index] = change(turn.parts[index] as TextPart);
}

function updateTool(turn: Turn, callId: string, change: (card: ToolCard) => ToolCard): void {
  const index = turn.parts.findIndex((part) => part.kind === 'tool' && part.callId === callId);
  if (index >= 0) turn.parts[index] = change(turn.parts[index] as ToolCard);
}

/** Turns of a session's stored messages, leaving out those of `skipRunId` (replayed from events). */
export function turnsFromMessages(messages: Message[], skipRunId: string | null): Turn[] {
  const turns: Turn[] = [];
  for (const message of messages) {
    if (skipRunId !== null && message.run_id === skipRunId) continue;
    if (message.role === 'user') {
      turns.push({ ...newTurn(message.run_id, message.content), key: message.id, status: 'completed' });
      continue;
    }
    const turn = turns.at(-1);
    if (!turn) continue;
    if (message.role === 'assistant') {
      if (message.content !== '') {
        turn.parts.push({ kind: 'text', messageId: message.id, text: message.content, done: true });
      }
      for (const call of message.tool_calls ?? []) {
        turn.parts.push({
          kind: 'tool',
          callId: call.id,
          name: call.name,
          arguments: parseJson(call.arguments),
          status: 'completed',
          progress: '',
          result: undefined,
          error: null,
          seconds: null,
        });
      }
    } else if (message.role === 'tool') {
      const card = turn.parts.find(
        (part): part is ToolCard => part.kind === 'tool' && part.callId === message.tool_call_id,
      );
      if (card) card.result = parseJson(message.content);
    }
  }
  return turns;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
