import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { executeTool } from './execute.ts';
import { createExtractItemsTool, createReadDocumentTool, EXTRACT_PROGRESS } from './extract.ts';
import { extractionResultSchema, validateItems } from './extract-items.ts';
import { findItems } from './extract-rules.ts';
import type { Tool } from './tool.ts';

const INVOICE = `Invoice INV-2026-031
Issued 2026-03-15 by Acme Widgets Inc. to Mr. John Smith.
Total due: $1,250.00 by March 31, 2026 (a 5% discount applies before 2026-02-30).
Questions: billing@acme.example or https://acme.example/pay, +1 555 010 9999.
Delivery 03/04/2026.`;

describe('findItems', () => {
  test('finds the usual kinds of items, in document order, with their normalized form', () => {
    const found = findItems(INVOICE).map((item) => [item.type, item.value, item.normalized]);
    assert.deepEqual(found, [
      ['date', '2026-03-15', '2026-03-15'],
      ['organization', 'Acme Widgets Inc.', null],
      ['person', 'Mr. John Smith', null],
      ['amount', '$1,250.00', '1250 USD'],
      ['date', 'March 31, 2026', '2026-03-31'],
      ['percentage', '5%', '5%'],
      ['date', '2026-02-30', '2026-02-30'],
      ['email', 'billing@acme.example', 'billing@acme.example'],
      ['url', 'https://acme.example/pay', 'https://acme.example/pay'],
      ['phone', '+1 555 010 9999', '+15550109999'],
      ['date', '03/04/2026', '2026-03-04'],
    ]);
  });

  test('Chinese and Japanese dates, amounts and companies', () => {
    const found = findItems(
      '合同于2026年3月15日由北京星河科技有限公司签署，金额为300元，增长12.5％。株式会社サンプルに5000円。',
    );
    assert.deepEqual(
      found.map((item) => [item.type, item.value, item.normalized]),
      [
        ['date', '2026年3月15日', '2026-03-15'],
        ['organization', '北京星河科技有限公司', null],
        ['amount', '300元', '300 CNY'],
        ['percentage', '12.5％', '12.5%'],
        ['organization', '株式会社サンプル', null],
        ['amount', '5000円', '5000 JPY'],
      ],
    );
  });

  test('every candidate carries context and a confidence', () => {
    for (const item of findItems(INVOICE)) {
      assert.ok(item.context.includes(item.value), item.value);
      assert.ok(item.confidence > 0 && item.confidence <= 1);
    }
  });
});

describe('validateItems', () => {
  test('rejects impossible dates and ambiguous low-confidence ones, keeps the rest', () => {
    const { validated, rejected } = validateItems(findItems(INVOICE), INVOICE);
    assert.equal(validated.length, 9);
    assert.deepEqual(
      rejected.map((r) => [r.index, r.reason]),
      [
        [6, 'invalid_value'],
        [10, 'low_confidence'],
      ],
    );
  });

  test("checks a model's items against the schema and the document", () => {
    const { validated, rejected } = validateItems(
      [
        { type: 'person', value: 'John Smith', context: 'Mr. John Smith', confidence: 0.9 },
        { type: 'person', value: 'Jane Doe', context: '', confidence: 0.9 },
        { type: 'amount', value: '$1,250.00', normalized: '1250 USD', confidence: 2 },
        { type: 'weather', value: 'sunny', confidence: 0.9 },
        { type: 'email', value: 'billing@acme.example', normalized: 'not an email', confidence: 0.9 },
        { type: 'person', value: 'John   Smith', confidence: 0.8 },
        'not an object',
      ],
      INVOICE,
    );
    assert.deepEqual(validated, [
      { type: 'person', value: 'John Smith', normalized: null, context: 'Mr. John Smith', confidence: 0.9 },
    ]);
    assert.deepEqual(
      rejected.map((r) => [r.index, r.reason]),
      [
        [1, 'not_in_document'],
        [2, 'schema'],
        [3, 'schema'],
        [4, 'invalid_value'],
        [5, 'duplicate'],
        [6, 'schema'],
      ],
    );
  });
});

describe('extract_items and read_document', () => {
  let root: string;
  let extract: Tool;
  let read: Tool;
  const progress: Array<[string, number | undefined]> = [];
  const ctx = {
    signal: new AbortController().signal,
    language: 'en' as const,
    runId: 'r',
    callId: 'c',
    progress: (message: string, fraction?: number) => progress.push([message, fraction]),
  };

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'sluice-extract-'));
    mkdirSync(join(root, 'docs'));
    writeFileSync(join(root, 'docs', 'invoice.txt'), INVOICE);
    extract = createExtractItemsTool({ documentsDir: join(root, 'docs'), maxBytes: 10_000 }) as Tool;
    read = createReadDocumentTool({ documentsDir: join(root, 'docs'), maxBytes: 10_000 }) as Tool;
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('without items: rule candidates, validated, with progress through the three stages', async () => {
    progress.length = 0;
    const outcome = await executeTool(extract, 'extract_items', '{"document_path":"invoice.txt"}', ctx, {
      timeoutMs: 5000,
    });
    assert.equal(outcome.status, 'completed', outcome.error ?? '');
    const result = extractionResultSchema.parse(outcome.result);
    assert.equal(result.items.length, 11);
    assert.equal(result.validated_items.length, 9);
    assert.deepEqual(
      progress.map(([, fraction]) => fraction),
      [EXTRACT_PROGRESS.reading, EXTRACT_PROGRESS.extracting, EXTRACT_PROGRESS.validating],
    );
    assert.deepEqual(
      progress.map(([message]) => message),
      ['Reading invoice.txt…', 'Extracting items from invoice.txt…', 'Validating 11 items…'],
    );
  });

  test("with items: the model's items are validated instead", async () => {
    const args = JSON.stringify({
      document_path: 'invoice.txt',
      items: [
        { type: 'organization', value: 'Acme Widgets', confidence: 0.8 },
        { type: 'person', value: 'Nobody', confidence: 0.9 },
      ],
    });
    const outcome = await executeTool(extract, 'extract_items', args, ctx, { timeoutMs: 5000 });
    const result = extractionResultSchema.parse(outcome.result);
    assert.deepEqual(
      result.validated_items.map((item) => item.value),
      ['Acme Widgets'],
    );
    assert.equal(result.rejected[0]?.reason, 'not_in_document');
  });

  test('a path outside the folder fails the call with a clear message', async () => {
    const outcome = await executeTool(extract, 'extract_items', '{"document_path":"../../etc/passwd"}', ctx, {
      timeoutMs: 5000,
    });
    assert.equal(outcome.status, 'failed');
    assert.equal(
      outcome.error,
      'extract_items failed: The path "../../etc/passwd" is outside the documents folder; give a relative path inside it',
    );
  });

  test('read_document returns the text', async () => {
    const outcome = await executeTool(read, 'read_document', '{"document_path":"invoice.txt"}', ctx, {
      timeoutMs: 5000,
    });
    assert.deepEqual(outcome.result, {
      document_path: 'invoice.txt',
      bytes: Buffer.byteLength(INVOICE),
      text: INVOICE,
    });
  });
});
