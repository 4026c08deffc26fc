import assert from 'node:assert/strict';
import { test } from 'node:test';
import { longText, MAX_REQUESTED_WORDS, requestedLength, subjectOf } from './demo-long-text.ts';
import { DemoProvider } from './demo-provider.ts';

test('requestedLength reads the asked length in each language and takes it out of the request', () => {
  assert.deepEqual(requestedLength('write a detailed text about rivers in 5000 words'), {
    words: 5000,
    rest: 'write a detailed text about rivers',
  });
  assert.equal(requestedLength('a 5,000-word essay on tea')?.words, 5000);
  assert.equal(requestedLength('escribe un ensayo sobre el mar de 2000 palabras')?.words, 2000);
  assert.equal(requestedLength('écris un texte détaillé sur la mer en 1500 mots')?.words, 1500);
  assert.equal(requestedLength('写一篇关于茶的3000字文章')?.words, 3000);
  assert.equal(requestedLength('write a detailed essay about the years 1914-1918'), undefined);
  assert.equal(requestedLength('write in 0 words'), undefined);
  assert.equal(requestedLength('write 999999999 words')?.words, MAX_REQUESTED_WORDS);
});

test('the subject leaves the length out', () => {
  const asked = requestedLength('Write a detailed essay about the history of tea in 800 words');
  assert.ok(asked);
  assert.equal(subjectOf(asked.rest, 'en'), 'the history of tea');
});

test('longText reaches the asked length and still ends with the conclusion', () => {
  for (const words of [10, 1_000, 20_000]) {
    const text = longText('rivers', 'en', words);
    const count = text.split(/\s+/).length;
    assert.ok(count >= words, `${count} words for ${words} asked`);
    // One middle paragraph at most beyond the target.
    assert.ok(count < words + 120, `${count} words for ${words} asked`);
    assert.match(text, /^This text is about rivers\./);
    assert.match(text, /only a starting point\.$/);
  }
  const zh = longText('茶', 'zh', 3000);
  assert.ok(zh.replace(/\s/g, '').length >= 3000);
  assert.equal(longText('rivers', 'en'), longText('rivers', 'en', undefined));
});

test('the demo model streams a text of the asked length, one event per word', async () => {
  const provider = new DemoProvider({ tokensPerSecond: 0 });
  let text = '';
  let deltas = 0;
  for await (const chunk of provider.stream({
    model: 'demo',
    messages: [{ role: 'user', content: 'write a detailed text about rivers in 5000 words' }],
    tools: [],
    language: 'en',
    signal: new AbortController().signal,
  })) {
    if (chunk.type === 'text-delta') {
      text += chunk.text;
      deltas++;
    }
  }
  assert.ok(deltas >= 5000 && deltas < 5200, `${deltas} deltas`);
  assert.match(text, /^This text is about rivers\./);
});

test('only the start of a request is searched, so a megabyte of whitespace cannot stall the patterns', () => {
  // The unbounded patterns backtracked for seconds on 40,000 whitespace characters; past the
  // searched start nothing is read, which shows as the subject and length found there.
  const padded = `write a detailed text about ${' \t'.repeat(500_000)}rivers in 5000 words`;
  assert.doesNotMatch(subjectOf(padded, 'en'), /rivers/);
  assert.equal(requestedLength(padded), undefined);
  assert.equal(
    requestedLength(`write a detailed text about rivers in 300 words${' '.repeat(500_000)}`)?.words,
    300,
  );
});
