import { open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep, win32 } from 'node:path';
import { type Language, text } from '../protocol/index.ts';

export interface ReadDocumentOptions {
  /** Larger files are refused rather than read in part. */
  maxBytes: number;
  /** Language of the error messages. */
  language: Language;
}

export interface DocumentText {
  /** The path as the caller gave it, relative to the documents folder. */
  path: string;
  text: string;
  bytes: number;
}

/** A document that cannot be read; the message is in the requested language. */
export class DocumentError extends Error {
  constructor(
    readonly kind: 'outside' | 'not_found' | 'not_text' | 'too_large',
    message: string,
  ) {
    super(message);
    this.name = 'DocumentError';
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a UTF-8 text document from inside `root`, and nothing outside it: absolute paths, `..`
 * segments, NUL bytes and symbolic links that lead out of the folder are refused before anything
 * is opened. The file is opened once its real path is checked and is then read through that handle.
 * (A symlink swapped in between the check and the open is not caught; the documents folder is
 * meant to be written by the operator, not by callers.)
 *
 * @throws DocumentError `outside`, `not_found` (also for anything that is not a regular file),
 *   `not_text` (a NUL byte or invalid UTF-8) or `too_large`.
 */
export async function readDocument(
  root: string,
  path: string,
  options: ReadDocumentOptions,
): Promise<DocumentText> {
  const { language } = options;
  const shown = path.length > 200 ? `${path.slice(0, 199)}…` : path;
  const fail = (kind: DocumentError['kind'], params: Record<string, string | number> = {}) =>
    new DocumentError(kind, text(`document_${kind}`, language, { path: shown, ...params }));

  if (escapes(path)) throw fail('outside');
  let rootReal: string;
  try {
    rootReal = await realpath(resolve(root));
  } catch {
    throw fail('not_found');
  }
  let real: string;
  try {
    real = await realpath(resolve(rootReal, path));
  } catch {
    throw fail('not_found');
  }
  if (!inside(rootReal, real)) throw fail('outside');

  const handle = await open(real, 'r').catch(() => {
    throw fail('not_found');
  });
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw fail('not_found');
    if (stat.size > options.maxBytes) throw fail('too_large', { limit: options.maxBytes });
    const bytes = await handle.readFile();
    if (bytes.length > options.maxBytes) throw fail('too_large', { limit: options.maxBytes });
    if (bytes.includes(0)) throw fail('not_text');
    let content: string;
    try {
      content = utf8.decode(bytes);
    } catch {
      throw fail('not_text');
    }
    return { path, text: content.replace(/^\uFEFF/, ''), bytes: bytes.length };
  } finally {
    await handle.close();
  }
}

/** True for paths that cannot name something inside the folder, whatever the folder holds. */
function escapes(path: string): boolean {
  if (path.trim() === '' || path.includes('\0')) return true;
  if (isAbsolute(path) || win32.isAbsolute(path)) return true;
  return path.split(/[/\\]/).some((segment) => segment === '..');
}

function inside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}
