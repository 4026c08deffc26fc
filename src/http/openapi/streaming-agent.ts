import { z } from 'zod';
import { streamingChatBody } from '../../dialects/index.ts';
import { usageSchema } from '../../protocol/index.ts';
import type { ApiArea } from './operation.ts';

const frame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), message: z.string() }),
  z.object({ type: z.literal('content'), chunk: z.string() }),
  z.object({ type: z.literal('complete'), full_content: z.string(), usage: usageSchema }),
  z.object({ type: z.literal('error'), error: z.string() }),
]);

const chatAnswer = z.object({
  response: z.string(),
  usage: usageSchema,
  run_id: z.uuid(),
  session_id: z.uuid(),
});

const counters = {
  requests: z.number().int(),
  streams: z.number().int(),
  completed: z.number().int(),
  errors: z.number().int(),
  cancelled: z.number().int(),
  sessions: z.number().int(),
  messages: z.number().int(),
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  total_tokens: z.number().int(),
  total_cost: z.number(),
};

const stats = z.object({
  since: z.iso.datetime({ offset: true }),
  ...counters,
  agents: z.record(z.string(), z.object(counters)),
});

const example = { body: { message: 'what is 2+2?' } };

/** routes/streaming-agent.ts */
export const streamingAgentArea: ApiArea = {
  tag: 'Streaming agent',
  description:
    'The streaming agent example: `data:`-only frames start / content / complete / error, a JSON variant, and usage statistics per tenant. No memory: each request is a session of its own. See docs/dialects.md.',
  schemas: { StreamingChatRequest: streamingChatBody, StreamingAgentFrame: frame, Stats: stats },
  operations: [
    {
      method: 'POST',
      path: '/chat/stream',
      operationId: 'streamingChat',
      summary: 'Stream an answer',
      description: 'A client that leaves stops its run.',
      body: streamingChatBody,
      examples: [example],
      responses: { 200: { description: 'start, content..., then complete or error.', events: frame } },
      errors: ['unsupported_language'],
    },
    {
      method: 'POST',
      path: '/chat',
      operationId: 'chat',
      summary: 'An answer as JSON',
      body: streamingChatBody,
      examples: [example],
      responses: { 200: { description: 'The whole answer and its usage.', json: chatAnswer } },
      errors: ['unsupported_language', 'upstream_error', 'upstream_timeout', 'run_cancelled'],
    },
    {
      method: 'GET',
      path: '/stats',
      operationId: 'stats',
      summary: "The tenant's request, token and cost counters, per agent",
      responses: { 200: { description: 'The counters since start or the last reset.', json: stats } },
      errors: [],
    },
    {
      method: 'POST',
      path: '/reset-stats',
      operationId: 'resetStats',
      summary: "Reset the tenant's counters",
      responses: {
        200: { description: 'The fresh counters.', json: z.object({ reset: z.literal(true), stats }) },
      },
      errors: [],
    },
  ],
};
