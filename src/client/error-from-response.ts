import type { ErrorCode } from '../protocol/errors.ts';
import {
  ApiError,
  AuthenticationError,
  ConflictError,
  GoneError,
  NotFoundError,
  RateLimitError,
  ServerError,
  ValidationError,
} from './errors.ts';

/**
 * Reads a non-2xx response into the `ApiError` subclass for its status. A body that is not the
 * server's `{error: {code, message, details}}` (a proxy's HTML page, say) keeps its first 200
 * characters as the message, with code `unknown`.
 */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  const body = errorBody(text);
  const { status, headers } = response;
  if (status === 400) return new ValidationError(status, body, headers);
  if (status === 401) return new AuthenticationError(status, body, headers);
  if (status === 404) return new NotFoundError(status, body, headers);
  if (status === 409) return new ConflictError(status, body, headers);
  if (status === 410) return new GoneError(status, body, headers);
  if (status === 429) return new RateLimitError(status, body, headers);
  if (status >= 500) return new ServerError(status, body, headers);
  return new ApiError(status, body, headers);
}

function errorBody(text: string): ConstructorParameters<typeof ApiError>[1] {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    const error = parsed.error;
    if (error && typeof error.code === 'string' && typeof error.message === 'string') {
      const details = error.details;
      return {
        code: error.code as ErrorCode,
        message: error.message,
        details:
          details && typeof details === 'object' && !Array.isArray(details)
            ? (details as Record<string, unknown>)
            : null,
      };
    }
  } catch {}
  return { code: 'unknown', message: text.slice(0, 200), details: null };
}
