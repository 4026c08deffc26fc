import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { errorFromResponse } from './error-from-response.ts';
import {
  ApiError,
  AuthenticationError,
  ConflictError,
  GoneError,
  NotFoundError,
  RateLimitError,
  ServerError,
  SluiceClientError,
  ValidationError,
} from './errors.ts';

function errorResponse(status: number, code: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: { code, message: `message of ${code}`, details: { a: 1 } } }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

describe('errorFromResponse', () => {
  const cases: [number, string, typeof ApiError][] = [
    [400, 'validation_failed', ValidationError],
    [401, 'unauthorized', AuthenticationError],
    [404, 'session_not_found', NotFoundError],
    [409, 'session_busy', ConflictError],
    [410, 'run_log_expired', GoneError],
    [429, 'rate_limited', RateLimitError],
    [500, 'internal_error', ServerError],
    [502, 'upstream_error', ServerError],
    [503, 'shutting_down', ServerError],
    [413, 'payload_too_large', ApiError],
    [415, 'unsupported_media_type', ApiError],
  ];
  for (const [status, code, type] of cases) {
    test(`${status} ${code} is a ${type.name}`, async () => {
      const error = await errorFromResponse(errorResponse(status, code));
      assert.equal(error.constructor, type);
      assert.ok(error instanceof ApiError && error instanceof SluiceClientError && error instanceof Error);
      assert.equal(error.name, type.name);
      assert.equal(error.status, status);
      assert.equal(error.code, code);
      assert.equal(error.serverMessage, `message of ${code}`);
      assert.equal(error.message, `${status} ${code}: message of ${code}`);
      assert.deepEqual(error.details, { a: 1 });
    });
  }

  test('429 carries Retry-After in seconds, or null without it', async () => {
    const limited = await errorFromResponse(errorResponse(429, 'rate_limited', { 'retry-after': '7' }));
    assert.ok(limited instanceof RateLimitError);
    assert.equal(limited.retryAfter, 7);
    const bare = await errorFromResponse(errorResponse(429, 'rate_limited'));
    assert.ok(bare instanceof RateLimitError);
    assert.equal(bare.retryAfter, null);
  });

  test("a body that is not the server's error body keeps its text, with code unknown", async () => {
    const error = await errorFromResponse(new Response('<html>Bad Gateway</html>', { status: 502 }));
    assert.ok(error instanceof ServerError);
    assert.equal(error.code, 'unknown');
    assert.equal(error.details, null);
    assert.equal(error.message, '502 <html>Bad Gateway</html>');
  });
});
