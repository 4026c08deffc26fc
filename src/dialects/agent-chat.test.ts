import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { answerRun, usage } from '../../test/support/answer-run.ts';
import { logEntries as entries } from '../../test/support/log-entries.ts';
import type { EventDraft } from '../protocol/index.ts';
import { agentChatBody, agentChatDialect, agentChatQuery, FINISH_REASON_NAMES } from './agent-chat.ts';

const SESSION = '0193a3c2-7b1e-7c4a-9f00-5d2e8b6a1caa';
const USER_MESSAGE = '0193a3c2-7b1e-7c4a-9f00-5d2e8b6a1cbb';
const REPLY = '0193a3c2-7b1e-7c4a-9f00-5d2e8b6a1c03';

function encodeAll(drafts: EventDraft[]): string {
  const dialect = agentChatDialect({ session_id: SESSION, message_id: USER_MESSAGE });
  return entries(drafts)
    .map((entry) => dialect.encode(entry) ?? '')
    .join('');
}

/** The document's field order, every field present. */
const FIELDS = [
  'type',
  'content',
  'session_id',
  'message_id',
  'reply_id',
  'metadata',
  'finish_reason',
  'error',
];

describe('agent chat dialect', () => {
  test('content chunks then one done chunk, exactly as the document shows them', () => {
    const out = encodeAll(answerRun(['你好', '！'], 'zh'));
    assert.equal(
      out,
      `data: {"type":"content","content":"你好","session_id":"${SESSION}","message_id":"${USER_MESSAGE}","reply_id":null,"metadata":null,"finish_reason":null,"error":null}\n\n` +
        `data: {"type":"content","content":"！","session_id":"${SESSION}","message_id":"${USER_MESSAGE}","reply_id":null,"metadata":null,"finish_reason":null,"error":null}\n\n` +
        `data: {"type":"done","content":null,"session_id":"${SESSION}","message_id":"${USER_MESSAGE}","reply_id":"${REPLY}","metadata":{"model":"demo","tokens_used":165,"finish_reason":"Stop"},"finish_reason":"Stop","error":null}\n\n`,
    );
  });

  test("every chunk has every field, in the DTO's order", () => {
    const out = encodeAll(answerRun(['a', 'b', 'c']));
    for (const frame of out.trim().split('\n\n')) {
      assert.ok(frame.startsWith('data: '), frame);
      assert.deepEqual(Object.keys(JSON.parse(frame.slice(6))), FIELDS);
    }
  });

  test('a failure is one error chunk, with the ids and the message', () => {
    const out = encodeAll([
      {
        event_type: 'conversation_start',
        data: { user_input: 'x', agent_id: 'assistant', language: 'en', model: 'gpt-4' },
      },
      {
        event_type: 'error',
        data: {
          error_message: 'The language model service failed: 500',
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
          new_messages_count: 0,
          status: 'failed',
          usage: usage(0, 0),
        },
      },
    ]);
    assert.equal(
      out,
      `data: {"type":"error","content":null,"session_id":"${SESSION}","message_id":"${USER_MESSAGE}","reply_id":null,"metadata":null,"finish_reason":null,"error":"The language model service failed: 500"}\n\n`,
    );
  });

  test('a cancelled run without an error event still ends with an error chunk', () => {
    const out = encodeAll([
      {
        event_type: 'conversation_start',
        data: { user_input: 'x', agent_id: 'assistant', language: 'ja', model: 'demo' },
      },
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
    const chunk = JSON.parse(out.trim().slice(6));
    assert.equal(chunk.type, 'error');
    assert.equal(chunk.error, '実行はキャンセルされました。');
  });

  test("the finish reason of the last message, in the document's casing", () => {
    const drafts = answerRun(['cut'], 'en');
    const end = drafts.find((d) => d.event_type === 'assistant_message_end');
    assert.ok(end?.event_type === 'assistant_message_end');
    end.data.message_metadata.finish_reason = 'length';
    const done = JSON.parse(encodeAll(drafts).trim().split('\n\n').at(-1)!.slice(6));
    assert.equal(done.finish_reason, 'Length');
    assert.equal(done.metadata.finish_reason, 'Length');
    assert.deepEqual(FINISH_REASON_NAMES, {
      stop: 'Stop',
      length: 'Length',
      tool_calls: 'ToolCalls',
      content_filter: 'ContentFilter',
      cancelled: 'Cancelled',
      error: 'Error',
    });
  });
});

describe('agent chat requests', () => {
  test("the document's body; session_id must be a UUID when given", () => {
    assert.deepEqual(agentChatBody.parse({ message: '你好，请介绍一下你自己', stream: true }), {
      message: '你好，请介绍一下你自己',
      stream: true,
    });
    assert.equal(agentChatBody.safeParse({ message: 'hi', session_id: SESSION }).success, true);
    assert.equal(agentChatBody.safeParse({ message: 'hi', session_id: null }).success, true);
    assert.equal(
      agentChatBody.safeParse({ message: 'hi', session_id: 'optional-session-uuid' }).success,
      false,
    );
    assert.equal(agentChatBody.safeParse({ message: '' }).success, false);
  });

  test('the EventSource query carries the message and, optionally, the key', () => {
    assert.deepEqual(agentChatQuery.parse({ message: 'hi', access_token: 'k', _: '123' }), {
      message: 'hi',
      access_token: 'k',
    });
    assert.equal(agentChatQuery.safeParse({}).success, false);
  });
});
