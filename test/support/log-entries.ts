import type { LogEntry } from '../../src/bus/index.ts';
import { canonicalEventSchema, type EventDraft, type Usage } from '../../src/protocol/index.ts';

export const RUN_ID = '01a20000-0000-7000-8000-000000000001';
export const SESSION_ID = '01a20000-0000-7000-8000-000000000002';

/**
 * Log entries as a run would append them (seq from 1, fixed ids and time), each checked against
 * the canonical schema, for testing dialect encoders without a server.
 */
export function logEntries(drafts: readonly EventDraft[]): LogEntry[] {
  return drafts.map((draft, index) => {
    const event = canonicalEventSchema.parse({
      event_type: draft.event_type,
      seq: index + 1,
      run_id: RUN_ID,
      session_id: SESSION_ID,
      timestamp: '2026-11-21T10:00:00.000Z',
      data: draft.data,
      metadata: draft.metadata ?? {},
    });
    return { seq: index + 1, event, json: JSON.stringify(event) };
  });
}

export const USAGE: Usage = { input_tokens: 90, output_tokens: 12, total_tokens: 102, total_cost: 0 };

/** The events of "what is 17*23?" on the demo model: text, a calculator call, the answer. */
export function calculatorRun(end: 'completed' | 'failed' | 'cancelled' = 'completed'): EventDraft[] {
  const drafts: EventDraft[] = [
    {
      event_type: 'conversation_start',
      data: { user_input: 'what is 17*23?', agent_id: 'assistant', language: 'en', model: 'demo' },
    },
    {
      event_type: 'processing_status',
      data: { status_message: 'Thinking (step 1)…', progress_info: { stage: 'llm_step', step: 1 } },
    },
    { event_type: 'assistant_message_start', data: { message_id: 'm1' } },
    {
      event_type: 'assistant_message_chunk',
      data: { content: 'Let me ', is_complete: false, chunk_index: 0, total_chunks: null, message_id: 'm1' },
    },
    {
      event_type: 'assistant_message_chunk',
      data: {
        content: 'calculate.',
        is_complete: false,
        chunk_index: 1,
        total_chunks: null,
        message_id: 'm1',
      },
    },
    {
      event_type: 'assistant_message_end',
      data: {
        complete_message: 'Let me calculate.',
        message_metadata: {
          tool_calls: [{ id: 'call_1', name: 'calculator', arguments: '{"expression":"17*23"}' }],
          finish_reason: 'tool_calls',
          model: 'demo',
        },
        message_id: 'm1',
      },
    },
    {
      event_type: 'tool_call_start',
      data: {
        tool_name: 'calculator',
        status: 'starting',
        call_id: 'call_1',
        progress_message: 'Calling calculator…',
        arguments: { expression: '17*23' },
      },
    },
    {
      event_type: 'tool_call_progress',
      data: {
        tool_name: 'calculator',
        status: 'running',
        call_id: 'call_1',
        progress_message: 'Evaluating 17*23',
        progress: null,
      },
    },
    {
      event_type: 'tool_call_end',
      data: {
        tool_name: 'calculator',
        status: 'completed',
        call_id: 'call_1',
        result: { expression: '17*23', result: 391 },
        execution_time: 0.001,
        error_message: null,
      },
    },
    {
      event_type: 'processing_status',
      data: { status_message: 'Thinking (step 2)…', progress_info: { stage: 'llm_step', step: 2 } },
    },
  ];
  if (end === 'failed') {
    drafts.push({
      event_type: 'error',
      data: {
        error_message: 'The language model service failed: boom',
        error_details: null,
        code: 'upstream_error',
        retryable: true,
      },
    });
  } else {
    drafts.push(
      { event_type: 'assistant_message_start', data: { message_id: 'm2' } },
      {
        event_type: 'assistant_message_chunk',
        data: {
          content: '17*23 = 391.',
          is_complete: false,
          chunk_index: 0,
          total_chunks: null,
          message_id: 'm2',
        },
      },
      {
        event_type: 'assistant_message_end',
        data: {
          complete_message: '17*23 = 391.',
          message_metadata: { finish_reason: end === 'cancelled' ? 'cancelled' : 'stop', model: 'demo' },
          message_id: 'm2',
        },
      },
    );
  }
  drafts.push({
    event_type: 'conversation_end',
    data: {
      success: end === 'completed',
      execution_time: 0.01,
      new_messages_count: 3,
      status: end,
      usage: USAGE,
    },
  });
  return drafts;
}
