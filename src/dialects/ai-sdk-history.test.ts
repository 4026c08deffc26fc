import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MessageRecord } from '../store/index.ts';
import type { UiMessageInput } from './ai-sdk.ts';
import { planChatHistory, SUPERSEDED_KEY, supersededRuns } from './ai-sdk-history.ts';

let position = 0;
function stored(runId: string, role: MessageRecord['role'], content: string): MessageRecord {
  position++;
  return {
    id: `m${position}`,
    session_id: 's',
    run_id: runId,
    position,
    role,
    content,
    tool_calls: null,
    tool_call_id: null,
    name: null,
    metadata: {},
    created_at: '2026-11-21T10:00:00.000Z',
  };
}

const turn = (runId: string, question: string, answer: string) => [
  stored(runId, 'user', question),
  stored(runId, 'assistant', answer),
];

function client(...texts: [role: 'user' | 'assistant', text: string][]): UiMessageInput[] {
  return texts.map(([role, text], i) => ({ id: `c${i}`, role, parts: [{ type: 'text', text }] }));
}

describe('planChatHistory', () => {
  const r1 = turn('r1', 'q1', 'a1');
  const r2 = turn('r2', 'q2', 'a2');

  test('a new message after the stored turns: the stored conversation, read by the run itself', () => {
    const plan = planChatHistory({
      stored: [...r1, ...r2],
      superseded: [],
      clientMessages: client(
        ['user', 'q1'],
        ['assistant', 'a1'],
        ['user', 'q2'],
        ['assistant', 'a2'],
        ['user', 'q3'],
      ),
    });
    assert.deepEqual(plan, { supersede: [] });
  });

  test('regenerate: the last stored turn is superseded and left out', () => {
    const plan = planChatHistory({
      stored: [...r1, ...r2],
      superseded: [],
      clientMessages: client(['user', 'q1'], ['assistant', 'a1'], ['user', 'q2']),
    });
    assert.deepEqual(plan, {
      history: [
        { role: 'user', content: 'q1' },
        { role: 'assistant', content: 'a1' },
      ],
      supersede: ['r2'],
    });
  });

  test('after a regenerate, superseded turns stay out of every later turn', () => {
    const r3 = turn('r3', 'q2', 'a2 again');
    const plan = planChatHistory({
      stored: [...r1, ...r2, ...r3],
      superseded: ['r2'],
      clientMessages: client(
        ['user', 'q1'],
        ['assistant', 'a1'],
        ['user', 'q2'],
        ['assistant', 'a2 again'],
        ['user', 'q3'],
      ),
    });
    assert.deepEqual(plan, {
      history: [
        { role: 'user', content: 'q1' },
        { role: 'assistant', content: 'a1' },
        { role: 'user', content: 'q2' },
        { role: 'assistant', content: 'a2 again' },
      ],
      supersede: [],
    });
  });

  test('an edited first message supersedes every stored turn', () => {
    const plan = planChatHistory({
      stored: [...r1, ...r2],
      superseded: [],
      clientMessages: client(['user', 'q1 edited']),
    });
    assert.deepEqual(plan, { history: [], supersede: ['r1', 'r2'] });
  });

  test('a chat the server has not seen: the client messages are the context', () => {
    const plan = planChatHistory({
      stored: [],
      superseded: [],
      clientMessages: client(['user', 'q1'], ['assistant', 'a1'], ['user', 'q2']),
    });
    assert.deepEqual(plan, {
      history: [
        { role: 'user', content: 'q1' },
        { role: 'assistant', content: 'a1' },
      ],
      supersede: [],
    });
  });

  test('a tool turn stays one turn', () => {
    const tool: MessageRecord = { ...stored('r1', 'tool', '391'), tool_call_id: 'c1', name: 'calculator' };
    const plan = planChatHistory({
      stored: [...r1, tool, stored('r1', 'assistant', 'done')],
      superseded: [],
      clientMessages: client(['user', 'q1'], ['assistant', 'a1 done'], ['user', 'q2']),
    });
    assert.deepEqual(plan, { supersede: [] });
  });

  test('supersededRuns reads only string ids', () => {
    assert.deepEqual(supersededRuns({ [SUPERSEDED_KEY]: ['a', 3, 'b'] }), ['a', 'b']);
    assert.deepEqual(supersededRuns({ [SUPERSEDED_KEY]: 'a' }), []);
    assert.deepEqual(supersededRuns({}), []);
  });
});
