// Chinese and Japanese characters (with their punctuation and full-width forms) stream one or two
// at a time; everything else streams a word at a time with its trailing whitespace.
const TOKEN =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]{1,2}\s*|[^\s\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]+\s*|\s+/gu;

/** Splits text into stream tokens; joining them gives the text back exactly. */
export function splitTokens(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/**
 * The same tokens, one at a time: a slow run holds only its position in the text, not an array
 * of every token to come (a server may hold ten thousand such runs).
 */
export function* eachToken(text: string): Generator<string> {
  const pattern = new RegExp(TOKEN.source, TOKEN.flags);
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) yield match[0];
}
