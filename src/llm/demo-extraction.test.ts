import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LANGUAGES } from '../protocol/index.ts';
import { extractionRule, findDocumentPath } from './demo-extraction.ts';

const offered = new Set(['extract_items', 'read_document']);

describe('findDocumentPath', () => {
  test('a JSON-quoted path (what POST /v1/extract writes), typographic quotes, or a bare file name', () => {
    assert.equal(
      findDocumentPath('Extract the structured items from the document "contracts/a b.txt".'),
      'contracts/a b.txt',
    );
    assert.equal(findDocumentPath('Extract from "say \\"hi\\".md"'), 'say "hi".md');
    assert.equal(findDocumentPath('请从“发票.txt”中抽取'), '发票.txt');
    assert.equal(findDocumentPath('「請求書.txt」から抽出して'), '請求書.txt');
    assert.equal(findDocumentPath('extrais les éléments de « facture.txt »'), 'facture.txt');
    assert.equal(findDocumentPath('please extract from reports/2026/q1.md now'), 'reports/2026/q1.md');
    assert.equal(findDocumentPath('extract everything'), undefined);
    assert.equal(findDocumentPath('what is 17.5 plus 2?'), undefined);
  });
});

describe('extractionRule', () => {
  test('calls extract_items on the named document, in every language', () => {
    for (const language of LANGUAGES) {
      const plan = extractionRule.plan({
        text: 'Extract the items from the document "invoice.txt".',
        language,
        tools: offered,
      });
      assert.ok(plan?.kind === 'calls', language);
      assert.deepEqual(plan.calls, [{ name: 'extract_items', arguments: { document_path: 'invoice.txt' } }]);
      assert.ok(plan.intro.includes('invoice.txt'), language);
    }
  });

  test('asks which document when none is named, and stays out of the way without the tool', () => {
    const plan = extractionRule.plan({ text: '请帮我抽取条目', language: 'zh', tools: offered });
    assert.deepEqual(plan, {
      kind: 'reply',
      text: '要读取哪个文档？请给出它在文档目录中的路径，例如 "invoice.txt"。',
    });
    assert.equal(extractionRule.plan({ text: 'hello', language: 'en', tools: offered }), undefined);
    assert.equal(
      extractionRule.plan({ text: 'extract "invoice.txt"', language: 'en', tools: new Set(['calculator']) }),
      undefined,
    );
  });

  test('describes a result by the types of its validated items', () => {
    const value = {
      document_path: 'invoice.txt',
      items: [{}, {}, {}, {}],
      validated_items: [{ type: 'date' }, { type: 'email' }, { type: 'date' }],
    };
    const result = { name: 'extract_items', arguments: {}, ok: true, value, error: '' };
    assert.equal(
      extractionRule.describeResult?.(result, 'en'),
      'I found 4 candidate items in "invoice.txt"; 3 passed validation (date: 2, email: 1).',
    );
    assert.equal(
      extractionRule.describeResult?.(result, 'zh'),
      '我在“invoice.txt”中找到 4 个候选条目，其中 3 个通过校验（日期：2、邮箱：1）。',
    );
    const none = { ...result, value: { ...value, validated_items: [] } };
    assert.equal(
      extractionRule.describeResult?.(none, 'fr'),
      "J'ai trouvé 4 éléments candidats dans « invoice.txt », mais aucun n'a passé la validation.",
    );
    assert.equal(extractionRule.describeResult?.({ ...result, name: 'calculator' }, 'en'), undefined);
  });
});
