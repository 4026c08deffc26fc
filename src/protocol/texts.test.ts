import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LANGUAGES } from './languages.ts';
import { fillTemplate, TEXTS, type TextKey, text } from './texts.ts';

/** The `{name}` placeholders of a template, sorted and without repeats. */
function placeholders(template: string): string[] {
  return [...new Set(Array.from(template.matchAll(/\{(\w+)\}/g), (match) => match[1] ?? ''))].sort();
}

const KEYS = Object.keys(TEXTS) as TextKey[];

describe('TEXTS', () => {
  for (const key of KEYS) {
    describe(key, () => {
      const entry = TEXTS[key];

      test('exists in exactly the five languages, none empty', () => {
        assert.deepEqual(Object.keys(entry).sort(), [...LANGUAGES].sort());
        for (const lang of LANGUAGES) assert.ok(entry[lang].trim().length > 0, lang);
      });

      test('every language has the same placeholders as English, and no stray braces', () => {
        const english = placeholders(entry.en);
        for (const lang of LANGUAGES) {
          const template: string = entry[lang];
          assert.deepEqual(placeholders(template), english, lang);
          assert.doesNotMatch(template.replace(/\{\w+\}/g, ''), /[{}]/, lang);
        }
      });

      test('renders in every language with all placeholders filled', () => {
        const params = Object.fromEntries(placeholders(entry.en).map((name) => [name, `<${name}>`]));
        for (const lang of LANGUAGES) {
          const rendered = text(key, lang, params);
          assert.doesNotMatch(rendered, /\{\w+\}/, lang);
          for (const value of Object.values(params)) assert.ok(rendered.includes(value), `${lang}: ${value}`);
        }
      });
    });
  }
});

describe('text and fillTemplate', () => {
  test('fill placeholders with strings and numbers', () => {
    assert.equal(text('thinking', 'en', { step: 2 }), 'Thinking (step 2)…');
    assert.equal(
      text('tool_failed', 'fr', { tool: 'calculator', reason: 'division par zéro' }),
      'calculator a échoué : division par zéro',
    );
    assert.equal(text('evaluating', 'zh', { expression: '17*23' }), '正在计算 17*23');
  });

  test('leave unknown placeholders visible and fill repeated ones everywhere', () => {
    assert.equal(fillTemplate('{a} and {b}', { a: 1 }), '1 and {b}');
    assert.equal(fillTemplate('{a}/{a}', { a: 'x' }), 'x/x');
  });

  test('insert values literally, even ones that look like placeholders or replacement patterns', () => {
    assert.equal(fillTemplate('{a} {b}', { a: '{b}', b: '$&' }), '{b} $&');
  });
});
