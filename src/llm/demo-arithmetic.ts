import { fillTemplate, type Language } from '../protocol/index.ts';
import {
  evaluate,
  hasComputation,
  isConstantName,
  isFunctionName,
  MAX_EXPRESSION_LENGTH,
  normalizeExpression,
  parseExpression,
  tidyNumber,
} from '../tools/expression.ts';
import { wordPattern } from './demo-match.ts';
import type { DemoRule, DemoToolResult, DemoTurn } from './demo-rules.ts';

export interface FoundExpression {
  /** ASCII form (full-width digits and ×, ÷ mapped), trimmed; what the calculator is sent. */
  expression: string;
  /** Offsets of the expression in the user's text. */
  start: number;
  end: number;
}

/** Bounds the work on long messages: only this much text is scanned, with at most this many parses. */
const MAX_SCAN_CHARS = 4000;
const MAX_PARSES = 2000;

const LEXEME = /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+|[A-Za-zπ_][A-Za-z0-9_]*|\*\*|[+\-*/%^(),]|\s+|[\s\S]/gu;
// Dates such as 2026-11-21 or 21/11/2026 parse as arithmetic but are almost never meant as such,
// so they are blanked out (keeping offsets) before the search.
const DATE_LIKE = /\d{4}[-/]\d{1,2}[-/]\d{1,2}|\d{1,2}\/\d{1,2}\/\d{2,4}/g;

interface Lexeme {
  text: string;
  start: number;
  end: number;
  canStart: boolean;
  canEnd: boolean;
}

/**
 * Finds the longest stretch of the text that the calculator's parser accepts and that computes
 * something (a binary operator or a function call, not a bare number). Words that are not
 * function or constant names split the text, so "what is 17*23?" yields "17*23".
 */
export function findExpression(text: string): FoundExpression | undefined {
  const source = normalizeExpression(text.slice(0, MAX_SCAN_CHARS)).replace(DATE_LIKE, (date) =>
    '#'.repeat(date.length),
  );
  let best: FoundExpression | undefined;
  let parses = 0;
  for (const segment of segments(source)) {
    for (let i = 0; i < segment.length; i += 1) {
      const first = segment[i]!;
      if (!first.canStart) continue;
      for (let j = segment.length - 1; j >= i; j -= 1) {
        const last = segment[j]!;
        if (!last.canEnd) continue;
        if (best && last.end - first.start <= best.end - best.start) break;
        if (last.end - first.start > MAX_EXPRESSION_LENGTH) continue;
        const candidate = source.slice(first.start, last.end);
        if (parses++ >= MAX_PARSES) return best;
        try {
          if (!hasComputation(parseExpression(candidate))) continue;
        } catch {
          continue;
        }
        best = { expression: candidate.trim(), start: first.start, end: last.end };
        break;
      }
    }
  }
  return best;
}

/** Runs of lexemes that could belong to one expression; anything else separates them. */
function segments(source: string): Lexeme[][] {
  const found: Lexeme[][] = [];
  let current: Lexeme[] = [];
  for (const match of source.matchAll(LEXEME)) {
    const text = match[0];
    const start = match.index;
    if (/^\s+$/.test(text)) continue;
    const lexeme = classify(text, start);
    if (lexeme) {
      current.push(lexeme);
    } else if (current.length > 0) {
      found.push(current);
      current = [];
    }
  }
  if (current.length > 0) found.push(current);
  return found;
}

function classify(text: string, start: number): Lexeme | undefined {
  const end = start + text.length;
  if (/^[\d.]/.test(text) && text !== '.') return { text, start, end, canStart: true, canEnd: true };
  if (/^[A-Za-zπ_]/.test(text)) {
    if (isConstantName(text)) return { text, start, end, canStart: true, canEnd: true };
    if (isFunctionName(text)) return { text, start, end, canStart: true, canEnd: false };
    return undefined;
  }
  if (text === '(' || text === '+' || text === '-')
    return { text, start, end, canStart: true, canEnd: false };
  if (text === ')') return { text, start, end, canStart: false, canEnd: true };
  if (/^(?:\*\*|[*/%^,])$/.test(text)) return { text, start, end, canStart: false, canEnd: false };
  return undefined;
}

// Words that ask for a computation, in the five languages. Without one, the message must be
// little more than the expression ("17×23は？"), so a "1914-1918" inside a sentence is left alone.
const CUES = wordPattern([
  'calculate',
  'compute',
  'evaluate',
  'solve',
  'what is',
  "what's",
  'whats',
  'how much',
  'equals',
  '计算',
  '算一下',
  '等于',
  '多少',
  '計算',
  'いくつ',
  'いくら',
  'calcula',
  'calcular',
  'cuánto',
  'cuanto',
  'cuál es',
  'resultado',
  'calcule',
  'calculer',
  'combien',
  'résultat',
  'quel est',
  'que fait',
  'ça fait',
]);
const MAX_LEFTOVER = 3;

/** The expression the user asks to compute, if the message is about arithmetic at all. */
export function arithmeticRequest(text: string): FoundExpression | undefined {
  const found = findExpression(text);
  if (!found) return undefined;
  if (CUES.test(text) || text.includes('=')) return found;
  const leftover = (text.slice(0, found.start) + text.slice(found.end)).replace(/[\s\p{P}\p{S}]/gu, '');
  return [...leftover].length <= MAX_LEFTOVER ? found : undefined;
}

const INTRO: Record<Language, string> = {
  en: 'Let me calculate that.',
  zh: '我来算一下。',
  ja: '計算してみます。',
  es: 'Voy a calcularlo.',
  fr: 'Je vais le calculer.',
};

const RESULT: Record<Language, string> = {
  en: '{expression} = {result}.',
  zh: '{expression} 等于 {result}。',
  ja: '{expression} は {result} です。',
  es: '{expression} es igual a {result}.',
  fr: '{expression} est égal à {result}.',
};

const CANNOT: Record<Language, string> = {
  en: 'I cannot compute {expression}: {error}.',
  zh: '无法计算 {expression}：{error}。',
  ja: '{expression} は計算できません: {error}。',
  es: 'No puedo calcular {expression}: {error}.',
  fr: 'Je ne peux pas calculer {expression} : {error}.',
};

export function arithmeticSentence(language: Language, expression: string, result: number): string {
  return fillTemplate(RESULT[language], { expression, result: String(result) });
}

/** Calls `calculator` when the request offers it. */
export const arithmeticRule: DemoRule = {
  name: 'arithmetic',
  plan(turn: DemoTurn) {
    if (!turn.tools.has('calculator')) return undefined;
    const found = arithmeticRequest(turn.text);
    if (!found) return undefined;
    return {
      kind: 'calls',
      intro: INTRO[turn.language],
      calls: [{ name: 'calculator', arguments: { expression: found.expression } }],
    };
  },
  describeResult(result: DemoToolResult, language: Language) {
    if (result.name !== 'calculator') return undefined;
    const value = result.value;
    const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
    const number = typeof value === 'number' ? value : record.result;
    const expression = record.expression ?? result.arguments.expression;
    if (typeof number !== 'number' || typeof expression !== 'string') return undefined;
    return arithmeticSentence(language, expression, number);
  },
};

/**
 * Without the calculator the demo still answers arithmetic, using the same parser. Placed after
 * the tool rules, so it only speaks when no rule called a tool.
 */
export const directArithmeticRule: DemoRule = {
  name: 'arithmetic-direct',
  plan(turn: DemoTurn) {
    const found = arithmeticRequest(turn.text);
    if (!found) return undefined;
    try {
      const value = tidyNumber(evaluate(parseExpression(found.expression)));
      return { kind: 'reply', text: arithmeticSentence(turn.language, found.expression, value) };
    } catch (error) {
      const message = (error as Error).message;
      return {
        kind: 'reply',
        text: fillTemplate(CANNOT[turn.language], { expression: found.expression, error: message }),
      };
    }
  },
};
