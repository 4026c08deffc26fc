import type { FastifyRequest } from 'fastify';

/**
 * Query parameters whose values may be logged. Every other value is replaced: the query carries
 * keys (`api_key`, `token`: EventSource clients cannot send headers) and message text (`message`).
 */
const LOGGABLE_QUERY = new Set(['limit', 'after', 'cursor', 'lang', 'language', 'agent_id', 'model']);

/** Where a secret could sit in a log record if someone logs a request's headers or config. */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  'apiKey',
  'api_key',
];

/** The request's URL for logs: query values other than LOGGABLE_QUERY's are replaced. */
export function redactUrl(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const params = new URLSearchParams(url.slice(query + 1));
  const kept = [...params].map(([name, value]) =>
    LOGGABLE_QUERY.has(name)
      ? `${encodeURIComponent(name)}=${encodeURIComponent(value)}`
      : `${encodeURIComponent(name)}=~`,
  );
  return `${url.slice(0, query)}?${kept.join('&')}`;
}

function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/**
 * Fastify's logger option with secrets kept out: the request serializer drops query values
 * (Fastify logs the URL of every request at info level), and pino redacts key headers
 * wherever a request's headers get logged. Message text is never logged by Sluice itself.
 */
export function safeLogger(logger: boolean | Record<string, unknown>): boolean | Record<string, unknown> {
  if (logger === false) return false;
  const options = logger === true ? {} : logger;
  const serializers = (options.serializers ?? {}) as Record<string, unknown>;
  return {
    redact: REDACT_PATHS,
    ...options,
    serializers: { req: serializeRequest, ...serializers },
  };
}
