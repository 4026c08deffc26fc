import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { calculatorRun, logEntries } from '../../test/support/log-entries.ts';
import { SluiceError } from '../protocol/index.ts';
import type { DialectStream } from './dialect.ts';
import {
  ChatTurn,
  CLIENT_TOOLS_UNSUPPORTED,
  chatCompletion,
  chatCompletionBody,
  chatRunInput,
  openAiChatDialect,
  openAiErrorBody,
} from './openai-chat.ts';

const identity = { id: 'chatcmpl-r1', created: 1_790_000_000, model: 'assistant' };

function encodeAll(dialect: DialectStream, end: Parameters<typeof calculatorRun>[0] = 'completed'): string {
  let out = dialect.open?.() ?? '';
  for (const entry of logEntries(calculatorRun(end))) out += dialect.encode(entry) ?? '';
  return out + (dialect.close?.() ?? '');
}

const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({
    id: identity.id,
    object: 'chat.completion.chunk',
    created: identity.created,
    model: identity.model,
    choices,
    ...extra,
  })}\n\n`;
const choice = (delta: Record<string, unknown>, finish: string | null = null) => [
  { index: 0, delta, logprobs: null, finish_reason: finish },
];

describe('openai chat: request', () => {
  test('accepts what OpenAI clients send, ignoring fields Sluice does not use', () => {
    const body = chatCompletionBody.parse({
      model: 'assistant',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
      top_p: 1,
      seed: 3,
      tools: [],
      n: 1,
      max_completion_tokens: 100,
    });
    assert.equal(body.stream, true);
  });

  test('rejects client tools, n > 1 and non-text content with messages that say why', () => {
    const issues = (value: unknown) =>
      chatCompletionBody.safeParse(value).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    const base = { model: 'assistant', messages: [{ role: 'user', content: 'hi' }] };
    assert.deepEqual(issues({ ...base, tools: [{ type: 'function', function: { name: 'f' } }] }), [
      `tools: ${CLIENT_TOOLS_UNSUPPORTED}`,
    ]);
    assert.deepEqual(issues({ ...base, n: 2 }), ['n: only n = 1 is supported']);
    const image = issues({
      ...base,
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }],
    });
    assert.ok(
      image?.some((i) => i.includes('only text content parts')),
      String(image),
    );
    assert.ok(issues({ ...base, messages: [] }));
  });

  test('chatRunInput: last user message is the input; system and developer messages go first', () => {
    const input = chatRunInput([
      { role: 'user', content: 'first' },
      { role: 'system', content: 'be brief' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'calculator', arguments: '{}' } }],
      },
      { role: 'tool', content: '4', tool_call_id: 'c1' },
      { role: 'developer', content: [{ type: 'text', text: 'use metric' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'line one' },
          { type: 'text', text: 'line two' },
        ],
      },
    ]);
    assert.equal(input.message, 'line one\nline two');
    assert.deepEqual(input.history, [
      { role: 'system', content: 'be brief' },
      { role: 'system', content: 'use metric' },
      { role: 'user', content: 'first' },
      { role: 'assistant', content: '', tool_calls: [{ id: 'c1', name: 'calculator', arguments: '{}' }] },
      { role: 'tool', content: '4', tool_call_id: 'c1' },
    ]);
    assert.equal(input.holdsConversation, true);
    const only = chatRunInput([
      { role: 'system', content: 's' },
      { role: 'user', content: 'q' },
    ]);
    assert.equal(only.holdsConversation, false);
  });

  test('chatRunInput: a conversation that does not end with user text is rejected', () => {
    for (const messages of [
      [{ role: 'assistant' as const, content: 'hi' }],
      [{ role: 'user' as const, content: '   ' }],
    ]) {
      assert.throws(
        () => chatRunInput(messages),
        (error: unknown) =>
          error instanceof SluiceError &&
          error.code === 'validation_failed' &&
          openAiErrorBody(error, 'en').error.param === 'messages',
      );
    }
  });
});

describe('openai chat: errors', () => {
  test('keep the table code and message, with OpenAI type and param', () => {
    assert.deepEqual(openAiErrorBody(new SluiceError('agent_not_found', { id: 'x' }), 'en'), {
      error: {
        message: 'Agent "x" does not exist.',
        type: 'invalid_request_error',
        param: 'model',
        code: 'agent_not_found',
      },
    });
    assert.equal(openAiErrorBody(new SluiceError('unauthorized'), 'en').error.type, 'authentication_error');
    assert.equal(
      openAiErrorBody(new SluiceError('rate_limited', { retry_after: 1 }), 'en').error.type,
      'rate_limit_error',
    );
    const upstream = openAiErrorBody(new SluiceError('upstream_error', { reason: 'x' }), 'fr').error;
    assert.equal(upstream.type, 'server_error');
    assert.match(upstream.message, /^Le service/);
  });
});

describe('openai chat: stream', () => {
  test('role first, text deltas with a blank line between messages, finish, usage, [DONE]', () => {
    const out = encodeAll(openAiChatDialect({ ...identity, includeUsage: true, language: 'en' }));
    const usage = { prompt_tokens: 90, completion_tokens: 12, total_tokens: 102 };
    assert.equal(
      out,
      chunk(choice({ role: 'assistant', content: '', refusal: null }), { usage: null }) +
        chunk(choice({ content: 'Let me ' }), { usage: null }) +
        chunk(choice({ content: 'calculate.' }), { usage: null }) +
        chunk(choice({ content: '\n\n17*23 = 391.' }), { usage: null }) +
        chunk(choice({}, 'stop'), { usage: null }) +
        chunk([], { usage }) +
        'data: [DONE]\n\n',
    );
  });

  test('without include_usage, chunks carry no usage field and no usage chunk is sent', () => {
    const out = encodeAll(openAiChatDialect({ ...identity, includeUsage: false, language: 'en' }));
    assert.ok(!out.includes('usage'));
    assert.ok(out.endsWith(chunk(choice({}, 'stop')) + 'data: [DONE]\n\n'));
  });

  test('a failed run ends with an error object instead of finish_reason, then [DONE]', () => {
    const out = encodeAll(openAiChatDialect({ ...identity, includeUsage: true, language: 'en' }), 'failed');
    const error = {
      error: {
        message: 'The language model service failed: boom',
        type: 'server_error',
        param: null,
        code: 'upstream_error',
      },
    };
    assert.ok(out.endsWith(`data: ${JSON.stringify(error)}\n\ndata: [DONE]\n\n`), out);
    assert.ok(!out.includes('finish_reason":"stop'));
  });

  test('a cancelled run ends with a run_cancelled error in the run language', () => {
    const out = encodeAll(
      openAiChatDialect({ ...identity, includeUsage: false, language: 'es' }),
      'cancelled',
    );
    const error = {
      error: {
        message: 'La ejecución fue cancelada.',
        type: 'invalid_request_error',
        param: null,
        code: 'run_cancelled',
      },
    };
    assert.ok(out.endsWith(`data: ${JSON.stringify(error)}\n\ndata: [DONE]\n\n`), out);
  });
});

describe('openai chat: non-stream', () => {
  test('chatCompletion carries the same text, finish reason and usage as the stream', () => {
    const turn = new ChatTurn('en');
    for (const entry of logEntries(calculatorRun())) turn.apply(entry.event);
    assert.deepEqual(chatCompletion(identity, turn), {
      ...identity,
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Let me calculate.\n\n17*23 = 391.',
            refusal: null,
            annotations: [],
          },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 90, completion_tokens: 12, total_tokens: 102 },
    });
    assert.equal(turn.error, undefined);
  });
});
