import type { Language } from './languages.ts';

/**
 * Person-facing texts that are not errors: status lines and progress messages the run emits.
 * Every entry exists in all five languages; `{name}` placeholders are filled from params.
 */
export const TEXTS = {
  run_started: {
    en: 'Working on your request…',
    zh: '正在处理您的请求…',
    ja: 'リクエストを処理しています…',
    es: 'Procesando su solicitud…',
    fr: 'Traitement de votre demande…',
  },
  thinking: {
    en: 'Thinking (step {step})…',
    zh: '思考中（第 {step} 步）…',
    ja: '考えています（ステップ {step}）…',
    es: 'Pensando (paso {step})…',
    fr: 'Réflexion (étape {step})…',
  },
  tool_starting: {
    en: 'Calling {tool}…',
    zh: '正在调用 {tool}…',
    ja: '{tool} を呼び出しています…',
    es: 'Llamando a {tool}…',
    fr: 'Appel de {tool}…',
  },
  tool_completed: {
    en: '{tool} finished.',
    zh: '{tool} 已完成。',
    ja: '{tool} が完了しました。',
    es: '{tool} terminó.',
    fr: '{tool} a terminé.',
  },
  tool_failed: {
    en: '{tool} failed: {reason}',
    zh: '{tool} 失败：{reason}',
    ja: '{tool} が失敗しました: {reason}',
    es: '{tool} falló: {reason}',
    fr: '{tool} a échoué : {reason}',
  },
  tool_unknown: {
    en: 'There is no tool named "{tool}".',
    zh: '没有名为“{tool}”的工具。',
    ja: '「{tool}」という名前のツールはありません。',
    es: 'No existe ninguna herramienta llamada "{tool}".',
    fr: "Il n'existe aucun outil nommé « {tool} ».",
  },
  tool_bad_arguments: {
    en: 'The arguments for {tool} are invalid: {reason}',
    zh: '{tool} 的参数无效：{reason}',
    ja: '{tool} の引数が無効です: {reason}',
    es: 'Los argumentos de {tool} no son válidos: {reason}',
    fr: 'Les arguments de {tool} sont invalides : {reason}',
  },
  tool_timeout: {
    en: '{tool} did not finish within {seconds} seconds.',
    zh: '{tool} 未在 {seconds} 秒内完成。',
    ja: '{tool} は {seconds} 秒以内に完了しませんでした。',
    es: '{tool} no terminó en {seconds} segundos.',
    fr: "{tool} n'a pas terminé en {seconds} secondes.",
  },
  tool_cancelled: {
    en: '{tool} was cancelled.',
    zh: '{tool} 已取消。',
    ja: '{tool} はキャンセルされました。',
    es: '{tool} fue cancelada.',
    fr: '{tool} a été annulé.',
  },
  evaluating: {
    en: 'Evaluating {expression}',
    zh: '正在计算 {expression}',
    ja: '{expression} を計算しています',
    es: 'Evaluando {expression}',
    fr: 'Évaluation de {expression}',
  },
  reading_clock: {
    en: 'Reading the clock for {zone}',
    zh: '正在读取 {zone} 的时间',
    ja: '{zone} の時刻を取得しています',
    es: 'Consultando la hora de {zone}',
    fr: "Lecture de l'heure pour {zone}",
  },
  run_queued: {
    en: 'Waiting for the previous run in this session to finish…',
    zh: '正在等待此会话中的上一个运行结束…',
    ja: 'このセッションの前の実行が終わるのを待っています…',
    es: 'Esperando a que termine la ejecución anterior de esta sesión…',
    fr: "En attente de la fin de l'exécution précédente de cette session…",
  },
  run_cancelled: {
    en: 'Run cancelled.',
    zh: '运行已取消。',
    ja: '実行をキャンセルしました。',
    es: 'Ejecución cancelada.',
    fr: 'Exécution annulée.',
  },
  run_completed: {
    en: 'Done.',
    zh: '完成。',
    ja: '完了しました。',
    es: 'Listo.',
    fr: 'Terminé.',
  },
  stream_starting: {
    en: 'Starting to generate the response...',
    zh: '开始生成响应...',
    ja: '応答の生成を開始します...',
    es: 'Comenzando a generar la respuesta...',
    fr: 'Début de la génération de la réponse...',
  },
  extract_reading: {
    en: 'Reading {document}…',
    zh: '正在读取 {document}…',
    ja: '{document} を読み込んでいます…',
    es: 'Leyendo {document}…',
    fr: 'Lecture de {document}…',
  },
  extract_extracting: {
    en: 'Extracting items from {document}…',
    zh: '正在从 {document} 中抽取条目…',
    ja: '{document} から項目を抽出しています…',
    es: 'Extrayendo elementos de {document}…',
    fr: 'Extraction des éléments de {document}…',
  },
  extract_validating: {
    en: 'Validating {count} items…',
    zh: '正在校验 {count} 个条目…',
    ja: '{count} 件の項目を検証しています…',
    es: 'Validando {count} elementos…',
    fr: 'Validation de {count} éléments…',
  },
  extract_no_result: {
    en: 'The agent finished without extracting any items from the document.',
    zh: '智能体已结束，但没有从文档中抽取任何条目。',
    ja: 'エージェントは文書から項目を抽出せずに終了しました。',
    es: 'El agente terminó sin extraer ningún elemento del documento.',
    fr: "L'agent a terminé sans extraire aucun élément du document.",
  },
  document_outside: {
    en: 'The path "{path}" is outside the documents folder; give a relative path inside it',
    zh: '路径“{path}”不在文档目录内；请提供该目录内的相对路径',
    ja: 'パス「{path}」は文書フォルダの外です。フォルダ内の相対パスを指定してください',
    es: 'La ruta "{path}" está fuera de la carpeta de documentos; indique una ruta relativa dentro de ella',
    fr: 'Le chemin « {path} » est hors du dossier des documents ; donnez un chemin relatif à l’intérieur',
  },
  document_not_found: {
    en: 'There is no document "{path}" in the documents folder',
    zh: '文档目录中没有文档“{path}”',
    ja: '文書フォルダに文書「{path}」はありません',
    es: 'No hay ningún documento "{path}" en la carpeta de documentos',
    fr: 'Il n’y a aucun document « {path} » dans le dossier des documents',
  },
  document_not_text: {
    en: 'The document "{path}" is not a text file',
    zh: '文档“{path}”不是文本文件',
    ja: '文書「{path}」はテキストファイルではありません',
    es: 'El documento "{path}" no es un archivo de texto',
    fr: 'Le document « {path} » n’est pas un fichier texte',
  },
  document_too_large: {
    en: 'The document "{path}" is larger than the limit of {limit} bytes',
    zh: '文档“{path}”超过了 {limit} 字节的限制',
    ja: '文書「{path}」は上限の {limit} バイトを超えています',
    es: 'El documento "{path}" supera el límite de {limit} bytes',
    fr: 'Le document « {path} » dépasse la limite de {limit} octets',
  },
} as const satisfies Record<string, Record<Language, string>>;

export type TextKey = keyof typeof TEXTS;

/** Fills `{name}` placeholders; unknown names stay visible rather than vanishing. */
export function fillTemplate(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function text(key: TextKey, language: Language, params: Record<string, string | number> = {}): string {
  return fillTemplate(TEXTS[key][language], params);
}
