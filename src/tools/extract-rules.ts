import type { ExtractedItem, ItemType } from './extract-items.ts';

/**
 * Deterministic extraction rules: what `extract_items` finds when the model sends no items (the
 * offline demo model never does). They look for dates, amounts, percentages, emails, URLs, phone
 * numbers, titled people and companies with a legal suffix, in the five languages' usual
 * spellings. They propose candidates; `validateItems` decides which count (an impossible date
 * like 2026-02-30 is found here and rejected there).
 */

interface Rule {
  type: ItemType;
  pattern: RegExp;
  confidence: number | ((match: RegExpExecArray) => number);
  normalize(match: RegExpExecArray): string | null;
}

const MONTHS: Record<string, number> = {
  january: 1,
  february: 2,
  march: 3,
  april: 4,
  may: 5,
  june: 6,
  july: 7,
  august: 8,
  september: 9,
  october: 10,
  november: 11,
  december: 12,
};
const MONTH_NAMES = Object.keys(MONTHS).join('|');

const CURRENCY_SYMBOLS: Record<string, string> = {
  $: 'USD',
  US$: 'USD',
  '€': 'EUR',
  '£': 'GBP',
  '¥': 'CNY',
  '￥': 'CNY',
  元: 'CNY',
  人民币: 'CNY',
  RMB: 'CNY',
  美元: 'USD',
  欧元: 'EUR',
  円: 'JPY',
  日元: 'JPY',
};
const CODES = 'USD|EUR|GBP|CNY|JPY|RMB|CHF|CAD|AUD';
const NUMBER = String.raw`\d{1,3}(?:[,\s]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`;

function iso(year: string | number, month: string | number, day: string | number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function plainNumber(text: string): string {
  return String(Number(text.replace(/[,\s]/g, '')));
}

function currency(symbol: string): string {
  return CURRENCY_SYMBOLS[symbol] ?? (symbol === 'RMB' ? 'CNY' : symbol);
}

const RULES: Rule[] = [
  {
    type: 'email',
    pattern: /(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])/g,
    confidence: 0.95,
    normalize: (m) => m[0].toLowerCase(),
  },
  {
    type: 'url',
    pattern: /\bhttps?:\/\/[^\s<>"'）)\]，。、]+[^\s<>"'）)\]，。、.,;:!?]/g,
    confidence: 0.9,
    normalize: (m) => m[0],
  },
  {
    // 2026-03-15, 2026/3/15, 2026.03.15
    type: 'date',
    pattern: /(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)/g,
    confidence: 0.9,
    normalize: (m) => iso(m[1]!, m[2]!, m[3]!),
  },
  {
    // 2026年3月15日 (Chinese and Japanese)
    type: 'date',
    pattern: /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]/g,
    confidence: 0.9,
    normalize: (m) => iso(m[1]!, m[2]!, m[3]!),
  },
  {
    // March 15, 2026
    type: 'date',
    pattern: new RegExp(String.raw`\b(${MONTH_NAMES})\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b`, 'gi'),
    confidence: 0.85,
    normalize: (m) => iso(m[3]!, MONTHS[m[1]!.toLowerCase()]!, m[2]!),
  },
  {
    // 15 March 2026
    type: 'date',
    pattern: new RegExp(String.raw`\b(\d{1,2})\s+(${MONTH_NAMES})\s+(\d{4})\b`, 'gi'),
    confidence: 0.85,
    normalize: (m) => iso(m[3]!, MONTHS[m[2]!.toLowerCase()]!, m[1]!),
  },
  {
    // 03/04/2026 is the 3rd of April or the 4th of March depending on the country: low confidence
    // unless one of the two cannot be a month.
    type: 'date',
    pattern: /(?<![\d/])(\d{1,2})\/(\d{1,2})\/(\d{4})(?![\d/])/g,
    confidence: (m) => (Number(m[1]) > 12 || Number(m[2]) > 12 ? 0.7 : 0.4),
    normalize: (m) => (Number(m[1]) > 12 ? iso(m[3]!, m[2]!, m[1]!) : iso(m[3]!, m[1]!, m[2]!)),
  },
  {
    // $1,250.00, € 30, ¥500, US$ 12
    type: 'amount',
    pattern: new RegExp(String.raw`(US\$|[$€£¥￥])\s?(${NUMBER})`, 'g'),
    confidence: 0.9,
    normalize: (m) => `${plainNumber(m[2]!)} ${currency(m[1]!)}`,
  },
  {
    // 1,250.00 USD, 300 元, 5000円, 200 美元
    type: 'amount',
    pattern: new RegExp(
      String.raw`(?<![\d.$€£¥￥])(${NUMBER})\s?(${CODES}|人民币|美元|欧元|日元|元|円)(?![A-Za-z])`,
      'g',
    ),
    confidence: 0.85,
    normalize: (m) => `${plainNumber(m[1]!)} ${currency(m[2]!)}`,
  },
  {
    type: 'percentage',
    pattern: /(?<![\d.])(\d+(?:\.\d+)?)\s?(?:%|％|percent\b|por ciento\b|pour cent\b)/gi,
    confidence: 0.9,
    normalize: (m) => `${Number(m[1])}%`,
  },
  {
    // International numbers only: +86 138 0013 8000, +1 (555) 010-9999
    type: 'phone',
    pattern: /(?<![\w+])\+\d{1,3}(?:[\s-]?\(?\d{1,4}\)?){2,5}(?!\d)/g,
    confidence: 0.75,
    normalize: (m) => `+${m[0].replace(/\D/g, '')}`,
  },
  {
    type: 'person',
    pattern: /\b(?:Mr|Mrs|Ms|Dr|Prof|Sr|Sra|Mme|M)\.\s+[A-Z][\p{L}'-]+(?:\s+[A-Z][\p{L}'-]+)?/gu,
    confidence: 0.7,
    normalize: () => null,
  },
  {
    type: 'organization',
    pattern:
      /\b[A-Z][\p{L}&'-]*(?:\s+[A-Z][\p{L}&'-]*){0,3}\s+(?:Inc\.|Ltd\.|LLC|GmbH|Corp\.|Corporation|S\.A\.|S\.L\.|SARL|SAS)(?![\p{L}])/gu,
    confidence: 0.75,
    normalize: () => null,
  },
  {
    type: 'organization',
    // A name stops at the particles that usually come before it (与, 和, 在, 的, ...).
    pattern:
      /(?:(?![与和及在的是了向由为对把被从给])[\p{Script=Han}A-Za-z]){2,20}?(?:股份有限公司|有限责任公司|有限公司|集团)|株式会社[\p{Script=Han}\p{Script=Katakana}]{1,20}|[\p{Script=Han}\p{Script=Katakana}]{1,20}?株式会社/gu,
    confidence: 0.75,
    normalize: () => null,
  },
];

const CONTEXT_CHARS = 40;

/** Candidates in document order; overlapping matches keep the earlier rule's (rules are ordered). */
export function findItems(text: string): ExtractedItem[] {
  const taken: Array<[number, number]> = [];
  const found: Array<{ at: number; item: ExtractedItem }> = [];
  for (const rule of RULES) {
    rule.pattern.lastIndex = 0;
    for (let m = rule.pattern.exec(text); m !== null; m = rule.pattern.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (taken.some(([a, b]) => start < b && end > a)) continue;
      taken.push([start, end]);
      found.push({
        at: start,
        item: {
          type: rule.type,
          value: m[0],
          normalized: rule.normalize(m),
          context: context(text, start, end),
          confidence: typeof rule.confidence === 'number' ? rule.confidence : rule.confidence(m),
        },
      });
    }
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.item);
}

function context(text: string, start: number, end: number): string {
  const from = Math.max(0, start - CONTEXT_CHARS);
  const to = Math.min(text.length, end + CONTEXT_CHARS);
  return `${from > 0 ? '…' : ''}${text.slice(from, to).replace(/\s+/g, ' ').trim()}${to < text.length ? '…' : ''}`;
}
