/** The five languages every person-facing text exists in. */
export const LANGUAGES = ['zh', 'en', 'ja', 'es', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Accepts `zh`, `zh-CN`, `fr_FR`, `EN`; returns undefined for anything else. */
export function normalizeLanguage(value: unknown): Language | undefined {
  if (typeof value !== 'string') return undefined;
  const base = value.trim().toLowerCase().split(/[-_]/)[0];
  return isLanguage(base) ? base : undefined;
}

// Common function words of each Latin-script language. Words two languages share (la, de, que,
// en, un, tu) sit in both lists so they cancel out between those two yet still outweigh English.
// Words that are just as common in another of the three (a, no, me, on, son) sit in none.
const LATIN_WORDS: Record<'en' | 'es' | 'fr', ReadonlySet<string>> = {
  en: wordSet(
    'the is are was were what how why who where when which you your i it this that of to and in for ' +
      'with please can could would do does hello hi thanks write explain tell about an be have',
  ),
  es: wordSet(
    'el la los las de del al que qué es está estás en y un una por para con cómo como cuál cuánto ' +
      'cuántos cuánta dónde cuándo hola gracias lo mi tu hay sobre favor puedes escribe explica dime pero muy más',
  ),
  fr: wordSet(
    'le la les de des du un une est et que qui quoi quel quelle quels en pour dans avec sur pas ne je tu il ' +
      'elle nous vous bonjour merci combien comment pourquoi où font fait peux pouvez écris explique au aux ' +
      'ce cette ça oui non très',
  ),
};
// Letters one of Spanish or French uses and the other does not (é is shared, so it is no signal).
const SPANISH_LETTERS = /[ñ¿¡áíóú]/g;
const FRENCH_LETTERS = /[çœèêàùâîôûëï]/g;
// French elision: c'est, l'heure, qu'il, j'ai, d'un. English contractions (don't, I'd, it's) put
// the apostrophe after the word, so they do not match.
const FRENCH_ELISION = /(?<!\p{L})(?:c|d|j|l|m|n|qu|s|t)['’](?=\p{L})/gu;
const KANA = /[\u3040-\u30ff]/g;
const HAN = /[\u3400-\u4dbf\u4e00-\u9fff]/g;
const LATIN_WORD = /\p{Script=Latin}+/gu;

function wordSet(words: string): ReadonlySet<string> {
  return new Set(words.split(' '));
}

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

/**
 * Guesses the language of a user's text. Kana or Han characters decide when they outweigh the
 * Latin words (a Chinese word is about 1.5 characters), so "用Python写排序" is Chinese and "What
 * does 你好 mean?" is not; kana means Japanese, since Japanese also uses Han. Latin-script text
 * scores one point per common function word, accented letter and (for French) elision; the
 * language with the strictly highest score wins. Returns undefined when the text gives no clear
 * signal, so the caller can fall back further.
 */
export function detectLanguage(text: string): Language | undefined {
  const lower = text.toLowerCase();
  const words = lower.match(LATIN_WORD) ?? [];
  const kana = count(lower, KANA);
  const han = count(lower, HAN);
  if (kana + han > 0 && kana + han >= words.length * 1.5) return kana > 0 ? 'ja' : 'zh';

  const scores = { en: 0, es: count(lower, SPANISH_LETTERS), fr: count(lower, FRENCH_LETTERS) };
  scores.fr += count(lower, FRENCH_ELISION);
  for (const word of words) {
    for (const lang of ['en', 'es', 'fr'] as const) if (LATIN_WORDS[lang].has(word)) scores[lang] += 1;
  }
  const ranked = (Object.entries(scores) as ['en' | 'es' | 'fr', number][]).sort((a, b) => b[1] - a[1]);
  const [first, second] = ranked;
  if (!first || first[1] === 0 || (second && second[1] === first[1])) return undefined;
  return first[0];
}

/** Picks the first supported language from an Accept-Language header, honouring q-values. */
export function languageFromAcceptLanguage(header: string | undefined): Language | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      // Parameter names are case-insensitive (RFC 9110), so `Q=0.5` is a weight too.
      const q = params.map((p) => p.trim()).find((p) => p.toLowerCase().startsWith('q='));
      return { tag, q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((entry) => Number.isFinite(entry.q) && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const lang = normalizeLanguage(tag);
    if (lang) return lang;
  }
  return undefined;
}

/** DESIGN.md's order: the request, then the session, then the user's text, then the header. */
export function chooseLanguage(sources: {
  request?: unknown;
  session?: unknown;
  text?: string;
  acceptLanguage?: string;
}): Language {
  return (
    normalizeLanguage(sources.request) ??
    normalizeLanguage(sources.session) ??
    (sources.text ? detectLanguage(sources.text) : undefined) ??
    languageFromAcceptLanguage(sources.acceptLanguage) ??
    DEFAULT_LANGUAGE
  );
}
