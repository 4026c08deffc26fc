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

/**
 * Guesses the language of a user's text. Scripts decide first (kana before Han, since Japanese
 * uses both); Latin-script languages are told apart by their accented letters and common words.
 * Returns undefined when the text gives no signal, so the caller can fall back further.
 */
export function detectLanguage(text: string): Language | undefined {
  if (/[\u3040-\u30ff]/.test(text)) return 'ja';
  if (/[\u4e00-\u9fff]/.test(text)) return 'zh';
  const lower = ` ${text.toLowerCase()} `;
  const score = (words: string[], letters: RegExp): number =>
    words.reduce((n, w) => n + (lower.includes(` ${w} `) ? 1 : 0), 0) + (letters.test(lower) ? 2 : 0);
  const es = score(['el', 'la', 'los', 'las', 'que', 'es', 'cuánto', 'qué', 'por', 'para', 'una', 'hola', 'cómo'], /[ñ¿¡]/);
  const fr = score(['le', 'les', 'est', 'une', 'des', 'que', 'quelle', 'pour', 'bonjour', 'combien', 'je', 'vous'], /[çœèêàù]/);
  const en = score(['the', 'is', 'what', 'a', 'an', 'of', 'to', 'and', 'please', 'how', 'hello', 'me', 'write'], /$^/);
  const best = Math.max(es, fr, en);
  if (best === 0) return undefined;
  if (best === es && es > en && es > fr) return 'es';
  if (best === fr && fr > en && fr > es) return 'fr';
  if (best === en) return 'en';
  return undefined;
}

/** Picks the first supported language from an Accept-Language header, honouring q-values. */
export function languageFromAcceptLanguage(header: string | undefined): Language | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { tag, q: q ? Number(q.trim().slice(2)) : 1 };
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
