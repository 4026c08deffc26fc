import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ERROR_CODES, ERRORS, type ErrorCode, errorMessage, SluiceError } from './errors.ts';
import { LANGUAGES } from './languages.ts';

/** The `{name}` placeholders of a template, sorted and without repeats. */
function placeholders(template: string): string[] {
  return [...new Set(Array.from(template.matchAll(/\{(\w+)\}/g), (match) => match[1] ?? ''))].sort();
}

/** A value for every placeholder of the English message. */
function paramsFor(code: ErrorCode): Record<string, string> {
  return Object.fromEntries(placeholders(ERRORS[code].message.en).map((name) => [name, `<${name}>`]));
}

describe('the error table', () => {
  test('ERROR_CODES lists every code, each a stable snake_case string', () => {
    assert.deepEqual(ERROR_CODES, Object.keys(ERRORS));
    assert.ok(ERROR_CODES.length > 0);
    for (const code of ERROR_CODES) assert.match(code, /^[a-z]+(_[a-z]+)*$/);
  });

  for (const code of ERROR_CODES) {
    describe(code, () => {
      const spec = ERRORS[code];

      test('has a 4xx or 5xx status and a retryable flag', () => {
        assert.ok(
          Number.isInteger(spec.status) && spec.status >= 400 && spec.status <= 599,
          String(spec.status),
        );
        assert.equal(typeof spec.retryable, 'boolean');
      });

      test('has a message in exactly the five languages', () => {
        assert.deepEqual(Object.keys(spec.message).sort(), [...LANGUAGES].sort());
        for (const lang of LANGUAGES) assert.ok(spec.message[lang].trim().length > 0, lang);
      });

      test('every language has the same placeholders as English, and no stray braces', () => {
        const english = placeholders(spec.message.en);
        for (const lang of LANGUAGES) {
          const template: string = spec.message[lang];
          assert.deepEqual(placeholders(template), english, lang);
          assert.doesNotMatch(template.replace(/\{\w+\}/g, ''), /[{}]/, lang);
        }
      });

      test('renders in every language with all placeholders filled', () => {
        const params = paramsFor(code);
        const error = new SluiceError(code, params);
        for (const lang of LANGUAGES) {
          const message = error.toBody(lang).error.message;
          assert.equal(message, errorMessage(code, lang, params));
          assert.doesNotMatch(message, /\{\w+\}/, lang);
          for (const value of Object.values(params)) assert.ok(message.includes(value), `${lang}: ${value}`);
        }
      });
    });
  }

  test('the messages of different languages differ (they are translated, not copied)', () => {
    for (const code of ERROR_CODES) {
      const { en, zh, ja, es, fr } = ERRORS[code].message;
      assert.equal(new Set([en, zh, ja, es, fr]).size, 5, code);
    }
  });
});

describe('SluiceError', () => {
  test('is an Error with the code, English message, status and retryable flag of its table row', () => {
    const cause = new Error('socket hang up');
    const error = new SluiceError('run_not_found', { id: 'r1' }, { run_id: 'r1' }, { cause });
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'SluiceError');
    assert.equal(error.code, 'run_not_found');
    assert.equal(error.message, 'Run r1 does not exist.');
    assert.equal(error.status, 404);
    assert.equal(error.retryable, false);
    assert.deepEqual(error.params, { id: 'r1' });
    assert.equal(error.cause, cause);
    assert.equal(new SluiceError('rate_limited', { retry_after: 3 }).retryable, true);
  });

  test('toBody has the shape {error: {code, message, details}} in the reader language', () => {
    const error = new SluiceError('session_not_found', { id: 's1' }, { session_id: 's1' });
    assert.deepEqual(error.toBody('en'), {
      error: {
        code: 'session_not_found',
        message: 'Session s1 does not exist.',
        details: { session_id: 's1' },
      },
    });
    assert.deepEqual(error.toBody('zh'), {
      error: { code: 'session_not_found', message: '会话 s1 不存在。', details: { session_id: 's1' } },
    });
    assert.equal(error.toBody('fr').error.message, "La session s1 n'existe pas.");
  });

  test('details default to null and the body survives JSON', () => {
    const body = new SluiceError('invalid_json').toBody('es');
    assert.deepEqual(Object.keys(body), ['error']);
    assert.deepEqual(Object.keys(body.error), ['code', 'message', 'details']);
    assert.equal(body.error.details, null);
    assert.deepEqual(JSON.parse(JSON.stringify(body)), body);
  });

  test('numbers fill placeholders and missing params stay visible', () => {
    assert.equal(
      new SluiceError('upstream_timeout', { seconds: 60 }).toBody('ja').error.message,
      '言語モデルサービスが 60 秒以内に応答しませんでした。',
    );
    assert.equal(new SluiceError('run_not_found').message, 'Run {id} does not exist.');
  });
});
