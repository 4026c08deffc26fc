import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  chooseLanguage,
  DEFAULT_LANGUAGE,
  detectLanguage,
  isLanguage,
  LANGUAGES,
  type Language,
  languageFromAcceptLanguage,
  normalizeLanguage,
} from './languages.ts';

describe('normalizeLanguage', () => {
  const cases: [unknown, Language | undefined][] = [
    ['zh-CN', 'zh'],
    ['FR', 'fr'],
    ['en_US', 'en'],
    [' ja ', 'ja'],
    ['es-419', 'es'],
    ['zh-Hant-TW', 'zh'],
    ['xx', undefined],
    ['english', undefined],
    ['de-DE', undefined],
    ['', undefined],
    [42, undefined],
    [null, undefined],
    [undefined, undefined],
  ];
  for (const [input, expected] of cases) {
    test(`${JSON.stringify(input) ?? 'undefined'} -> ${expected ?? 'undefined'}`, () => {
      assert.equal(normalizeLanguage(input), expected);
    });
  }

  test('every supported language normalizes to itself and passes isLanguage', () => {
    for (const lang of LANGUAGES) {
      assert.equal(normalizeLanguage(lang), lang);
      assert.equal(isLanguage(lang), true);
    }
    assert.equal(isLanguage('EN'), false);
    assert.equal(isLanguage('de'), false);
  });
});

describe('detectLanguage', () => {
  const sentences: Record<Language, string[]> = {
    zh: ['17*23 等于多少？', '帮我设计一个在线购物系统', '用Python写一个快速排序', '今天北京的天气怎么样？'],
    ja: [
      '17*23は？',
      '東京の今の時刻を教えてください。',
      'Reactのhooksについて教えて',
      'こんにちは、元気ですか？',
    ],
    es: [
      '¿cuánto es 17*23?',
      'Hola, ¿cómo estás?',
      'Escribe un poema sobre el mar',
      'Necesito ayuda con mi proyecto de programación',
      'Explica la diferencia entre una lista y una tupla',
    ],
    fr: [
      'combien font 17*23 ?',
      "Bonjour, pouvez-vous m'aider ?",
      'Quelle heure est-il à Paris ?',
      "Qu'est-ce que c'est ?",
      'Écris un poème sur la mer',
      'Il a un chat noir.',
    ],
    en: [
      'what is 17*23?',
      'Hello, how are you?',
      'Can you explain recursion?',
      'Write a haiku about the sea',
      "Please summarize this document for me, I don't have time.",
      'What does 你好 mean?',
    ],
  };
  for (const [lang, list] of Object.entries(sentences)) {
    for (const sentence of list) {
      test(`${JSON.stringify(sentence)} is ${lang}`, () => {
        assert.equal(detectLanguage(sentence), lang);
      });
    }
  }

  for (const text of ['17*23', '', '   ', '12 + 7 = ?', 'OK', 'Paris', '😀👍', 'la']) {
    test(`${JSON.stringify(text)} gives no signal`, () => {
      assert.equal(detectLanguage(text), undefined);
    });
  }
});

describe('languageFromAcceptLanguage', () => {
  const cases: [string | undefined, Language | undefined][] = [
    ['fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5', 'fr'],
    ['de-DE,de;q=0.9,ja;q=0.8,en;q=0.7', 'ja'],
    ['en;q=0.1, zh-CN;q=0.9', 'zh'],
    ['fr;Q=0.5, es;q=0.6', 'es'],
    ['ja;q=0, en;q=0.2', 'en'],
    ['es, fr', 'es'],
    ['ja;q=0', undefined],
    ['en;q=abc', undefined],
    ['de, it;q=0.9', undefined],
    ['*', undefined],
    ['', undefined],
    [undefined, undefined],
  ];
  for (const [header, expected] of cases) {
    test(`${JSON.stringify(header) ?? 'undefined'} -> ${expected ?? 'undefined'}`, () => {
      assert.equal(languageFromAcceptLanguage(header), expected);
    });
  }
});

describe('chooseLanguage', () => {
  const all = { request: 'ja', session: 'fr', text: '¿cuánto es 17*23?', acceptLanguage: 'zh-CN,zh;q=0.9' };

  test('the request wins over everything', () => {
    assert.equal(chooseLanguage(all), 'ja');
  });
  test('then the session', () => {
    assert.equal(chooseLanguage({ ...all, request: undefined }), 'fr');
  });
  test("then the user's text", () => {
    assert.equal(chooseLanguage({ ...all, request: undefined, session: undefined }), 'es');
  });
  test('then Accept-Language, when the text gives no signal', () => {
    assert.equal(chooseLanguage({ ...all, request: undefined, session: undefined, text: '17*23' }), 'zh');
  });
  test('then English', () => {
    assert.equal(chooseLanguage({}), DEFAULT_LANGUAGE);
    assert.equal(DEFAULT_LANGUAGE, 'en');
    assert.equal(chooseLanguage({ text: '17*23', acceptLanguage: 'de-DE' }), 'en');
  });
  test('regional tags are normalized and unsupported values are skipped', () => {
    assert.equal(chooseLanguage({ ...all, request: 'ZH-tw' }), 'zh');
    assert.equal(chooseLanguage({ ...all, request: 'de', session: 'it' }), 'es');
  });
});
