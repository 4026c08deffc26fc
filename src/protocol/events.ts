import { z } from 'zod';
import { LANGUAGES } from './languages.ts';

/**
 * The canonical event protocol (DESIGN.md, "The canonical event stream"). GTPlanner's field names
 * come first in each `data`; Sluice's additions follow. These schemas are the single source used
 * by the server, the client SDK and the tests.
 */

export const usageSchema = z.object({
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative(),
  total_cost: z.number().nonnegative(),
});
export type Usage = z.infer<typeof usageSchema>;

export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted'] as const;
export const runStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof runStatusSchema>;
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = [
  'completed',
  'failed',
  'cancelled',
  'interrupted',
];

export const toolCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  arguments: z.string(),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

export const finishReasonSchema = z.enum([
  'stop',
  'length',
  'tool_calls',
  'content_filter',
  'cancelled',
  'error',
]);
export type FinishReason = z.infer<typeof finishReasonSchema>;

const conversationStart = z.object({
  user_input: z.string(),
  agent_id: z.string(),
  language: z.enum(LANGUAGES),
  model: z.string(),
});

const assistantMessageStart = z.object({ message_id: z.string() });

const assistantMessageChunk = z.object({
  content: z.string(),
  is_complete: z.literal(false),
  chunk_index: z.number().int().nonnegative(),
  total_chunks: z.null(),
  message_id: z.string(),
});

const assistantMessageEnd = z.object({
  complete_message: z.string(),
  message_metadata: z.object({
    tool_calls: z.array(toolCallSchema).optional(),
    finish_reason: finishReasonSchema,
    usage: usageSchema.optional(),
    model: z.string(),
  }),
  message_id: z.string(),
});

const toolCallStart = z.object({
  tool_name: z.string(),
  status: z.literal('starting'),
  call_id: z.string(),
  progress_message: z.string(),
  arguments: z.unknown(),
});

const toolCallProgress = z.object({
  tool_name: z.string(),
  status: z.literal('running'),
  call_id: z.string(),
  progress_message: z.string(),
  progress: z.number().min(0).max(1).nullable(),
});

const toolCallEnd = z.object({
  tool_name: z.string(),
  status: z.enum(['completed', 'failed', 'cancelled']),
  call_id: z.string(),
  result: z.unknown(),
  execution_time: z.number().nonnegative(),
  error_message: z.string().nullable(),
});

const processingStatus = z.object({
  status_message: z.string(),
  progress_info: z.looseObject({ stage: z.string() }),
});

const designDocumentGenerated = z.object({
  filename: z.string(),
  content: z.string(),
  document_id: z.string(),
  format: z.string(),
});

const errorEvent = z.object({
  error_message: z.string(),
  error_details: z.record(z.string(), z.unknown()).nullable(),
  code: z.string(),
  retryable: z.boolean(),
});

/**
 * A message the run added to the conversation, in the shape of a GTPlanner `dialogue_history`
 * entry, so a client that holds its own context can append it as is.
 */
export const addedMessageSchema = z.object({
  role: z.enum(['assistant', 'tool']),
  content: z.string(),
  timestamp: z.string(),
  tool_calls: z.array(toolCallSchema).optional(),
  tool_call_id: z.string().optional(),
  /** The tool's name, on `tool` messages. */
  name: z.string().optional(),
});
export type AddedMessage = z.infer<typeof addedMessageSchema>;

const conversationEnd = z.object({
  success: z.boolean(),
  execution_time: z.number().nonnegative(),
  new_messages_count: z.number().int().nonnegative(),
  tool_execution_results_updates: z.record(z.string(), z.unknown()).optional(),
  new_messages: z.array(addedMessageSchema).optional(),
  status: runStatusSchema,
  usage: usageSchema,
});

/** event_type -> schema of its `data`. The order here is the order docs/protocol.md lists them. */
export const eventDataSchemas = {
  conversation_start: conversationStart,
  assistant_message_start: assistantMessageStart,
  assistant_message_chunk: assistantMessageChunk,
  assistant_message_end: assistantMessageEnd,
  tool_call_start: toolCallStart,
  tool_call_progress: toolCallProgress,
  tool_call_end: toolCallEnd,
  processing_status: processingStatus,
  design_document_generated: designDocumentGenerated,
  error: errorEvent,
  conversation_end: conversationEnd,
} as const;

export type EventType = keyof typeof eventDataSchemas;
export const EVENT_TYPES = Object.keys(eventDataSchemas) as EventType[];
export type EventData<T extends EventType> = z.infer<(typeof eventDataSchemas)[T]>;

const envelope = {
  seq: z.number().int().positive(),
  run_id: z.string(),
  session_id: z.string(),
  timestamp: z.string(),
  metadata: z.record(z.string(), z.unknown()),
};

function eventSchema<T extends EventType>(type: T) {
  return z.object({ event_type: z.literal(type), ...envelope, data: eventDataSchemas[type] });
}

export const canonicalEventSchema = z.discriminatedUnion('event_type', [
  eventSchema('conversation_start'),
  eventSchema('assistant_message_start'),
  eventSchema('assistant_message_chunk'),
  eventSchema('assistant_message_end'),
  eventSchema('tool_call_start'),
  eventSchema('tool_call_progress'),
  eventSchema('tool_call_end'),
  eventSchema('processing_status'),
  eventSchema('design_document_generated'),
  eventSchema('error'),
  eventSchema('conversation_end'),
]);
export type CanonicalEvent = z.infer<typeof canonicalEventSchema>;
export type CanonicalEventOf<T extends EventType> = Extract<CanonicalEvent, { event_type: T }>;

/**
 * What the agent emits: an event before the run layer stamps it with seq, ids and time.
 * A discriminated union so `data` is checked against its `event_type` at compile time.
 */
export type EventDraft = {
  [T in EventType]: { event_type: T; data: EventData<T>; metadata?: Record<string, unknown> };
}[EventType];
