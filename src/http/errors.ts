import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SluiceError } from '../protocol/index.ts';
import { requestLanguage } from './request-language.ts';

/**
 * Everything thrown at the HTTP boundary becomes one of the error table's codes, answered as
 * `{error: {code, message, details}}` in the request's language. Fastify's own errors (bad JSON,
 * body too large, wrong content type) are mapped by their codes; anything unknown is a logged 500
 * whose details never leak internals.
 */
export function toHttpError(error: unknown, bodyLimit: number): SluiceError {
  if (error instanceof SluiceError) return error;
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new SluiceError('payload_too_large', { limit: bodyLimit });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new SluiceError('unsupported_media_type', { type: 'unknown' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new SluiceError('invalid_json');
    case 'FST_ERR_BAD_URL':
      return badUrl('the URL is not valid percent-encoded UTF-8');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return badUrl('a path parameter is longer than 100 characters');
  }
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) return new SluiceError('invalid_json');
  if (fastifyError.statusCode === 413) return new SluiceError('payload_too_large', { limit: bodyLimit });
  if (fastifyError.statusCode === 415) return new SluiceError('unsupported_media_type', { type: 'unknown' });
  return new SluiceError('internal_error', {}, null, { cause: error });
}

function badUrl(message: string): SluiceError {
  return new SluiceError('validation_failed', { issues: message }, { issues: [{ path: 'url', message }] });
}

export function registerErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const mapped = toHttpError(error, bodyLimit);
    if (mapped.code === 'unsupported_media_type') {
      const type = request.headers['content-type'] ?? '';
      return sendError(
        reply,
        request,
        new SluiceError('unsupported_media_type', { type: type.slice(0, 100) }),
      );
    }
    if (mapped.code === 'internal_error') logUnhandled(request, error);
    return sendError(reply, request, mapped);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      request,
      new SluiceError('route_not_found', { method: request.method, url: request.url.split('?')[0] ?? '' }),
    ),
  );
}

/**
 * Logs an error no table code explains, at error level, unless the client aborted its request
 * while the body was being read (Node's 'aborted', ECONNRESET): then nobody is left to answer and
 * nothing failed here, so it is an info line, not an error for every upload a client abandons.
 */
export function logUnhandled(request: FastifyRequest, error: unknown): void {
  if (request.raw.destroyed && (error as { code?: unknown } | null)?.code === 'ECONNRESET') {
    request.log.info({ err: error }, 'client aborted the request');
  } else request.log.error({ err: error }, 'unhandled error');
}

export type ErrorSender = (reply: FastifyReply, request: FastifyRequest, error: SluiceError) => FastifyReply;

/**
 * Fastify's `frameworkErrors` option: errors raised before routing (a URL that is not valid
 * percent-encoded UTF-8, a path parameter over 100 characters), which no error handler sees.
 * `senderFor` picks the error shape by URL, for routes that answer errors in their own shape
 * (OpenAI's); the default is `sendError`.
 */
export function frameworkErrors(bodyLimit: number, senderFor: (url: string) => ErrorSender | undefined) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    (senderFor(request.url) ?? sendError)(reply, request, toHttpError(error, bodyLimit));
  };
}

export function sendError(reply: FastifyReply, request: FastifyRequest, error: SluiceError): FastifyReply {
  if (error.code === 'rate_limited') reply.header('retry-after', String(error.params.retry_after ?? 1));
  return reply
    .status(error.status)
    .type('application/json; charset=utf-8')
    .send(error.toBody(requestLanguage(request)));
}
