import type { EventDraft } from '../../src/protocol/index.ts';

/** Fixtures for the chat dialects' unit tests; encode them with `logEntries` (log-entries.ts). */

export const usage = (input: number, output: number, cost = 0) => ({
  input_tokens: input,
  output_tokens: output,
  total_tokens: input + output,
  total_cost: cost,
});

/** A completed run answering `parts` in one message. */
export function answerRun(parts: string[], language: 'zh' | 'en' | 'ja' | 'es' | 'fr' = 'en'): EventDraft[] {
  const messageId = '0193a3c2-7b1e-7c4a-9f00-5d2e8b6a1c03';
  return [
    {
      event_type: 'conversation_start',
      data: { user_input: 'hi', agent_id: 'assistant', language, model: 'demo' },
    },
    {
      event_type: 'processing_status',
      data: { status_message: '…', progress_info: { stage: 'llm_step', step: 1 } },
    },
    { event_type: 'assistant_message_start', data: { message_id: messageId } },
    ...parts.map(
      (content, index): EventDraft => ({
        event_type: 'assistant_message_chunk',
        data: { content, is_complete: false, chunk_index: index, total_chunks: null, message_id: messageId },
      }),
    ),
    {
      event_type: 'assistant_message_end',
      data: {
        complete_message: parts.join(''),
        message_metadata: { finish_reason: 'stop', usage: usage(45, 120), model: 'demo' },
        message_id: messageId,
      },
    },
    {
      event_type: 'conversation_end',
      data: {
        success: true,
        execution_time: 0.5,
        new_messages_count: 1,
        status: 'completed',
        usage: usage(45, 120, 0.00033),
      },
    },
  ];
}
