import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Language } from '../protocol/index.ts';
import { createDesignTool, type DesignResult, outline } from './design.ts';
import type { ToolContext, ToolDocument } from './tool.ts';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function context(language: Language, emit = true) {
  const progress: Array<[string, number | undefined]> = [];
  const documents: ToolDocument[] = [];
  const ctx: ToolContext = {
    signal: new AbortController().signal,
    progress: (message, fraction) => progress.push([message, fraction]),
    language,
    runId: 'run-1',
    callId: 'call-1',
    ...(emit ? { emitDocument: (document: ToolDocument) => documents.push(document) } : {}),
  };
  return { ctx, progress, documents };
}

const DOCUMENT =
  '# Design: Online shop\n\n## Overview\n\nA shop.\n\n```md\n## not a section\n```\n\n## Data model\n\nTables.';

describe('design', () => {
  test('saves the document, emits it once and returns it, reporting progress four times', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-design-'));
    dirs.push(dir);
    const tool = createDesignTool({ documentsDir: dir, newId: () => 'doc-1' });
    const { ctx, progress, documents } = context('en');
    const result = await tool.execute(
      { requirements: 'an online shop', mode: 'quick', document: DOCUMENT },
      ctx,
    );
    assert.deepEqual(result, {
      document_id: 'doc-1',
      filename: 'design.md',
      format: 'markdown',
      mode: 'quick',
      title: 'Design: Online shop',
      sections: ['Overview', 'Data model'],
      content: DOCUMENT,
      path: join('designs', 'doc-1', 'design.md'),
    });
    assert.equal(readFileSync(join(dir, 'designs', 'doc-1', 'design.md'), 'utf8'), DOCUMENT);
    assert.deepEqual(documents, [
      { documentId: 'doc-1', filename: 'design.md', content: DOCUMENT, format: 'markdown' },
    ]);
    assert.deepEqual(progress, [
      ['Checking the document structure', 0.1],
      ['Found 2 sections', 0.4],
      ['Saving design.md', 0.7],
      ['Design document ready: design.md', 1],
    ]);
  });

  test('adds a title in the run language when the model wrote none; no folder means not saved', async () => {
    const tool = createDesignTool({ newId: () => 'doc-2' });
    const { ctx, progress, documents } = context('ja');
    const result = (await tool.execute(
      { requirements: 'x', mode: 'deep', document: '## 概要\n\n本文' },
      ctx,
    )) as DesignResult;
    assert.equal(result.content, '# 設計書\n\n## 概要\n\n本文');
    assert.equal(result.title, '設計書');
    assert.equal(result.path, null);
    assert.equal(documents[0]?.content, result.content);
    assert.deepEqual(
      progress.map(([message]) => message),
      ['文書の構成を確認しています', '1 個の章が見つかりました', '設計書ができました: design.md'],
    );
  });

  test('a folder that cannot be written is reported, and the document still goes out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-design-'));
    dirs.push(dir);
    const blocker = join(dir, 'file');
    writeFileSync(blocker, 'not a folder');
    const tool = createDesignTool({ documentsDir: blocker, newId: () => 'doc-3' });
    const { ctx, progress, documents } = context('fr');
    const result = (await tool.execute(
      { requirements: 'x', mode: 'quick', document: '# T' },
      ctx,
    )) as DesignResult;
    assert.equal(result.path, null);
    assert.equal(documents.length, 1);
    assert.match(progress.find(([m]) => m.includes("n'a pas pu être enregistré"))?.[0] ?? '', /design\.md/);
  });

  test('outside an agent run (no emitDocument) it still returns the document', async () => {
    const tool = createDesignTool();
    const { ctx } = context('es', false);
    const result = (await tool.execute(
      { requirements: 'x', mode: 'quick', document: '# Diseño\n\n## A' },
      ctx,
    )) as DesignResult;
    assert.deepEqual(result.sections, ['A']);
  });

  test('outline ignores headings inside fenced code', () => {
    assert.deepEqual(outline(DOCUMENT), {
      title: 'Design: Online shop',
      sections: ['Overview', 'Data model'],
    });
  });
});
