import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { answerRun, usage } from '../../test/support/answer-run.ts';
import { logEntries as entries } from '../../test/support/log-entries.ts';
import type { EventDraft } from '../protocol/index.ts';
import { streamingAgentDialect, streamingChatBody } from './streaming-agent.ts';

function encodeAll(drafts: EventDraft[]): string {
  const dialect = streamingAgentDialect();
  assert.equal(dialect.open, undefined, 'no prologue: the first frame is start');
  return entries(drafts)
    .map((entry) => dialect.encode(entry) ?? '')
    .join('');
}

const start = {
  event_type: 'conversation_start',
  data: { user_input: 'x', agent_id: 'assistant', language: 'zh', model: 'demo' },
} as const;

describe('streaming agent dialect', () => {
  test("the document's example: start, one content frame per chunk, complete with usage", () => {
    const out = encodeAll(answerRun(['春', '风', '拂'], 'zh'));
    assert.equal(
      out,
      'data: {"type":"start","message":"开始生成响应..."}\n\n' +
        'data: {"type":"content","chunk":"春"}\n\n' +
        'data: {"type":"content","chunk":"风"}\n\n' +
        'data: {"type":"content","chunk":"拂"}\n\n' +
        'data: {"type":"complete","full_content":"春风拂","usage":{"input_tokens":45,"output_tokens":120,"total_tokens":165,"total_cost":0.00033}}\n\n',
    );
  });

  test("the start message is in the run's language", () => {
    const first = encodeAll(answerRun(['Hi'], 'en')).split('\n\n')[0];
    assert.equal(first, 'data: {"type":"start","message":"Starting to generate the response..."}');
    const fr = encodeAll(answerRun(['Salut'], 'fr')).split('\n\n')[0];
    assert.equal(fr, 'data: {"type":"start","message":"Début de la génération de la réponse..."}');
  });

  test('a failed run sends one error frame and no complete', () => {
    const out = encodeAll([
      start,
      { event_type: 'assistant_message_start', data: { message_id: 'm1' } },
      {
        event_type: 'assistant_message_chunk',
        data: { content: '春', is_complete: false, chunk_index: 0, total_chunks: null, message_id: 'm1' },
      },
      {
        event_type: 'error',
        data: {
          error_message: '语言模型服务出错：boom',
          error_details: null,
          code: 'upstream_error',
          retryable: true,
        },
      },
      {
        event_type: 'conversation_end',
        data: {
          success: false,
          execution_time: 1,
          new_messages_count: 1,
          status: 'failed',
          usage: usage(1, 1),
        },
      },
    ]);
    assert.equal(
      out,
      'data: {"type":"start","message":"开始生成响应..."}\n\n' +
        'data: {"type":"content","chunk":"春"}\n\n' +
        'data: {"type":"error","error":"语言模型服务出错：boom"}\n\n',
    );
  });

  test("a cancelled run (no error event) ends with an error frame in the run's language", () => {
    const out = encodeAll([
      start,
      {
        event_type: 'conversation_end',
        data: {
          success: false,
          execution_time: 1,
          new_messages_count: 0,
          status: 'cancelled',
          usage: usage(0, 0),
        },
      },
    ]);
    assert.equal(
      out,
      'data: {"type":"start","message":"开始生成响应..."}\n\ndata: {"type":"error","error":"运行已取消。"}\n\n',
    );
  });

  test('texts of two model steps are separated by a blank line, and full_content is the chunks joined', () => {
    const msg = (id: string, content: string): EventDraft[] => [
      { event_type: 'assistant_message_start', data: { message_id: id } },
      {
        event_type: 'assistant_message_chunk',
        data: { content, is_complete: false, chunk_index: 0, total_chunks: null, message_id: id },
      },
    ];
    const out = encodeAll([
      { ...start, data: { ...start.data, language: 'en' } },
      ...msg('m1', 'Let me check.'),
      {
        event_type: 'tool_call_start',
        data: {
          tool_name: 'current_time',
          status: 'starting',
          call_id: 'c1',
          progress_message: '…',
          arguments: {},
        },
      },
      ...msg('m2', 'It is noon.'),
      {
        event_type: 'conversation_end',
        data: {
          success: true,
          execution_time: 1,
          new_messages_count: 3,
          status: 'completed',
          usage: usage(2, 3),
        },
      },
    ]);
    const frames = out
      .trim()
      .split('\n\n')
      .map((frame) => JSON.parse(frame.slice('data: '.length)));
    assert.deepEqual(
      frames.filter((f) => f.type === 'content').map((f) => f.chunk),
      ['Let me check.', '\n\n', 'It is noon.'],
    );
    assert.equal(frames.at(-1).full_content, 'Let me check.\n\nIt is noon.');
  });

  test('every frame is data-only: no event: or id: lines', () => {
    const out = encodeAll(answerRun(['a', 'b']));
    for (const line of out.split('\n')) assert.ok(line === '' || line.startsWith('data: '), line);
  });
});

describe('streamingChatBody', () => {
  test("takes the document's request, with or without system_prompt", () => {
    assert.deepEqual(
      streamingChatBody.parse({ message: '写一首关于春天的诗', system_prompt: '你是一个诗人' }),
      {
        message: '写一首关于春天的诗',
        system_prompt: '你是一个诗人',
      },
    );
    assert.deepEqual(streamingChatBody.parse({ message: 'hi', system_prompt: null }), {
      message: 'hi',
      system_prompt: null,
    });
  });

  test('ignores unknown fields and refuses a missing or empty message', () => {
    assert.deepEqual(streamingChatBody.parse({ message: 'hi', stream: true }), { message: 'hi' });
    assert.equal(streamingChatBody.safeParse({}).success, false);
    assert.equal(streamingChatBody.safeParse({ message: '' }).success, false);
    assert.equal(streamingChatBody.safeParse({ message: 3 }).success, false);
  });
});
