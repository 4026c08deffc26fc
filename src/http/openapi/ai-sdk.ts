import { z } from 'zod';
import { aiSdkChatBody } from '../../dialects/index.ts';
import type { ApiArea } from './operation.ts';

/**
 * One UI message stream chunk. The types (start, start-step, text-start/delta/end,
 * tool-input-start, tool-input-available, tool-output-available, tool-output-error, data-status,
 * data-document, finish-step, finish, error) are the `ai` package's; its reader validates them.
 */
const uiMessageChunk = z.looseObject({ type: z.string() });

const stream = {
  description: 'The UI message stream, then `data: [DONE]`.',
  events: uiMessageChunk,
  headers: {
    'x-vercel-ai-ui-message-stream': '`v1`',
    'x-sluice-run-id': 'The run behind the answer.',
    'x-sluice-session-id': 'The session behind the chat.',
  },
};

/** routes/ai-sdk.ts */
export const aiSdkArea: ApiArea = {
  tag: 'Vercel AI SDK',
  description:
    'The AI SDK UI message stream protocol v1, for `useChat` with `DefaultChatTransport`. A chat id maps to a stored session. See docs/dialects.md.',
  schemas: { AiSdkChatRequest: aiSdkChatBody, UiMessageChunk: uiMessageChunk },
  operations: [
    {
      method: 'POST',
      path: '/api/ai-sdk/chat',
      operationId: 'aiSdkChat',
      summary: 'Send the chat: stream the answer',
      description:
        'Takes what `DefaultChatTransport` sends (`{id, messages, trigger, messageId}`); `agent_id`, `language` and `on_disconnect` may come through its `body` option. A new message while a turn runs replaces that turn.',
      body: aiSdkChatBody,
      examples: [
        {
          body: {
            id: 'openapi-chat',
            trigger: 'submit-message',
            messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'what is 2+2?' }] }],
          },
        },
      ],
      responses: { 200: stream },
      errors: ['agent_not_found', 'unsupported_language'],
    },
    {
      method: 'GET',
      path: '/api/ai-sdk/chat/:id/stream',
      operationId: 'aiSdkResumeChat',
      summary: "Resume the chat's running answer",
      description: "`useChat`'s `resume`: the active run's stream from its start.",
      responses: {
        200: stream,
        204: { description: 'Nothing is running in this chat.' },
      },
      errors: [],
    },
  ],
};
