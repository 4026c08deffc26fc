import { fillTemplate, type Language } from '../protocol/index.ts';
import { clip, wordPattern } from './demo-match.ts';
import type { DemoRule, DemoTurn } from './demo-rules.ts';

const LONG_TEXT_CUES = wordPattern([
  'detailed',
  'in detail',
  'in depth',
  'in-depth',
  'essay',
  'lengthy',
  'elaborate',
  'comprehensive',
  'thorough',
  'several paragraphs',
  'long text',
  'long answer',
  'long essay',
  'long story',
  'long article',
  'long explanation',
  'long report',
  '详细',
  '详尽',
  '长文',
  '长篇',
  '论文',
  '作文',
  '文章',
  '詳しく',
  '詳細',
  '長文',
  '長い文章',
  'エッセイ',
  '作文',
  '論文',
  '記事',
  'detallado',
  'detallada',
  'en detalle',
  'ensayo',
  'texto largo',
  'largo texto',
  'extenso',
  'extensa',
  'a fondo',
  'détaillé',
  'détaillée',
  'détaillés',
  'en détail',
  'essai',
  'dissertation',
  'texte long',
  'long texte',
  'longue réponse',
  'approfondi',
  'approfondie',
]);

export function isLongTextRequest(text: string): boolean {
  return LONG_TEXT_CUES.test(text);
}

const MAX_SUBJECT_CHARS = 80;

// What is left of a Latin-script request once the asking is taken away: "Write a detailed essay
// about the history of tea, please" -> "the history of tea".
const LATIN_MARKER =
  /(?<![\p{L}\p{N}])(?:about|on|regarding|concerning|sobre|acerca de|sur|à propos de|au sujet de)\s+/iu;
const LATIN_TAIL =
  /\s*(?:,?\s*(?:please|por favor|s'il (?:te|vous) pla[iî]t|in detail|en detalle|en détail|in depth)\s*)+$/iu;
const LATIN_LEAD =
  /^(?:please\s+|por favor,?\s+)?(?:write|explain|describe|tell me about|tell me|give me|compose|escribe|explica|describe|cuéntame|écris|écrivez|explique|expliquez|décris|décrivez)\s+/iu;
const LATIN_NOUN =
  /^(?:(?:a|an|the|un|una|une|le|la)\s+)?(?:(?:long|detailed|lengthy|largo|detallado|detallada|long|longue|détaillé|détaillée)\s+)?(?:essay|text|article|answer|texto|ensayo|artículo|texte|essai|article|réponse)\b\s*/iu;

const FALLBACK_SUBJECT: Record<Language, string> = {
  en: 'this topic',
  zh: '这个主题',
  ja: 'このテーマ',
  es: 'este tema',
  fr: 'ce sujet',
};

/**
 * Only the start of a request is searched for its subject and length: the patterns below
 * backtrack, and on a megabyte of whitespace they would hold the event loop for minutes.
 */
const MAX_SEARCHED_CHARS = 2_000;

/** The subject of a request for a long text, taken from the user's words. */
export function subjectOf(request: string, language: Language): string {
  const text = request.slice(0, MAX_SEARCHED_CHARS);
  const subject = cjkSubject(text) ?? latinSubject(text);
  return subject ? clip(subject, MAX_SUBJECT_CHARS) : FALLBACK_SUBJECT[language];
}

function cjkSubject(text: string): string | undefined {
  // 写一篇关于人工智能的长文 -> 人工智能; 详细介绍一下量子计算 -> 量子计算
  const zh =
    /(?:关于|有关)(.+?)(?:的|[，。！？,.!?]|$)/u.exec(text) ??
    /介绍(?:一下)?(.+?)(?:[，。！？,.!?]|$)/u.exec(text);
  if (zh?.[1]?.trim()) return zh[1].trim();
  // 日本の歴史について詳しく書いて -> 日本の歴史
  const ja = /([^、。！？「」\s]+?)(?:について|に関して|に関する)/u.exec(text);
  if (ja?.[1]) return ja[1].replace(/^(?:[はをがに])/u, '');
  return undefined;
}

function latinSubject(text: string): string | undefined {
  const sentence = text.trim().split(/[.?!\n]+(?:\s|$)/u)[0] ?? '';
  const marker = LATIN_MARKER.exec(sentence);
  let subject = marker ? sentence.slice(marker.index + marker[0].length) : sentence;
  subject = subject.replace(LATIN_TAIL, '');
  if (!marker) {
    subject = subject.replace(LONG_TEXT_CUES, ' ').replace(/\s+/g, ' ').trim();
    subject = subject.replace(LATIN_LEAD, '').replace(LATIN_NOUN, '');
  }
  subject = subject.replace(/^[\s,:;«»"“”'‘’¿¡]+|[\s,:;«»"“”'‘’]+$/gu, '');
  return subject === '' ? undefined : subject;
}

/** Five paragraphs, each several sentences, that fit any subject. */
const PARAGRAPHS: Record<Language, string[]> = {
  en: [
    'This text is about {subject}. At first sight the subject may seem simple, but it touches many questions at once: where it comes from, how it works, and why it matters to the people who deal with it. The paragraphs below take those questions one at a time. Each builds on the one before, so that the whole picture is clear by the end.',
    'Start with the background. Like most subjects worth studying, {subject} did not appear out of nowhere: it grew out of earlier ideas, practical needs and a good deal of trial and error. Knowing that history explains many details that would otherwise look arbitrary. It also shows which parts have stayed stable over time and which keep changing.',
    'Next come the core ideas. Whoever looks closely at {subject} soon finds a handful of principles that explain most of what happens. Some are easy to state and hard to apply; others are subtle but make everything else fall into place. Learning to recognise them is the step that turns scattered facts into real understanding.',
    'Then there is practice. In everyday use, {subject} meets constraints that theory tends to ignore: limited time, imperfect information and people with different goals. Good results usually come from small, careful steps, checked against reality as often as possible. Mistakes are part of the process, and the useful ones are those noticed early.',
    "To conclude, {subject} rewards patience and curiosity. Its history explains its shape, its principles explain its behaviour, and practice shows where both meet their limits. Anyone who wants to go further can pick one of these angles and explore it in depth. This overview, written by Sluice's offline demo model, is only a starting point.",
  ],
  zh: [
    '本文讨论的主题是{subject}。乍看之下，这个主题似乎很简单，但它同时牵涉到许多问题：它从何而来、如何运作，以及为什么对相关的人如此重要。下面几段将逐一讨论这些问题。每一段都以前一段为基础，读到最后，整体的图景就会清晰起来。',
    '先从背景说起。和大多数值得研究的主题一样，{subject}并不是凭空出现的：它源于更早的想法、实际的需要以及大量的尝试与失败。了解这段历史，可以解释许多看似随意的细节。它也能告诉我们，哪些部分一直保持稳定，哪些部分仍在不断变化。',
    '接下来是核心思想。仔细观察{subject}的人很快会发现，少数几条原则就能解释大部分现象。有些原则说起来容易、用起来难；有些则比较微妙，却能让其他一切豁然开朗。学会识别这些原则，是把零散的事实变成真正理解的关键一步。',
    '然后是实践。在日常应用中，{subject}会遇到理论常常忽略的限制：有限的时间、不完整的信息，以及目标各不相同的人。好的结果通常来自小而谨慎的步骤，并尽可能经常地用现实来检验。犯错是过程的一部分，有价值的错误是那些被及早发现的错误。',
    '总而言之，{subject}值得用耐心和好奇心去探索。它的历史解释了它的形态，它的原则解释了它的行为，而实践则显示了两者的边界。想要深入的人，可以从其中任何一个角度继续探索。这篇概述由 Sluice 的离线演示模型生成，只是一个起点。',
  ],
  ja: [
    'この文章のテーマは{subject}です。一見すると単純に思えるかもしれませんが、このテーマは多くの問いに同時に関わっています。どこから来たのか、どのように機能するのか、そしてなぜ関わる人々にとって重要なのか。以下の段落では、これらの問いを一つずつ取り上げます。各段落は前の段落を踏まえているので、最後には全体像がはっきりするはずです。',
    'まずは背景から始めましょう。研究する価値のある多くのテーマと同じように、{subject}も突然現れたわけではありません。それ以前の考え方や実際の必要、そして数多くの試行錯誤から生まれてきました。その歴史を知ることで、一見恣意的に見える細部の多くが説明できます。また、どの部分が長く変わらず、どの部分が今も変わり続けているのかも見えてきます。',
    '次に中心となる考え方です。{subject}をよく観察すると、起こることの大部分を説明するいくつかの原則があることに気づきます。言うのは簡単でも実践するのが難しい原則もあれば、微妙でありながら他のすべてを腑に落としてくれる原則もあります。それらを見分けられるようになることが、ばらばらの事実を本当の理解に変える一歩です。',
    'そして実践です。日常の場面では、{subject}は理論が見落としがちな制約に直面します。限られた時間、不完全な情報、そして目的の異なる人々です。良い結果は、たいてい小さく慎重な一歩を重ね、できるだけ頻繁に現実と照らし合わせることから生まれます。失敗は過程の一部であり、役に立つのは早く気づいた失敗です。',
    'まとめると、{subject}は忍耐と好奇心に応えてくれるテーマです。歴史はその形を、原則はその振る舞いを説明し、実践は両者の限界を示します。さらに深く知りたい人は、これらの視点のどれか一つを選んで掘り下げてみてください。この概要は Sluice のオフラインデモモデルが書いたもので、出発点にすぎません。',
  ],
  es: [
    'Este texto trata sobre {subject}. A primera vista el tema puede parecer sencillo, pero toca muchas cuestiones a la vez: de dónde viene, cómo funciona y por qué importa a quienes se ocupan de él. Los párrafos siguientes abordan esas cuestiones una por una. Cada uno se apoya en el anterior, de modo que al final el panorama completo quede claro.',
    'Empecemos por el contexto. Como la mayoría de los temas que merecen estudio, {subject} no surgió de la nada: nació de ideas anteriores, de necesidades prácticas y de mucho ensayo y error. Conocer esa historia explica muchos detalles que de otro modo parecerían arbitrarios. También muestra qué partes se han mantenido estables y cuáles siguen cambiando.',
    'Luego vienen las ideas centrales. Quien observa con atención {subject} descubre pronto un puñado de principios que explican casi todo lo que ocurre. Algunos son fáciles de enunciar y difíciles de aplicar; otros son sutiles, pero hacen que todo lo demás encaje. Aprender a reconocerlos es el paso que convierte datos dispersos en una comprensión real.',
    'Después está la práctica. En el uso diario, {subject} se enfrenta a limitaciones que la teoría suele ignorar: tiempo limitado, información imperfecta y personas con objetivos distintos. Los buenos resultados suelen llegar con pasos pequeños y cuidadosos, contrastados con la realidad tan a menudo como sea posible. Los errores forman parte del proceso, y los útiles son los que se detectan pronto.',
    'En conclusión, {subject} recompensa la paciencia y la curiosidad. Su historia explica su forma, sus principios explican su comportamiento y la práctica muestra dónde ambos encuentran sus límites. Quien quiera ir más allá puede elegir uno de estos ángulos y explorarlo a fondo. Este resumen, escrito por el modelo de demostración sin conexión de Sluice, es solo un punto de partida.',
  ],
  fr: [
    "Ce texte porte sur {subject}. À première vue, le sujet peut sembler simple, mais il touche à de nombreuses questions à la fois : d'où il vient, comment il fonctionne et pourquoi il compte pour les personnes qui s'en occupent. Les paragraphes suivants abordent ces questions une à une. Chacun s'appuie sur le précédent, afin que l'ensemble soit clair à la fin.",
    "Commençons par le contexte. Comme la plupart des sujets qui méritent d'être étudiés, {subject} a une longue histoire, faite d'idées antérieures, de besoins pratiques et de nombreux essais et erreurs. Connaître cette histoire explique bien des détails qui sembleraient sinon arbitraires. Elle montre aussi quelles parties sont restées stables et lesquelles continuent d'évoluer.",
    "Viennent ensuite les idées centrales. Quiconque observe attentivement {subject} découvre vite une poignée de principes qui expliquent presque tout ce qui se passe. Certains sont faciles à énoncer et difficiles à appliquer ; d'autres sont subtils, mais permettent à tout le reste de trouver sa place. Apprendre à les reconnaître, c'est transformer des faits épars en véritable compréhension.",
    "Vient ensuite la pratique. Au quotidien, {subject} se heurte à des contraintes que la théorie ignore souvent : le temps limité, l'information imparfaite et des personnes aux objectifs différents. Les bons résultats viennent généralement de petits pas prudents, confrontés à la réalité aussi souvent que possible. Les erreurs font partie du processus, et les plus utiles sont celles que l'on repère tôt.",
    "En conclusion, {subject} récompense la patience et la curiosité. Son histoire explique sa forme, ses principes expliquent son comportement, et la pratique montre où les deux atteignent leurs limites. Qui veut aller plus loin peut choisir l'un de ces angles et l'explorer en profondeur. Ce panorama, rédigé par le modèle de démonstration hors ligne de Sluice, n'est qu'un point de départ.",
  ],
};

/** The most words a request may ask for: enough for long benchmark streams, bounded for memory. */
export const MAX_REQUESTED_WORDS = 100_000;

// "in 5000 words", "5,000-word", "10000 palabras", "2000 mots", "3000字", "3000語".
const LENGTH =
  /(?:\s*(?:in|en|de|of|with|con|avec)\s+)?(?:about|around|unas|environ|some\s+)?(\d[\d,_ ]{0,9})\s*(?:-\s*)?(?:words?|palabras|mots|字|語|単語|个字|個の単語)/iu;

/**
 * The length a request asks for, in words (characters for Chinese and Japanese), and the request
 * without it; undefined when it names none. Clamped to MAX_REQUESTED_WORDS.
 */
export function requestedLength(request: string): { words: number; rest: string } | undefined {
  const text = request.slice(0, MAX_SEARCHED_CHARS);
  const match = LENGTH.exec(text);
  if (!match?.[1]) return undefined;
  const words = Number(match[1].replace(/[,_ ]/g, ''));
  if (!Number.isSafeInteger(words) || words <= 0) return undefined;
  const rest = (text.slice(0, match.index) + text.slice(match.index + match[0].length)).trim();
  return { words: Math.min(words, MAX_REQUESTED_WORDS), rest };
}

/** Words in Latin-script text; characters in Chinese and Japanese, as their writers count. */
function lengthOf(text: string, language: Language): number {
  if (language === 'zh' || language === 'ja') return text.replace(/\s/g, '').length;
  return text.split(/\s+/).filter(Boolean).length;
}

/**
 * Five paragraphs about the subject; asked for a length, the three middle ones repeat (numbered
 * by their order) until the text reaches it, and the conclusion still ends it.
 */
export function longText(subject: string, language: Language, words?: number): string {
  const paragraphs = PARAGRAPHS[language].map((p) => fillTemplate(p, { subject }));
  if (words === undefined) return paragraphs.join('\n\n');
  const first = paragraphs[0] ?? '';
  const middle = paragraphs.slice(1, -1);
  const last = paragraphs.at(-1) ?? '';
  const out = [first];
  let length = lengthOf(first, language) + lengthOf(last, language);
  for (let i = 0; length < words && middle.length > 0; i++) {
    const paragraph = middle[i % middle.length] ?? '';
    out.push(paragraph);
    length += lengthOf(paragraph, language);
  }
  out.push(last);
  return out.join('\n\n');
}

/**
 * Long or detailed texts: paragraphs about the subject taken from the user's words, as long as
 * the request asks ("in 5000 words"), up to MAX_REQUESTED_WORDS.
 */
export const longTextRule: DemoRule = {
  name: 'long-text',
  plan(turn: DemoTurn) {
    if (!isLongTextRequest(turn.text)) return undefined;
    const length = requestedLength(turn.text);
    const subject = subjectOf(length?.rest ?? turn.text, turn.language);
    return { kind: 'reply', text: longText(subject, turn.language, length?.words) };
  },
};
