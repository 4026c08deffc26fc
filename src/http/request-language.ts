import type { FastifyRequest } from 'fastify';
import { type Language, languageFromAcceptLanguage, normalizeLanguage } from '../protocol/index.ts';

/**
 * The language to answer a request's errors in: the body's or query's `language` when it is a
 * supported one, else Accept-Language, else English.
 */
export function requestLanguage(request: FastifyRequest): Language {
  const body = request.body;
  const fromBody =
    body && typeof body === 'object'
      ? normalizeLanguage((body as { language?: unknown }).language)
      : undefined;
  const query = request.query;
  const fromQuery =
    query && typeof query === 'object'
      ? normalizeLanguage((query as { language?: unknown }).language)
      : undefined;
  return fromBody ?? fromQuery ?? languageFromAcceptLanguage(request.headers['accept-language']) ?? 'en';
}
