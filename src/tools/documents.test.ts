import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DocumentError, readDocument } from './documents.ts';

describe('readDocument', () => {
  let base: string;
  let root: string;
  const options = { maxBytes: 1024, language: 'en' as const };

  before(() => {
    base = mkdtempSync(join(tmpdir(), 'sluice-docs-'));
    root = join(base, 'documents');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'note.txt'), '\uFEFFHello, 世界');
    writeFileSync(join(root, 'sub', 'deep.md'), '# Deep');
    writeFileSync(join(base, 'secret.txt'), 'outside the folder');
    writeFileSync(join(root, 'image.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
    writeFileSync(join(root, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    writeFileSync(join(root, 'big.txt'), 'x'.repeat(2048));
    symlinkSync(join(base, 'secret.txt'), join(root, 'link-out.txt'));
    symlinkSync(join(root, 'note.txt'), join(root, 'link-in.txt'));
    symlinkSync(base, join(root, 'dir-out'));
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  async function refused(path: string, kind: DocumentError['kind']): Promise<DocumentError> {
    const error = await readDocument(root, path, options).then(
      () => assert.fail(`${path} was read`),
      (thrown: unknown) => thrown,
    );
    assert.ok(error instanceof DocumentError, String(error));
    assert.equal(error.kind, kind, `${path}: ${error.message}`);
    return error;
  }

  test('reads UTF-8 text inside the folder, without a BOM', async () => {
    assert.deepEqual(await readDocument(root, 'note.txt', options), {
      path: 'note.txt',
      text: 'Hello, 世界',
      bytes: 16,
    });
    assert.equal((await readDocument(root, 'sub/deep.md', options)).text, '# Deep');
  });

  test('any ".." segment is refused, even one that would land back inside', async () => {
    await refused('./sub/../note.txt', 'outside');
  });

  test('a symlink that stays inside the folder is followed', async () => {
    assert.equal((await readDocument(root, 'link-in.txt', options)).text, 'Hello, 世界');
  });

  test('paths that escape the folder are refused before anything is opened', async () => {
    for (const path of [
      '../secret.txt',
      'sub/../../secret.txt',
      '..',
      join(base, 'secret.txt'),
      '/etc/passwd',
      'C:\\Windows\\win.ini',
      '..\\secret.txt',
      'a\0b',
    ]) {
      await refused(path, 'outside');
    }
  });

  test('symlinks that lead out of the folder are refused', async () => {
    await refused('link-out.txt', 'outside');
    await refused('dir-out/secret.txt', 'outside');
  });

  test('missing files and folders are not found; binary and non-UTF-8 files are not text', async () => {
    await refused('missing.txt', 'not_found');
    await refused('sub', 'not_found');
    await refused('image.bin', 'not_text');
    await refused('latin1.txt', 'not_text');
  });

  test('files over the limit are refused', async () => {
    const error = await refused('big.txt', 'too_large');
    assert.equal(error.message, 'The document "big.txt" is larger than the limit of 1024 bytes');
  });

  test('messages are in the requested language', async () => {
    const error = await readDocument(root, '../secret.txt', { ...options, language: 'zh' }).catch(
      (e: Error) => e,
    );
    assert.equal((error as Error).message, '路径“../secret.txt”不在文档目录内；请提供该目录内的相对路径');
  });

  test('a documents folder that does not exist makes every document not found', async () => {
    const error = await readDocument(join(base, 'nowhere'), 'note.txt', options).catch((e: unknown) => e);
    assert.ok(error instanceof DocumentError && error.kind === 'not_found');
  });
});
