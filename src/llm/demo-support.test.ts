import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { pendingToolResults } from './demo-conversation.ts';
import { subjectOf } from './demo-long-text.ts';
import { clip, wordPattern } from './demo-match.ts';
import { findZones, isTimeQuestion } from './demo-time.ts';
import { eachToken, splitTokens } from './demo-tokens.ts';
import type { ChatMessage } from './provider.ts';

test('splitTokens gives the text back exactly', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
      assert.equal(splitTokens(text).join(''), text);
    }),
  );
  assert.deepEqual(splitTokens('Hello  big world.'), ['Hello  ', 'big ', 'world.']);
  assert.deepEqual(splitTokens('17*23 等于 391。'), ['17*23 ', '等于 ', '391', '。']);
  assert.deepEqual(splitTokens('日本の歴史'), ['日本', 'の歴', '史']);
});

test('wordPattern matches whole Latin words and CJK substrings', () => {
  const pattern = wordPattern(['now', 'ça fait', '几点']);
  assert.equal(pattern.test('do it now!'), true);
  assert.equal(pattern.test('I know'), false);
  assert.equal(pattern.test('Ça fait combien ?'), true);
  assert.equal(pattern.test('现在几点了'), true);
});

test('time questions and zones', () => {
  assert.equal(isTimeQuestion('What time is it?'), true);
  assert.equal(isTimeQuestion('Sometimes I wonder'), false);
  assert.equal(isTimeQuestion('¿Qué hora es?'), true);
  assert.equal(isTimeQuestion('Il est quelle heure ?'), true);
  assert.equal(isTimeQuestion('今日は何曜日？'), true);
  assert.deepEqual(findZones('time in Paris, then in Asia/Kolkata and 东京'), [
    'Europe/Paris',
    'Asia/Kolkata',
    'Asia/Tokyo',
  ]);
  assert.deepEqual(findZones('time in europe/madrid or UTC'), ['Europe/Madrid', 'UTC']);
  assert.deepEqual(findZones('and/or km/h'), []);
  assert.deepEqual(findZones('Parisian time'), []);
});

test('subjectOf takes the subject from the request', () => {
  assert.equal(
    subjectOf('Write a detailed essay about the history of tea, please.', 'en'),
    'the history of tea',
  );
  assert.equal(subjectOf('Explain in detail how rainbows form', 'en'), 'how rainbows form');
  assert.equal(subjectOf('详细介绍一下量子计算', 'zh'), '量子计算');
  assert.equal(subjectOf('写一篇关于人工智能的长文', 'zh'), '人工智能');
  assert.equal(subjectOf('日本の歴史について詳しく', 'ja'), '日本の歴史');
  assert.equal(subjectOf('Escribe un ensayo sobre el mar', 'es'), 'el mar');
  assert.equal(subjectOf('Une dissertation à propos de la mer', 'fr'), 'la mer');
  assert.equal(subjectOf('detailed', 'fr'), 'ce sujet');
  assert.equal([...subjectOf(`Write an essay about ${'x'.repeat(300)}`, 'en')].length, 80);
});

test('clip collapses whitespace and cuts with an ellipsis', () => {
  assert.equal(clip('  a \n b  ', 10), 'a b');
  assert.equal(clip('abcdefghij', 5), 'abcd…');
});

test('pendingToolResults matches trailing tool messages to their calls', () => {
  const messages: ChatMessage[] = [
    { role: 'user', content: 'q' },
    {
      role: 'assistant',
      content: '',
      tool_calls: [
        { id: 'a', name: 'calculator', arguments: '{"expression":"1+1"}' },
        { id: 'b', name: 'current_time', arguments: 'not json' },
      ],
    },
    { role: 'tool', tool_call_id: 'a', content: '{"expression":"1+1","result":2}' },
    { role: 'tool', tool_call_id: 'b', content: '{"error":"current_time failed: boom"}' },
    { role: 'tool', tool_call_id: 'c', name: 'other', content: 'Error: plain text failure' },
    {
      role: 'tool',
      tool_call_id: 'd',
      name: 'other',
      content: '{"status":"cancelled","result":null,"error":null}',
    },
    { role: 'tool', tool_call_id: 'e', content: 'some text' },
  ];
  assert.deepEqual(pendingToolResults(messages), [
    {
      name: 'calculator',
      arguments: { expression: '1+1' },
      ok: true,
      value: { expression: '1+1', result: 2 },
      error: '',
    },
    { name: 'current_time', arguments: {}, ok: false, value: null, error: 'current_time failed: boom' },
    {
      name: 'other',
      arguments: {},
      ok: false,
      value: 'Error: plain text failure',
      error: 'Error: plain text failure',
    },
    { name: 'other', arguments: {}, ok: false, value: null, error: 'cancelled' },
    { name: 'tool', arguments: {}, ok: true, value: 'some text', error: '' },
  ]);
  assert.deepEqual(pendingToolResults([{ role: 'user', content: 'q' }]), []);
});

test('eachToken yields what splitTokens returns, lazily', () => {
  for (const text of [
    '',
    'Hello, world!\n\nSecond  line.',
    '日本の歴史について詳しく書いて',
    '  lead and trail  ',
    'mixed 中文 text',
  ]) {
    assert.deepEqual([...eachToken(text)], splitTokens(text));
  }
});
