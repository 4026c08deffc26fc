import type { Language } from './languages.ts';
import { fillTemplate } from './texts.ts';

type Messages = Record<Language, string>;
interface ErrorSpec {
  status: number;
  /** Whether a client may retry the same request (or resume the same stream) and expect success. */
  retryable: boolean;
  message: Messages;
}

/**
 * The one error table. Codes are stable API: clients switch on them. HTTP status applies to
 * errors answered before a stream starts; after that the same code travels in an `error` event.
 * `{name}` placeholders are filled from the error's params.
 */
export const ERRORS = {
  invalid_json: {
    status: 400,
    retryable: false,
    message: {
      en: 'The request body is not valid JSON.',
      zh: '请求体不是有效的 JSON。',
      ja: 'リクエスト本文が有効な JSON ではありません。',
      es: 'El cuerpo de la solicitud no es JSON válido.',
      fr: "Le corps de la requête n'est pas un JSON valide.",
    },
  },
  validation_failed: {
    status: 400,
    retryable: false,
    message: {
      en: 'The request is invalid: {issues}',
      zh: '请求无效：{issues}',
      ja: 'リクエストが無効です: {issues}',
      es: 'La solicitud no es válida: {issues}',
      fr: 'La requête est invalide : {issues}',
    },
  },
  unsupported_language: {
    status: 400,
    retryable: false,
    message: {
      en: 'Language "{language}" is not supported; use one of zh, en, ja, es, fr.',
      zh: '不支持语言“{language}”；请使用 zh、en、ja、es、fr 之一。',
      ja: '言語「{language}」はサポートされていません。zh、en、ja、es、fr のいずれかを使ってください。',
      es: 'El idioma "{language}" no es compatible; use zh, en, ja, es o fr.',
      fr: "La langue « {language} » n'est pas prise en charge ; utilisez zh, en, ja, es ou fr.",
    },
  },
  invalid_last_event_id: {
    status: 400,
    retryable: false,
    message: {
      en: 'Last-Event-ID must be a whole number between 0 and the run\'s last event ({last}); got "{value}".',
      zh: 'Last-Event-ID 必须是 0 到该运行最后一个事件（{last}）之间的整数；收到“{value}”。',
      ja: 'Last-Event-ID は 0 から実行の最後のイベント（{last}）までの整数でなければなりません。受信値:「{value}」。',
      es: 'Last-Event-ID debe ser un entero entre 0 y el último evento de la ejecución ({last}); se recibió "{value}".',
      fr: "Last-Event-ID doit être un entier entre 0 et le dernier événement de l'exécution ({last}) ; reçu « {value} ».",
    },
  },
  unauthorized: {
    status: 401,
    retryable: false,
    message: {
      en: 'A valid API key is required (Authorization: Bearer <key> or X-API-Key).',
      zh: '需要有效的 API 密钥（Authorization: Bearer <key> 或 X-API-Key）。',
      ja: '有効な API キーが必要です（Authorization: Bearer <key> または X-API-Key）。',
      es: 'Se requiere una clave de API válida (Authorization: Bearer <key> o X-API-Key).',
      fr: "Une clé d'API valide est requise (Authorization: Bearer <key> ou X-API-Key).",
    },
  },
  route_not_found: {
    status: 404,
    retryable: false,
    message: {
      en: 'No route {method} {url}.',
      zh: '没有路由 {method} {url}。',
      ja: 'ルート {method} {url} はありません。',
      es: 'No existe la ruta {method} {url}.',
      fr: "La route {method} {url} n'existe pas.",
    },
  },
  session_not_found: {
    status: 404,
    retryable: false,
    message: {
      en: 'Session {id} does not exist.',
      zh: '会话 {id} 不存在。',
      ja: 'セッション {id} は存在しません。',
      es: 'La sesión {id} no existe.',
      fr: "La session {id} n'existe pas.",
    },
  },
  run_not_found: {
    status: 404,
    retryable: false,
    message: {
      en: 'Run {id} does not exist.',
      zh: '运行 {id} 不存在。',
      ja: '実行 {id} は存在しません。',
      es: 'La ejecución {id} no existe.',
      fr: "L'exécution {id} n'existe pas.",
    },
  },
  agent_not_found: {
    status: 404,
    retryable: false,
    message: {
      en: 'Agent "{id}" does not exist.',
      zh: '智能体“{id}”不存在。',
      ja: 'エージェント「{id}」は存在しません。',
      es: 'El agente "{id}" no existe.',
      fr: "L'agent « {id} » n'existe pas.",
    },
  },
  session_agent_mismatch: {
    status: 409,
    retryable: false,
    message: {
      en: 'Session {id} belongs to agent "{session_agent}", not "{agent}"; omit session_id to start a new session.',
      zh: '会话 {id} 属于智能体“{session_agent}”，而不是“{agent}”；不传 session_id 即可开始新会话。',
      ja: 'セッション {id} はエージェント「{session_agent}」のもので、「{agent}」のものではありません。新しいセッションを始めるには session_id を省略してください。',
      es: 'La sesión {id} pertenece al agente "{session_agent}", no a "{agent}"; omita session_id para empezar una sesión nueva.',
      fr: "La session {id} appartient à l'agent « {session_agent} », pas à « {agent} » ; omettez session_id pour commencer une nouvelle session.",
    },
  },
  run_log_expired: {
    status: 410,
    retryable: false,
    message: {
      en: 'The events of run {id} are no longer kept; its final state is at GET /api/runs/{id}.',
      zh: '运行 {id} 的事件已不再保留；其最终状态见 GET /api/runs/{id}。',
      ja: '実行 {id} のイベントはもう保持されていません。最終状態は GET /api/runs/{id} で確認できます。',
      es: 'Los eventos de la ejecución {id} ya no se conservan; su estado final está en GET /api/runs/{id}.',
      fr: "Les événements de l'exécution {id} ne sont plus conservés ; son état final est sur GET /api/runs/{id}.",
    },
  },
  session_busy: {
    status: 409,
    retryable: true,
    message: {
      en: 'Session {id} already has run {run_id} in progress; wait, cancel it, or send multitask "enqueue" or "interrupt".',
      zh: '会话 {id} 已有运行 {run_id} 正在进行；请等待、取消它，或发送 multitask "enqueue" 或 "interrupt"。',
      ja: 'セッション {id} では実行 {run_id} が進行中です。待つか、キャンセルするか、multitask に "enqueue" か "interrupt" を指定してください。',
      es: 'La sesión {id} ya tiene la ejecución {run_id} en curso; espere, cancélela o envíe multitask "enqueue" o "interrupt".',
      fr: "La session {id} a déjà l'exécution {run_id} en cours ; attendez, annulez-la ou envoyez multitask « enqueue » ou « interrupt ».",
    },
  },
  payload_too_large: {
    status: 413,
    retryable: false,
    message: {
      en: 'The request body is larger than the limit of {limit} bytes.',
      zh: '请求体超过了 {limit} 字节的限制。',
      ja: 'リクエスト本文が上限の {limit} バイトを超えています。',
      es: 'El cuerpo de la solicitud supera el límite de {limit} bytes.',
      fr: 'Le corps de la requête dépasse la limite de {limit} octets.',
    },
  },
  unsupported_media_type: {
    status: 415,
    retryable: false,
    message: {
      en: 'Content-Type "{type}" is not supported; send application/json.',
      zh: '不支持 Content-Type“{type}”；请发送 application/json。',
      ja: 'Content-Type「{type}」はサポートされていません。application/json を送ってください。',
      es: 'Content-Type "{type}" no es compatible; envíe application/json.',
      fr: "Le Content-Type « {type} » n'est pas pris en charge ; envoyez application/json.",
    },
  },
  rate_limited: {
    status: 429,
    retryable: true,
    message: {
      en: 'Too many requests; retry after {retry_after} seconds.',
      zh: '请求过多；请在 {retry_after} 秒后重试。',
      ja: 'リクエストが多すぎます。{retry_after} 秒後に再試行してください。',
      es: 'Demasiadas solicitudes; reintente en {retry_after} segundos.',
      fr: 'Trop de requêtes ; réessayez dans {retry_after} secondes.',
    },
  },
  internal_error: {
    status: 500,
    retryable: true,
    message: {
      en: 'An internal error occurred; it has been logged.',
      zh: '发生内部错误；已记录。',
      ja: '内部エラーが発生しました。記録されています。',
      es: 'Se produjo un error interno; se ha registrado.',
      fr: "Une erreur interne s'est produite ; elle a été journalisée.",
    },
  },
  shutting_down: {
    status: 503,
    retryable: true,
    message: {
      en: 'This instance is shutting down; retry on another instance.',
      zh: '此实例正在关闭；请在其他实例上重试。',
      ja: 'このインスタンスはシャットダウン中です。別のインスタンスで再試行してください。',
      es: 'Esta instancia se está apagando; reintente en otra instancia.',
      fr: "Cette instance s'arrête ; réessayez sur une autre instance.",
    },
  },
  store_unavailable: {
    status: 503,
    retryable: true,
    message: {
      en: 'The database is unreachable; retry shortly.',
      zh: '数据库无法访问；请稍后重试。',
      ja: 'データベースに接続できません。しばらくしてから再試行してください。',
      es: 'No se puede acceder a la base de datos; reintente en breve.',
      fr: 'La base de données est injoignable ; réessayez dans un instant.',
    },
  },
  bus_unavailable: {
    status: 503,
    retryable: true,
    message: {
      en: 'The event bus is unreachable; retry shortly, resuming after the last event you received.',
      zh: '事件总线无法访问；请稍后重试，从收到的最后一个事件之后继续。',
      ja: 'イベントバスに接続できません。しばらくしてから、受信した最後のイベントの後から再開してください。',
      es: 'No se puede acceder al bus de eventos; reintente en breve, continuando tras el último evento recibido.',
      fr: "Le bus d'événements est injoignable ; réessayez dans un instant en reprenant après le dernier événement reçu.",
    },
  },
  upstream_error: {
    status: 502,
    retryable: true,
    message: {
      en: 'The language model service failed: {reason}',
      zh: '语言模型服务出错：{reason}',
      ja: '言語モデルサービスでエラーが発生しました: {reason}',
      es: 'El servicio del modelo de lenguaje falló: {reason}',
      fr: 'Le service du modèle de langage a échoué : {reason}',
    },
  },
  upstream_rate_limited: {
    status: 503,
    retryable: true,
    message: {
      en: 'The language model service is rate limiting requests; try again shortly.',
      zh: '语言模型服务正在限流；请稍后再试。',
      ja: '言語モデルサービスがリクエストを制限しています。しばらくしてから再試行してください。',
      es: 'El servicio del modelo de lenguaje está limitando las solicitudes; inténtelo de nuevo en breve.',
      fr: 'Le service du modèle de langage limite les requêtes ; réessayez dans un instant.',
    },
  },
  upstream_timeout: {
    status: 504,
    retryable: true,
    message: {
      en: 'The language model service did not answer within {seconds} seconds.',
      zh: '语言模型服务在 {seconds} 秒内没有响应。',
      ja: '言語モデルサービスが {seconds} 秒以内に応答しませんでした。',
      es: 'El servicio del modelo de lenguaje no respondió en {seconds} segundos.',
      fr: "Le service du modèle de langage n'a pas répondu en {seconds} secondes.",
    },
  },
  upstream_malformed: {
    status: 502,
    retryable: true,
    message: {
      en: 'The language model service sent a response that could not be read: {reason}',
      zh: '语言模型服务返回了无法解析的响应：{reason}',
      ja: '言語モデルサービスから読み取れない応答が返されました: {reason}',
      es: 'El servicio del modelo de lenguaje envió una respuesta ilegible: {reason}',
      fr: 'Le service du modèle de langage a envoyé une réponse illisible : {reason}',
    },
  },
  max_steps_exceeded: {
    status: 500,
    retryable: false,
    message: {
      en: 'The agent stopped after {steps} steps without a final answer.',
      zh: '智能体在 {steps} 步后停止，仍未给出最终答案。',
      ja: 'エージェントは {steps} ステップ後に最終回答なしで停止しました。',
      es: 'El agente se detuvo tras {steps} pasos sin una respuesta final.',
      fr: "L'agent s'est arrêté après {steps} étapes sans réponse finale.",
    },
  },
  run_cancelled: {
    status: 409,
    retryable: false,
    message: {
      en: 'The run was cancelled.',
      zh: '运行已取消。',
      ja: '実行はキャンセルされました。',
      es: 'La ejecución fue cancelada.',
      fr: "L'exécution a été annulée.",
    },
  },
  run_interrupted: {
    status: 503,
    retryable: false,
    message: {
      en: 'The run was interrupted: the instance running it stopped.',
      zh: '运行被中断：执行它的实例已停止。',
      ja: '実行が中断されました。実行していたインスタンスが停止しました。',
      es: 'La ejecución se interrumpió: la instancia que la ejecutaba se detuvo.',
      fr: "L'exécution a été interrompue : l'instance qui l'exécutait s'est arrêtée.",
    },
  },
  slow_consumer: {
    status: 503,
    retryable: true,
    message: {
      en: 'This client fell too far behind the stream; reconnect with Last-Event-ID {last_event_id} to resume.',
      zh: '此客户端落后流太多；请使用 Last-Event-ID {last_event_id} 重新连接以继续。',
      ja: 'このクライアントはストリームから大きく遅れました。Last-Event-ID {last_event_id} で再接続して再開してください。',
      es: 'Este cliente se quedó demasiado atrás; reconecte con Last-Event-ID {last_event_id} para continuar.',
      fr: 'Ce client a pris trop de retard ; reconnectez-vous avec Last-Event-ID {last_event_id} pour reprendre.',
    },
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

export type ErrorParams = Record<string, string | number>;

export function errorMessage(code: ErrorCode, language: Language, params: ErrorParams = {}): string {
  return fillTemplate(ERRORS[code].message[language], params);
}

/** JSON body of every error answered over HTTP: `{error: {code, message, details}}`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: Record<string, unknown> | null };
}

/**
 * The one error type thrown inside Sluice. The HTTP layer turns it into an ErrorBody with the
 * table's status; the run layer turns it into an `error` event. The message is rendered late,
 * in the language of whoever reads it.
 */
export class SluiceError extends Error {
  readonly code: ErrorCode;
  readonly params: ErrorParams;
  readonly details: Record<string, unknown> | null;

  constructor(
    code: ErrorCode,
    params: ErrorParams = {},
    details: Record<string, unknown> | null = null,
    options?: ErrorOptions,
  ) {
    super(errorMessage(code, 'en', params), options);
    this.name = 'SluiceError';
    this.code = code;
    this.params = params;
    this.details = details;
  }

  get status(): number {
    return ERRORS[this.code].status;
  }

  get retryable(): boolean {
    return ERRORS[this.code].retryable;
  }

  toBody(language: Language): ErrorBody {
    return {
      error: {
        code: this.code,
        message: errorMessage(this.code, language, this.params),
        details: this.details,
      },
    };
  }
}
