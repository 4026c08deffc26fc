import { fillTemplate, type Language } from '../protocol/index.ts';
import type { ChatMessage } from './provider.ts';

/** What a rule sees of the user's latest message. */
export interface DemoTurn {
  text: string;
  language: Language;
  /** Names of the tools the request offers; rules may only call these. */
  tools: ReadonlySet<string>;
  /** The whole conversation, for rules that build on earlier turns. */
  messages?: readonly ChatMessage[];
}

export interface PlannedCall {
  name: string;
  arguments: Record<string, unknown>;
}

/** A rule either calls tools (after a short sentence saying so) or answers with text. */
export type DemoPlan =
  | { kind: 'calls'; intro: string; calls: PlannedCall[] }
  | { kind: 'reply'; text: string };

/** One tool result read back from the conversation. */
export interface DemoToolResult {
  name: string;
  /** The arguments the model sent, parsed; {} when they were not a JSON object. */
  arguments: Record<string, unknown>;
  ok: boolean;
  /** The parsed result when ok (JSON value, or the raw text when it was not JSON). */
  value: unknown;
  /** What went wrong when not ok. */
  error: string;
}

/**
 * One intent of the demo model. Rules are tried in order: the first that plans decides the kind
 * of answer. After a `calls` plan, later rules may add calls (so one message can ask for a sum
 * and the time) but their replies are ignored; after a `reply` plan nothing else runs.
 */
export interface DemoRule {
  readonly name: string;
  plan(turn: DemoTurn): DemoPlan | undefined;
  /** A sentence about a successful result of this rule's tool; undefined when it is not its tool. */
  describeResult?(result: DemoToolResult, language: Language): string | undefined;
  /**
   * For multi-step intents: given the results the model has not answered yet, more calls to make
   * (the next step), or undefined to let the results be described. The first rule that continues
   * decides.
   */
  continueWith?(turn: DemoTurn, results: readonly DemoToolResult[]): DemoPlan | undefined;
}

/** The next step of a multi-step intent, if a rule has one for these results. */
export function continueTurn(
  rules: readonly DemoRule[],
  turn: DemoTurn,
  results: readonly DemoToolResult[],
): Extract<DemoPlan, { kind: 'calls' }> | undefined {
  for (const rule of rules) {
    const plan = rule.continueWith?.(turn, results);
    if (plan?.kind === 'calls' && plan.calls.length > 0) return plan;
  }
  return undefined;
}

export function planTurn(rules: readonly DemoRule[], turn: DemoTurn): DemoPlan | undefined {
  const intros: string[] = [];
  const calls: PlannedCall[] = [];
  for (const rule of rules) {
    const plan = rule.plan(turn);
    if (!plan) continue;
    if (plan.kind === 'reply') {
      if (calls.length === 0) return plan;
      continue;
    }
    if (plan.calls.length === 0) continue;
    intros.push(plan.intro);
    calls.push(...plan.calls);
  }
  return calls.length > 0 ? { kind: 'calls', intro: joinSentences(turn.language, intros), calls } : undefined;
}

const FAILED: Record<Language, string> = {
  en: 'Sorry, {tool} did not work: {error}.',
  zh: '抱歉，{tool} 没有成功：{error}。',
  ja: '申し訳ありません、{tool} はうまくいきませんでした: {error}。',
  es: 'Lo siento, {tool} no funcionó: {error}.',
  fr: "Désolé, {tool} n'a pas fonctionné : {error}.",
};

// When the error already names the tool (the agent's texts do: "calculator failed: ..."), it is
// said as is rather than wrapped in a second "did not work".
const APOLOGY: Record<Language, string> = {
  en: 'Sorry, {error}.',
  zh: '抱歉，{error}。',
  ja: '申し訳ありません、{error}。',
  es: 'Lo siento, {error}.',
  fr: 'Désolé, {error}.',
};

const RETURNED: Record<Language, string> = {
  en: '{tool} returned {value}.',
  zh: '{tool} 返回了 {value}。',
  ja: '{tool} の結果は {value} です。',
  es: '{tool} devolvió {value}.',
  fr: '{tool} a renvoyé {value}.',
};

/** One sentence per result: the owning rule's wording, else a generic one; failures said politely. */
export function describeResults(
  rules: readonly DemoRule[],
  results: readonly DemoToolResult[],
  language: Language,
): string {
  const sentences = results.map((result) => {
    if (!result.ok) {
      const error = result.error.trim().replace(/[.。!！]+$/u, '');
      const template = error.startsWith(result.name) ? APOLOGY : FAILED;
      return fillTemplate(template[language], { tool: result.name, error });
    }
    for (const rule of rules) {
      const sentence = rule.describeResult?.(result, language);
      if (sentence) return sentence;
    }
    const value = typeof result.value === 'string' ? result.value : JSON.stringify(result.value);
    return fillTemplate(RETURNED[language], { tool: result.name, value: clipValue(value ?? 'null') });
  });
  return joinSentences(language, sentences);
}

function clipValue(value: string): string {
  return value.length <= 200 ? value : `${value.slice(0, 199)}…`;
}

/** Chinese and Japanese sentences run on without spaces; the others take one. */
export function joinSentences(language: Language, sentences: readonly string[]): string {
  return sentences.filter((s) => s !== '').join(language === 'zh' || language === 'ja' ? '' : ' ');
}
