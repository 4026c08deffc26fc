import { fillTemplate, type Language } from '../protocol/index.ts';
import { wordPattern } from './demo-match.ts';
import type { DemoRule, DemoToolResult, DemoTurn } from './demo-rules.ts';
import { joinSentences } from './demo-rules.ts';

const EXTRACT_WORDS = wordPattern([
  'extract',
  'extraction',
  'extraer',
  'extrae',
  'extracción',
  'extraire',
  'extrais',
  'extraction',
  '抽取',
  '提取',
  '抽出',
]);

/** A JSON string literal (what the extraction endpoint writes), or text in typographic quotes. */
const QUOTED = /"((?:[^"\\\n]|\\.)+)"|“([^”\n]+)”|「([^」\n]+)」|«\s?([^»\n]+?)\s?»/u;
/** A bare file name with an extension: notes.txt, contracts/2026/lease.md. */
const FILE_NAME =
  /(?<![\p{L}\p{N}_./-])[\p{L}\p{N}_-][\p{L}\p{N}_./-]*\.[A-Za-z][A-Za-z0-9]{0,7}(?![\p{L}\p{N}_/-])/u;

/** The document path named in a message: the first quoted text, else the first file name. */
export function findDocumentPath(text: string): string | undefined {
  const quoted = QUOTED.exec(text);
  if (quoted) {
    if (quoted[1] !== undefined) {
      try {
        return JSON.parse(`"${quoted[1]}"`) as string;
      } catch {
        return quoted[1];
      }
    }
    return (quoted[2] ?? quoted[3] ?? quoted[4])?.trim();
  }
  return FILE_NAME.exec(text)?.[0];
}

const INTRO: Record<Language, string> = {
  en: 'I will extract the items from "{path}".',
  zh: '我来从“{path}”中抽取条目。',
  ja: '「{path}」から項目を抽出します。',
  es: 'Voy a extraer los elementos de "{path}".',
  fr: 'Je vais extraire les éléments de « {path} ».',
};

const WHICH_DOCUMENT: Record<Language, string> = {
  en: 'Which document should I read? Give its path in the documents folder, for example "invoice.txt".',
  zh: '要读取哪个文档？请给出它在文档目录中的路径，例如 "invoice.txt"。',
  ja: 'どの文書を読みますか？文書フォルダ内のパスを指定してください（例: "invoice.txt"）。',
  es: '¿Qué documento debo leer? Indique su ruta en la carpeta de documentos, por ejemplo "invoice.txt".',
  fr: 'Quel document dois-je lire ? Donnez son chemin dans le dossier des documents, par exemple « invoice.txt ».',
};

const FOUND: Record<Language, string> = {
  en: 'I found {items} candidate items in "{path}"; {validated} passed validation ({summary}).',
  zh: '我在“{path}”中找到 {items} 个候选条目，其中 {validated} 个通过校验（{summary}）。',
  ja: '「{path}」で候補を {items} 件見つけ、そのうち {validated} 件が検証を通りました（{summary}）。',
  es: 'Encontré {items} elementos candidatos en "{path}"; {validated} pasaron la validación ({summary}).',
  fr: "J'ai trouvé {items} éléments candidats dans « {path} » ; {validated} ont passé la validation ({summary}).",
};

const NONE_VALID: Record<Language, string> = {
  en: 'I found {items} candidate items in "{path}", but none passed validation.',
  zh: '我在“{path}”中找到 {items} 个候选条目，但没有一个通过校验。',
  ja: '「{path}」で候補を {items} 件見つけましたが、検証を通ったものはありません。',
  es: 'Encontré {items} elementos candidatos en "{path}", pero ninguno pasó la validación.',
  fr: "J'ai trouvé {items} éléments candidats dans « {path} », mais aucun n'a passé la validation.",
};

const TYPE_NAMES: Record<Language, Record<string, string>> = {
  en: {
    date: 'date',
    amount: 'amount',
    percentage: 'percentage',
    email: 'email',
    url: 'URL',
    phone: 'phone',
    person: 'person',
    organization: 'organization',
    other: 'other',
  },
  zh: {
    date: '日期',
    amount: '金额',
    percentage: '百分比',
    email: '邮箱',
    url: '网址',
    phone: '电话',
    person: '人名',
    organization: '机构',
    other: '其他',
  },
  ja: {
    date: '日付',
    amount: '金額',
    percentage: '割合',
    email: 'メール',
    url: 'URL',
    phone: '電話番号',
    person: '人名',
    organization: '組織',
    other: 'その他',
  },
  es: {
    date: 'fecha',
    amount: 'importe',
    percentage: 'porcentaje',
    email: 'correo',
    url: 'URL',
    phone: 'teléfono',
    person: 'persona',
    organization: 'organización',
    other: 'otro',
  },
  fr: {
    date: 'date',
    amount: 'montant',
    percentage: 'pourcentage',
    email: 'e-mail',
    url: 'URL',
    phone: 'téléphone',
    person: 'personne',
    organization: 'organisation',
    other: 'autre',
  },
};

/** "date: 2, email: 1" in the language, types in the order they first appear. */
function summarize(items: readonly { type?: unknown }[], language: Language): string {
  const counts = new Map<string, number>();
  for (const item of items) {
    const type = typeof item.type === 'string' ? item.type : 'other';
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  const colon = language === 'zh' || language === 'ja' ? '：' : ': ';
  const parts = [...counts].map(([type, n]) => `${TYPE_NAMES[language][type] ?? type}${colon}${n}`);
  return parts.join(language === 'zh' || language === 'ja' ? '、' : ', ');
}

/**
 * Extraction requests, when `extract_items` is offered (the `extractor` agent): a message that
 * names a document (a quoted path, as `POST /v1/extract` writes it, or a file name) or asks to
 * extract calls the tool on that path; asking to extract without naming one gets a question back.
 */
export const extractionRule: DemoRule = {
  name: 'extraction',
  plan(turn: DemoTurn) {
    if (!turn.tools.has('extract_items')) return undefined;
    const path = findDocumentPath(turn.text);
    if (path === undefined || path === '') {
      return EXTRACT_WORDS.test(turn.text)
        ? { kind: 'reply', text: WHICH_DOCUMENT[turn.language] }
        : undefined;
    }
    return {
      kind: 'calls',
      intro: fillTemplate(INTRO[turn.language], { path }),
      calls: [{ name: 'extract_items', arguments: { document_path: path } }],
    };
  },
  describeResult(result: DemoToolResult, language: Language) {
    if (result.name !== 'extract_items' || typeof result.value !== 'object' || result.value === null)
      return undefined;
    const { items, validated_items, document_path } = result.value as Record<string, unknown>;
    if (!Array.isArray(items) || !Array.isArray(validated_items)) return undefined;
    const params = {
      path: typeof document_path === 'string' ? document_path : String(result.arguments.document_path ?? ''),
      items: items.length,
      validated: validated_items.length,
    };
    if (validated_items.length === 0) return fillTemplate(NONE_VALID[language], params);
    return joinSentences(language, [
      fillTemplate(FOUND[language], { ...params, summary: summarize(validated_items, language) }),
    ]);
  },
};
