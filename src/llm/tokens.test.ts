import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { countTokens as encoderCount } from 'gpt-tokenizer/encoding/o200k_base';
import type { ChatMessage } from './provider.ts';
import { countChatTokens, countTokens } from './tokens.ts';

const wholeCount = (text: string) => encoderCount(text, { disallowedSpecial: new Set() });

describe('countTokens', () => {
  test('counts o200k_base tokens', () => {
    assert.equal(countTokens(''), 0);
    assert.equal(countTokens('Hello, world!'), 4);
    assert.equal(countTokens('hello'), 1);
  });

  test('counts special-token markers as plain text instead of throwing', () => {
    assert.ok(countTokens('before <|endoftext|> after') > 3);
    assert.ok(countTokens('<|im_start|>system<|im_end|>') > 2);
  });

  test('long spaced text is counted exactly as one piece', () => {
    const text = 'The quick brown fox jumps over the lazy dog, then rests. '.repeat(500);
    assert.equal(countTokens(text), wholeCount(text));
  });

  test('long text without spaces is counted within 1% of the unsplit count', () => {
    for (const text of [
      '汉字测试这是一个很长的中文句子没有空格，然后继续写下去。'.repeat(300),
      '日本語のテキストはスペースがありません。'.repeat(400),
      'x'.repeat(9_000),
    ]) {
      const exact = wholeCount(text);
      assert.ok(Math.abs(countTokens(text) - exact) <= exact * 0.01, `${countTokens(text)} vs ${exact}`);
    }
  });

  test('cuts long text between code points, never inside a surrogate pair', () => {
    // 257 UTF-16 units with the emoji's pair straddling the 256-unit block edge.
    const text = `${'a'.repeat(255)}😀`;
    assert.equal(countTokens(text), wholeCount('a'.repeat(255)) + wholeCount('😀'));
  });

  test('never throws and grows with the text, on any UTF-16 string including lone surrogates', () => {
    const anyUnits = fc
      .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 600 })
      .map((units) => String.fromCharCode(...units));
    fc.assert(
      fc.property(fc.oneof(anyUnits, fc.string({ unit: 'binary', maxLength: 600 })), (text) => {
        const n = countTokens(text);
        assert.ok(Number.isInteger(n) && n >= 0);
        assert.equal(n === 0, text.length === 0);
        assert.ok(n <= Buffer.byteLength(text, 'utf8'), 'at most one token per UTF-8 byte');
      }),
      { numRuns: 300 },
    );
    assert.ok(countTokens('\uD800') >= 1);
    assert.ok(countTokens('a\uDC00b\uD800') >= 1);
  });
});

describe('countChatTokens', () => {
  test('adds 3 per message and 3 to prime the reply, besides roles and contents', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Hello, world!' },
    ];
    const expected =
      3 + (3 + countTokens('system') + countTokens('You are terse.')) + (3 + countTokens('user') + 4);
    assert.equal(countChatTokens(messages), expected);
    assert.equal(countChatTokens([]), 3);
  });

  test('counts tool calls and tool names', () => {
    const call = { id: 'call_1', name: 'calculator', arguments: '{"expression":"17*23"}' };
    const without = countChatTokens([{ role: 'assistant', content: '' }]);
    const withCall = countChatTokens([{ role: 'assistant', content: '', tool_calls: [call] }]);
    assert.equal(withCall - without, 3 + countTokens('calculator') + countTokens(call.arguments));
    const plain = countChatTokens([{ role: 'tool', content: '391', tool_call_id: 'call_1' }]);
    const named = countChatTokens([
      { role: 'tool', content: '391', tool_call_id: 'call_1', name: 'calculator' },
    ]);
    assert.equal(named - plain, 1 + countTokens('calculator'));
  });
});
