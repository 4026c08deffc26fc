import type { Language } from '../protocol/index.ts';
import { clip, wordPattern } from './demo-match.ts';
import { type Domain, PLANNING_TEXTS } from './demo-planning-texts.ts';

/**
 * How the demo model reads a design request: what to build (the subject), what else the user
 * asked for (wishes), the domain and the depth. Plain pattern matching over the user's words in
 * the five languages; a real model does this by understanding.
 */

export type DesignMode = 'quick' | 'deep';

export interface SubjectForms {
  /** "online shop", "在线购物系统". */
  subject: string;
  /** With its definite article: "the online shop", "la tienda en línea", "l'application". */
  the: string;
  /** Its "of" form: "of the online shop", "de la tienda en línea", "du site". */
  of: string;
}

export interface DesignBrief {
  /** The user's requirement texts, oldest first. */
  requests: string[];
  subject: SubjectForms;
  /** Further wishes in the user's words: "会员积分功能", "loyalty points". */
  wishes: string[];
  domain: Domain;
  mode: DesignMode;
}

const DESIGN_WORDS = wordPattern([
  'design',
  'designs',
  'plan',
  'planning',
  'architecture',
  'architect',
  'blueprint',
  '设计',
  '规划',
  '方案',
  '架构',
  '設計',
  '計画',
  'アーキテクチャ',
  'diseña',
  'diseñar',
  'diseño',
  'diseñe',
  'planifica',
  'planificar',
  'planifique',
  'arquitectura',
  'conçois',
  'concevoir',
  'concevez',
  'conception',
  'planifie',
  'planifier',
  'planifiez',
]);

const ADD_WORDS = wordPattern([
  'add',
  'also',
  'include',
  '加上',
  '增加',
  '添加',
  '加入',
  '还要',
  '追加',
  '加えて',
  'añade',
  'añadir',
  'agrega',
  'agregar',
  'incluye',
  'ajoute',
  'ajoutez',
  'ajouter',
  'inclus',
  'incluez',
]);

const DEEP_WORDS = wordPattern([
  'deep',
  'in-depth',
  'in depth',
  'detailed',
  'thorough',
  'comprehensive',
  '深度',
  '详细',
  '深入',
  '详尽',
  '詳細',
  '詳しく',
  '詳しい',
  '徹底',
  'a fondo',
  'en profundidad',
  'detallado',
  'detallada',
  'exhaustivo',
  'approfondi',
  'approfondie',
  'détaillé',
  'détaillée',
  'en détail',
]);

/** Words that only say how to answer; a clause made of nothing else names no requirement. */
const INSTRUCTION_WORDS = new RegExp(
  wordPattern([
    'design',
    'designs',
    'plan',
    'document',
    'doc',
    'detailed',
    'deep',
    'in-depth',
    'in depth',
    'thorough',
    'quick',
    'full',
    'complete',
    'it',
    'make',
    'do',
    'write',
    'one',
    'version',
    'mode',
    'a',
    'an',
    'the',
    'please',
    'me',
    'now',
    '设计',
    '规划',
    '方案',
    '文档',
    '详细',
    '深度',
    '深入',
    '完整',
    '简单',
    '做',
    '写',
    '一个',
    '一份',
    '个',
    '的',
    '请',
    '模式',
    '版本',
    '再',
    '出',
    '詳細',
    '詳しい',
    '詳しく',
    '設計',
    '設計書',
    '計画',
    'な',
    'に',
    'して',
    'ください',
    'を',
    'お願い',
    'します',
    'もっと',
    'の',
    'で',
    'diseño',
    'documento',
    'detallado',
    'detallada',
    'a fondo',
    'en profundidad',
    'completo',
    'haz',
    'hazlo',
    'un',
    'una',
    'el',
    'la',
    'que',
    'sea',
    'más',
    'conception',
    'détaillé',
    'détaillée',
    'approfondi',
    'approfondie',
    'complet',
    'complète',
    'fais',
    'faites',
    'une',
    'le',
    'plus',
    'en détail',
  ]).source,
  'giu',
);

const LEAD =
  /^(?:(?:请你|请|麻烦你|麻烦|帮我|帮忙|给我|我想要|我想|我要|我需要|能否|可以|再|还要|另外|并且|同时|然后|也|さらに|また|それと|あと|次に)\s*|(?:please|also|now|then|and|can you|could you|would you|help me(?: to)?|i want to|i need to|i'd like to|let's|lets|kindly|por favor|también|además|ahora|y|puedes|podrías|ayúdame a|quiero|necesito|s'il te plaît|s'il vous plaît|aussi|puis|et|peux-tu|pouvez-vous|aide-moi à|je veux|je voudrais)(?![\p{L}\p{N}])[\s,]*)+/iu;
const VERB =
  /^(?:(?:设计|规划|计划|制作|做|开发|构建|搭建|实现|创建|加上|增加|添加|加入|支持|包括|包含|带有|具有|写)(?:一下)?|(?:design|plan|architect|build|create|make|write|add|include|support|draft|diseña|diseñar|diseñe|planifica|planificar|planea|crea|crear|construye|construir|añade|añadir|agrega|agregar|incluye|incluir|haz|conçois|concevez|concevoir|planifie|planifiez|planifier|crée|créez|créer|construis|construisez|ajoute|ajoutez|ajouter|inclus|incluez|fais|faites)(?:-moi|\s+me)?(?![\p{L}\p{N}]))\s*/iu;
const ARTICLE =
  /^(?:(?:一个|一套|一款|一份|个|套)|(?:a|an|the|some|my|our|un|una|el|la|los|las|unos|unas|mi|nuestro|nuestra|une|le|les|des|mon|ma|notre)(?![\p{L}\p{N}'’])\s*|l['’])/iu;
// Japanese puts the object first: "オンラインショップを設計して" -> "オンラインショップ".
const JA_OBJECT = /^(.+?)(?:を|も|の)?(?:設計|計画|追加|作成|開発|構築|作っ|作り|考え)/u;
const ZH_TAIL = /的?(?:设计文档|设计|方案|规划)$/u;
const LATIN_TAIL = /(?:\s+(?:please|por favor|s'il (?:te|vous) pla[iî]t|for me))+$/iu;
const CLAUSES =
  /[，,。.;；!！?？、\n]+|\s+(?:and|with|including|y|con|et|avec)\s+|(?:和|以及|并且|还有|及)/iu;
const EDGES = /^[\s"'“”‘’«»「」『』()（）:：-]+|[\s"'“”‘’«»「」『』()（）:：-]+$/gu;
const SHOP =
  /shop|store|e-?commerce|shopping|marketplace|购物|商城|电商|网店|商店|ショップ|通販|tienda|comercio|boutique|commerce|magasin/iu;

const MAX_REQUESTS = 20;
const MAX_REQUEST_CHARS = 500;
const MAX_SUBJECT_CHARS = 60;

export function isPlanningRequest(text: string): boolean {
  return DESIGN_WORDS.test(text);
}

export function isAddition(text: string): boolean {
  return ADD_WORDS.test(text);
}

export function isDeepRequest(text: string): boolean {
  return DEEP_WORDS.test(text);
}

interface Clause {
  text: string;
  /** The article the user put before it (es, fr gender), lower case. */
  article: string | undefined;
}

function cleanClause(raw: string): Clause {
  let text = raw.trim();
  let article: string | undefined;
  const ja = JA_OBJECT.exec(text);
  if (ja?.[1]) text = ja[1];
  for (let i = 0; i < 3; i++) {
    const before = text;
    text = text.replace(LEAD, '').replace(VERB, '');
    const found = ARTICLE.exec(text);
    if (found) {
      article = found[0].trim().toLowerCase();
      text = text.slice(found[0].length);
    }
    if (text === before) break;
  }
  text = text.replace(LATIN_TAIL, '').replace(ZH_TAIL, '').replace(EDGES, '').trim();
  return { text, article };
}

function namesSomething(clause: string): boolean {
  return clause.replace(INSTRUCTION_WORDS, '').replace(/[\s\p{P}]+/gu, '') !== '';
}

function clauses(request: string): Clause[] {
  return request
    .split(CLAUSES)
    .map(cleanClause)
    .filter((clause) => clause.text !== '' && namesSomething(clause.text));
}

function capitalize(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

export function subjectForms(subject: string, article: string | undefined, language: Language): SubjectForms {
  switch (language) {
    case 'en':
      return { subject, the: `the ${subject}`, of: `of the ${subject}` };
    case 'es': {
      const feminine = article
        ? ['una', 'la', 'unas', 'las', 'nuestra'].includes(article)
        : /a$/iu.test(subject.split(/\s+/)[0] ?? '');
      return feminine
        ? { subject, the: `la ${subject}`, of: `de la ${subject}` }
        : { subject, the: `el ${subject}`, of: `del ${subject}` };
    }
    case 'fr': {
      if (/^[aeiouyhàâéèêëîïôûü]/iu.test(subject)) {
        return { subject, the: `l'${subject}`, of: `de l'${subject}` };
      }
      const feminine = article !== undefined && ['une', 'la', 'ma'].includes(article);
      return feminine
        ? { subject, the: `la ${subject}`, of: `de la ${subject}` }
        : { subject, the: `le ${subject}`, of: `du ${subject}` };
    }
    default:
      return { subject, the: subject, of: subject };
  }
}

/**
 * Reads the requirements (one request per line, oldest first): the subject comes from the first
 * request's first clause, every other clause is a wish.
 */
export function readBrief(requirements: string, language: Language, mode: DesignMode): DesignBrief {
  const requests = requirements
    .split('\n')
    .map((line) => clip(line, MAX_REQUEST_CHARS))
    .filter((line) => line !== '')
    .slice(-MAX_REQUESTS);
  const [first = '', ...later] = requests;
  const [head, ...rest] = clauses(first);
  const subject = head ? clip(head.text, MAX_SUBJECT_CHARS) : PLANNING_TEXTS[language].fallbackSubject;
  const wishes: string[] = [];
  for (const clause of [...rest, ...later.flatMap(clauses)]) {
    const wish = clip(clause.text, MAX_SUBJECT_CHARS);
    if (!wishes.includes(wish) && wish !== subject) wishes.push(wish);
  }
  return {
    requests,
    subject: subjectForms(subject, head?.article, language),
    wishes,
    domain: SHOP.test(requirements) ? 'shop' : 'generic',
    mode,
  };
}

/** The title-case subject, for headings in languages that capitalise. */
export function headingSubject(subject: string, language: Language): string {
  return language === 'zh' || language === 'ja' ? subject : capitalize(subject);
}
