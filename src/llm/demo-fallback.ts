import { fillTemplate, type Language } from '../protocol/index.ts';
import { clip } from './demo-match.ts';
import type { DemoRule, DemoTurn } from './demo-rules.ts';

const ECHO: Record<Language, string> = {
  en: 'You said: “{subject}”. ',
  zh: '你说的是：“{subject}”。',
  ja: '「{subject}」というメッセージですね。',
  es: 'Me dijiste: «{subject}». ',
  fr: 'Vous avez dit : « {subject} ». ',
};

const HELLO: Record<Language, string> = {
  en: 'Hello! ',
  zh: '你好！',
  ja: 'こんにちは！',
  es: '¡Hola! ',
  fr: 'Bonjour ! ',
};

const CAPABILITIES: Record<Language, string> = {
  en: 'I am Sluice\'s offline demo model, so I cannot really answer that, but I can do arithmetic (try "what is 17*23?"), tell the time in a city ("what time is it in Tokyo?") and write long texts ("write a detailed essay about tea").',
  zh: '我是 Sluice 的离线演示模型，没法真正回答这个问题，不过我可以做算术（试试“计算 17*23”）、查询城市的时间（“东京现在几点？”），还能写长文（“写一篇关于茶的详细文章”）。',
  ja: '私は Sluice のオフラインデモモデルなので本格的にはお答えできませんが、計算（「17*23は？」）、都市の時刻（「東京は今何時？」）、長文の作成（「お茶について詳しく書いて」）ならできます。',
  es: 'Soy el modelo de demostración sin conexión de Sluice, así que no puedo responder de verdad, pero puedo hacer cálculos (prueba «cuánto es 17*23»), decir la hora de una ciudad («qué hora es en Tokio») y escribir textos largos («escribe un texto detallado sobre el té»).',
  fr: "Je suis le modèle de démonstration hors ligne de Sluice : je ne peux pas vraiment répondre, mais je sais faire des calculs (essayez « combien font 17*23 »), donner l'heure d'une ville (« quelle heure est-il à Tokyo ») et écrire des textes longs (« écris un texte détaillé sur le thé »).",
};

const MAX_ECHO_CHARS = 80;

/** Everything else: echo what was asked and say what the demo can do. Always answers, so it goes last. */
export const fallbackRule: DemoRule = {
  name: 'fallback',
  plan(turn: DemoTurn) {
    const subject = clip(turn.text, MAX_ECHO_CHARS);
    const opening = subject === '' ? HELLO[turn.language] : fillTemplate(ECHO[turn.language], { subject });
    return { kind: 'reply', text: opening + CAPABILITIES[turn.language] };
  },
};
