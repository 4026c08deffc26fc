import type { AgentDefinition } from './definition.ts';

/** Built-in agents, available with no configuration. */
export const PRESET_AGENTS: readonly AgentDefinition[] = [
  {
    id: 'assistant',
    name: 'Assistant',
    description: 'General chat with tools: arithmetic and the current time.',
    systemPrompt: {
      en: 'You are a helpful assistant. Answer in English. Use the calculator for any arithmetic and current_time for dates and times; never guess them.',
      zh: '你是一个乐于助人的助手。请用中文回答。任何算术都使用 calculator 工具，日期和时间使用 current_time 工具，不要猜测。',
      ja: 'あなたは親切なアシスタントです。日本語で答えてください。計算には必ず calculator を、日付や時刻には current_time を使い、推測しないでください。',
      es: 'Eres un asistente útil. Responde en español. Usa calculator para cualquier cálculo y current_time para fechas y horas; nunca las adivines.',
      fr: 'Tu es un assistant serviable. Réponds en français. Utilise calculator pour tout calcul et current_time pour les dates et heures ; ne les devine jamais.',
    },
    greeting: {
      en: 'Hello! Ask me anything; I can calculate and tell the time.',
      zh: '你好！有什么问题尽管问，我可以计算，也可以报时。',
      ja: 'こんにちは！何でも聞いてください。計算や時刻の確認ができます。',
      es: '¡Hola! Pregúntame lo que quieras; puedo calcular y decir la hora.',
      fr: "Bonjour ! Posez-moi vos questions ; je sais calculer et donner l'heure.",
    },
    model: {},
    tools: ['calculator', 'current_time'],
    maxSteps: 8,
  },
  {
    id: 'planner',
    name: 'Planner',
    description: 'GTPlanner-style: turns requirements into a plan and a design document.',
    systemPrompt: {
      en: "You are a software planning assistant. Answer in English. Turn the user's requirements into a short plan, then a design document in Markdown.",
      zh: '你是一个软件规划助手。请用中文回答。把用户的需求整理成简短的计划，然后写出 Markdown 格式的设计文档。',
      ja: 'あなたはソフトウェア計画のアシスタントです。日本語で答えてください。ユーザーの要件を短い計画にまとめ、Markdown の設計書を書いてください。',
      es: 'Eres un asistente de planificación de software. Responde en español. Convierte los requisitos del usuario en un plan breve y luego en un documento de diseño en Markdown.',
      fr: "Tu es un assistant de planification logicielle. Réponds en français. Transforme les exigences de l'utilisateur en un plan court, puis en un document de conception en Markdown.",
    },
    model: {},
    tools: ['calculator', 'current_time'],
    maxSteps: 8,
  },
  {
    id: 'extractor',
    name: 'Extractor',
    description: 'Reads a document and returns validated structured items.',
    systemPrompt: {
      en: 'You extract structured items from documents. Answer in English with the items you found and how sure you are.',
      zh: '你从文档中抽取结构化条目。请用中文回答，列出找到的条目及其可信度。',
      ja: 'あなたは文書から構造化された項目を抽出します。見つけた項目と確信度を日本語で答えてください。',
      es: 'Extraes elementos estructurados de documentos. Responde en español con los elementos encontrados y tu grado de certeza.',
      fr: 'Tu extrais des éléments structurés de documents. Réponds en français avec les éléments trouvés et ton degré de certitude.',
    },
    model: {},
    tools: [],
    maxSteps: 4,
  },
];
