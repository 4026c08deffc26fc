/**
 * Word matching for the demo model's intent rules. Latin-script words match whole words only
 * (so "now" is not found in "know"), case-insensitively, accents included; CJK words match as
 * substrings, since those scripts put no spaces between words.
 */

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

function escapeRegExp(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One regex for a list of words and phrases in any script; `lastIndex` unused (no g flag). */
export function wordPattern(words: readonly string[]): RegExp {
  const latin = words.filter((w) => !CJK.test(w)).map(escapeRegExp);
  const cjk = words.filter((w) => CJK.test(w)).map(escapeRegExp);
  const parts: string[] = [];
  if (latin.length > 0) parts.push(`(?<![\\p{L}\\p{N}])(?:${latin.join('|')})(?![\\p{L}\\p{N}])`);
  if (cjk.length > 0) parts.push(`(?:${cjk.join('|')})`);
  return new RegExp(parts.length > 0 ? parts.join('|') : '(?!)', 'iu');
}

export function isCjk(text: string): boolean {
  return CJK.test(text);
}

/** Collapses whitespace and cuts at `max` characters (adding an ellipsis), for echoing user text. */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length <= max
    ? flat
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}
