import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ERRORS } from '../src/protocol/index.ts';
import { createSession, json, startTestServer, type TestServer } from './support/sluice.ts';

interface ErrorBody {
  error: { code: string; message: string; details: unknown };
}

describe('bad input gets the error table code and status', () => {
  let t: TestServer;
  let session: string;
  before(async () => {
    t = await startTestServer({ body_limit: 64 * 1024 });
    session = await createSession(t.url);
  });
  after(async () => {
    await t.close();
  });

  async function expectError(
    path: string,
    init: Parameters<typeof json>[1],
    code: keyof typeof ERRORS,
  ): Promise<ErrorBody> {
    const { status, body, headers } = await json<ErrorBody>(`${t.url}${path}`, init);
    assert.equal(body?.error?.code, code, `${path}: ${JSON.stringify(body)}`);
    assert.equal(status, ERRORS[code].status, `${path} status`);
    assert.match(headers.get('content-type') ?? '', /application\/json/);
    assert.ok(body.error.message.length > 0);
    return body;
  }

  const runs = () => `/api/sessions/${session}/runs`;

  test('malformed JSON', async () => {
    await expectError(
      runs(),
      { body: '{"message": "hi"', headers: { 'content-type': 'application/json' } },
      'invalid_json',
    );
    await expectError(
      '/api/sessions',
      { body: 'not json', headers: { 'content-type': 'application/json' } },
      'invalid_json',
    );
  });

  test('an empty JSON body', async () => {
    await expectError(
      runs(),
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      'invalid_json',
    );
  });

  test('wrong types', async () => {
    const body = await expectError(runs(), { body: { message: 42 } }, 'validation_failed');
    assert.match(body.error.message, /message/);
    await expectError(runs(), { body: { message: 'hi', on_disconnect: 'explode' } }, 'validation_failed');
    await expectError(runs(), { body: { message: 'hi', heartbeat_interval: 0 } }, 'validation_failed');
    await expectError(runs(), { body: { message: 'hi', heartbeat_interval: 301 } }, 'validation_failed');
    await expectError(runs(), { body: ['message'] }, 'validation_failed');
    await expectError('/api/sessions', { body: { metadata: 'x' } }, 'validation_failed');
    await expectError('/api/sessions?limit=0', {}, 'validation_failed');
    await expectError('/api/sessions?limit=abc', {}, 'validation_failed');
    await expectError('/api/sessions?cursor=nope', {}, 'validation_failed');
  });

  test('missing and unknown fields', async () => {
    await expectError(runs(), { body: {} }, 'validation_failed');
    await expectError(runs(), { body: { message: '' } }, 'validation_failed');
    await expectError(runs(), { body: { message: 'hi', mesage: 'typo' } }, 'validation_failed');
    await expectError(`/api/sessions/${session}`, { method: 'PATCH', body: {} }, 'validation_failed');
  });

  test('unknown session or run', async () => {
    const ghost = '0193a000-0000-7000-8000-000000000001';
    await expectError(`/api/sessions/${ghost}/runs`, { body: { message: 'hi' } }, 'session_not_found');
    await expectError(`/api/sessions/${ghost}`, {}, 'session_not_found');
    await expectError(`/api/sessions/${ghost}`, { method: 'DELETE' }, 'session_not_found');
    await expectError(
      `/api/sessions/${ghost}`,
      { method: 'PATCH', body: { title: 'x' } },
      'session_not_found',
    );
    await expectError('/api/sessions/12345', {}, 'session_not_found');
    await expectError(`/api/runs/${ghost}`, {}, 'run_not_found');
    await expectError(`/api/runs/${ghost}/cancel`, { method: 'POST' }, 'run_not_found');
    await expectError(`/api/runs/${ghost}/events`, {}, 'run_not_found');
    await expectError('/api/no/such/route', {}, 'route_not_found');
  });

  test('a body over the limit', async () => {
    await expectError(runs(), { body: { message: 'x'.repeat(70 * 1024) } }, 'payload_too_large');
  });

  test('a content type that is not JSON', async () => {
    await expectError(
      runs(),
      { method: 'POST', body: 'message=hi', headers: { 'content-type': 'text/plain' } },
      'unsupported_media_type',
    );
    await expectError(
      runs(),
      {
        method: 'POST',
        body: 'message=hi',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      'unsupported_media_type',
    );
  });

  test('an unsupported language, answered in the language the request asked for when it can', async () => {
    const body = await expectError(
      runs(),
      { body: { message: 'hi', language: 'xx' } },
      'unsupported_language',
    );
    assert.match(body.error.message, /xx/);
    await expectError('/api/sessions', { body: { language: 'klingon' } }, 'unsupported_language');
    const french = await expectError(
      `/api/runs/0193a000-0000-7000-8000-000000000002`,
      { headers: { 'accept-language': 'fr-FR,fr;q=0.9' } },
      'run_not_found',
    );
    assert.match(french.error.message, /n'existe pas/);
  });

  test('an unknown agent', async () => {
    await expectError('/api/sessions', { body: { agent_id: 'no-such-agent' } }, 'agent_not_found');
    await expectError('/api/agents/no-such-agent', {}, 'agent_not_found');
  });

  test('sessions survive bad input untouched', async () => {
    const { body } = await json<{ messages: unknown[] }>(`${t.url}/api/sessions/${session}`);
    assert.deepEqual(body.messages, []);
  });
});
