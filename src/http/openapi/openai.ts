import { z } from 'zod';
import { chatCompletionBody } from '../../dialects/index.ts';
import type { ApiArea } from './operation.ts';

/** OpenAI's error shape, which OpenAI clients parse; `code` is the error table's code. */
const openAiError = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string(),
  }),
});

const model = z.object({
  id: z.string().describe('An agent id.'),
  object: z.literal('model'),
  created: z.number().int(),
  owned_by: z.string(),
});

const usage = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
});

const chatCompletion = z.object({
  id: z.string().describe('`chatcmpl-` + the run id.'),
  object: z.literal('chat.completion'),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({
        role: z.literal('assistant'),
        content: z.string().nullable(),
        refusal: z.null(),
        annotations: z.array(z.unknown()),
      }),
      logprobs: z.null(),
      finish_reason: z.string(),
    }),
  ),
  usage,
});

const chatCompletionChunk = z.object({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      delta: z.object({
        role: z.literal('assistant').optional(),
        content: z.string().optional(),
        refusal: z.null().optional(),
      }),
      logprobs: z.null(),
      finish_reason: z.string().nullable(),
    }),
  ),
  /** Only on the last chunk, with `stream_options.include_usage`. */
  usage: usage.nullable(),
});

const ids = {
  'x-sluice-run-id': 'The run that answered.',
  'x-sluice-session-id': 'The session it ran in: pass it as `metadata.session_id` to continue.',
};

const message = { role: 'user', content: 'what is 2+2?' };

/** routes/openai.ts */
export const openAiArea: ApiArea = {
  tag: 'OpenAI',
  description:
    "OpenAI Chat Completions with agents as models: the official `openai` clients work unchanged. Errors are in OpenAI's shape. See docs/dialects.md.",
  schemas: {
    ChatCompletionRequest: chatCompletionBody,
    ChatCompletion: chatCompletion,
    ChatCompletionChunk: chatCompletionChunk,
    OpenAiModel: model,
    OpenAiError: openAiError,
  },
  operations: [
    {
      method: 'GET',
      path: '/v1/models',
      operationId: 'openAiListModels',
      summary: 'The agents, as models',
      responses: {
        200: {
          description: 'The model list.',
          json: z.object({ object: z.literal('list'), data: z.array(model) }),
        },
      },
      errors: [],
      errorBody: openAiError,
    },
    {
      method: 'GET',
      path: '/v1/models/:model',
      operationId: 'openAiGetModel',
      summary: 'One agent, as a model',
      responses: { 200: { description: 'The model.', json: model } },
      errors: ['agent_not_found'],
      errorBody: openAiError,
    },
    {
      method: 'POST',
      path: '/v1/chat/completions',
      operationId: 'openAiChatCompletion',
      summary: 'Chat completion: `model` is the agent id',
      description:
        'The agent runs its tools on the server; the client sees the text. `stream: true` answers `chat.completion.chunk` frames (a usage chunk with `stream_options.include_usage`), then `data: [DONE]`; a failed run ends with `data: {"error": ...}` before `[DONE]`. `metadata.session_id` (or `user` holding a session id) continues a stored session.',
      body: chatCompletionBody,
      examples: [
        { body: { model: 'assistant', messages: [message] } },
        {
          body: {
            model: 'assistant',
            messages: [message],
            stream: true,
            stream_options: { include_usage: true },
          },
        },
      ],
      responses: {
        200: {
          description: 'A `chat.completion`, or with `stream: true` its chunks.',
          json: chatCompletion,
          events: z.union([chatCompletionChunk, openAiError]),
          headers: ids,
        },
      },
      errors: ['agent_not_found', 'session_not_found', 'session_agent_mismatch', 'unsupported_language'],
      errorBody: openAiError,
    },
  ],
};
