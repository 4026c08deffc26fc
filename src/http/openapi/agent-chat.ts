import { z } from 'zod';
import { agentChatBody, agentChatQuery } from '../../dialects/index.ts';
import type { ApiArea } from './operation.ts';

const metadata = z.object({ model: z.string(), tokens_used: z.number().int(), finish_reason: z.string() });

/** `AgentChatStreamChunk`: every field present, null when it has no value. */
const chunk = z.object({
  type: z.enum(['content', 'done', 'error']),
  content: z.string().nullable(),
  session_id: z.string().nullable(),
  message_id: z.string().nullable(),
  reply_id: z.string().nullable(),
  metadata: metadata.nullable(),
  finish_reason: z.string().nullable(),
  error: z.string().nullable(),
});

const answer = z.object({
  content: z.string(),
  session_id: z.string().nullable(),
  message_id: z.string().nullable(),
  reply_id: z.string().nullable(),
  metadata: metadata.nullable(),
  finish_reason: z.string().nullable(),
});

const errors = [
  'agent_not_found',
  'session_not_found',
  'session_agent_mismatch',
  'session_busy',
  'unsupported_language',
] as const;
const example = { body: { message: 'what is 2+2?' } };
const stream = { description: 'content chunks, then one done or error chunk.', events: chunk };

/** routes/agent-chat.ts */
export const agentChatArea: ApiArea = {
  tag: 'Agent chat',
  description:
    "The agent chat service: `data:`-only chunks with every field present, stored sessions (a new one starts with the agent's greeting). See docs/dialects.md.",
  schemas: { AgentChatRequest: agentChatBody, AgentChatChunk: chunk, AgentChatResponse: answer },
  operations: [
    {
      method: 'POST',
      path: '/api/agents/:agent_id/chat/stream',
      operationId: 'agentChatStream',
      summary: "Stream an agent's answer",
      description: 'Without `session_id` a new session is created; with one, it continues.',
      body: agentChatBody,
      examples: [example],
      responses: { 200: stream },
      errors: [...errors],
    },
    {
      method: 'GET',
      path: '/api/agents/:agent_id/chat/stream',
      operationId: 'agentChatEventSource',
      summary: 'The same, for EventSource',
      description:
        'EventSource sends neither a body nor headers: the key comes as `access_token` (or `token`).',
      query: agentChatQuery,
      examples: [{ query: { message: 'what is 2+2?' } }],
      responses: { 200: stream },
      errors: [...errors],
    },
    {
      method: 'POST',
      path: '/api/agents/:agent_id/chat',
      operationId: 'agentChat',
      summary: "An agent's answer as JSON",
      description: '`stream: true` answers the chunk stream instead.',
      body: agentChatBody,
      examples: [example],
      responses: { 200: { description: 'The whole answer.', json: answer, events: chunk } },
      errors: [...errors, 'upstream_error', 'upstream_timeout', 'run_cancelled'],
    },
  ],
};
