import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { ERROR_CODES, ERRORS, type Message, type Run, type Session } from '../../protocol/index.ts';
import type { MessageRecord, RunRecord, SessionRecord } from '../../store/index.ts';
import { API_AREAS } from './areas.ts';
import { buildOpenApiDocument, openApiPath } from './document.ts';
import type { ApiArea } from './operation.ts';

// The store's records are what the routes answer with: they must fit the documented shapes.
// (Checked by the compiler; the value is never used.)
const storeFitsDocument: [Session, Message, Run] = [
  {} as SessionRecord,
  {} as MessageRecord,
  {} as RunRecord,
];
void storeFitsDocument;

const document = buildOpenApiDocument(API_AREAS, { version: '1.2.3' });

function refs(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refs(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') found.push(inner);
      else refs(inner, found);
    }
  }
  return found;
}

describe('the OpenAPI document', () => {
  test('is OpenAPI 3.1 with the version given, a tag per area and every described operation', () => {
    assert.equal(document.openapi, '3.1.0');
    assert.equal(document.info.version, '1.2.3');
    assert.deepEqual(
      document.tags.map((tag) => tag.name),
      API_AREAS.map((area) => area.tag),
    );
    for (const area of API_AREAS) {
      for (const operation of area.operations) {
        const described = document.paths[openApiPath(operation.path)]?.[operation.method.toLowerCase()];
        assert.ok(described, `${operation.method} ${operation.path}`);
        assert.equal(described.operationId, operation.operationId);
      }
    }
  });

  test('lists every error code of the table, with its status and message', () => {
    const errorCode = document.components.schemas.ErrorCode as { enum: string[]; description: string };
    assert.deepEqual(errorCode.enum, ERROR_CODES);
    for (const code of ERROR_CODES) {
      assert.ok(
        errorCode.description.includes(`| \`${code}\` | ${ERRORS[code].status} |`),
        `${code} is in the ErrorCode table`,
      );
    }
    const errorBody = document.components.schemas.ErrorBody as {
      properties: { error: { properties: { code: unknown } } };
    };
    assert.deepEqual(errorBody.properties.error.properties.code, { $ref: '#/components/schemas/ErrorCode' });
  });

  test("each operation's error responses are grouped by the table's status, each with an example", () => {
    for (const area of API_AREAS) {
      for (const operation of area.operations) {
        const responses = document.paths[openApiPath(operation.path)]?.[operation.method.toLowerCase()]
          ?.responses as Record<
          string,
          { description: string; content?: Record<string, { examples?: object }> }
        >;
        const codes = [...operation.errors, 'internal_error' as const];
        for (const code of codes) {
          const response = responses[String(ERRORS[code].status)];
          assert.ok(
            response?.description.includes(`\`${code}\``),
            `${operation.operationId} documents ${code}`,
          );
          if (!operation.errorBody && response) {
            assert.ok(code in (response.content?.['application/json']?.examples ?? {}), `example of ${code}`);
          }
        }
        if (operation.auth !== false) assert.ok(responses['401'], `${operation.operationId} documents 401`);
      }
    }
  });

  test('every $ref points to a component that exists', () => {
    const names = new Set(Object.keys(document.components.schemas));
    for (const ref of refs(document)) {
      assert.match(ref, /^#\/components\/schemas\//);
      assert.ok(names.has(ref.slice('#/components/schemas/'.length)), ref);
    }
  });

  test("every operation's example is a valid request", () => {
    for (const area of API_AREAS) {
      for (const operation of area.operations) {
        for (const example of operation.examples ?? []) {
          if (example.body !== undefined) {
            assert.ok(operation.body, `${operation.operationId} has an example body but no body schema`);
            operation.body.parse(example.body);
          }
          if (example.query) operation.query?.parse(example.query);
          if (example.headers) operation.headers?.parse(example.headers);
        }
      }
    }
  });

  test('path parameters are described, named by the route', () => {
    const getSession = document.paths['/api/sessions/{id}']?.get as {
      parameters: { name: string; in: string }[];
    };
    assert.deepEqual(
      getSession.parameters.map((p) => [p.name, p.in]),
      [['id', 'path']],
    );
    assert.equal(openApiPath('/api/agents/:agent_id/chat/stream'), '/api/agents/{agent_id}/chat/stream');
    assert.throws(() => openApiPath('/static/*'));
  });

  test('a path or operationId described twice, or a schema named twice, is refused', () => {
    const operation = {
      method: 'GET' as const,
      path: '/x',
      operationId: 'x',
      summary: 'x',
      responses: { 200: { description: 'x' } },
      errors: [],
    };
    const area = (operations: ApiArea['operations'], schemas?: ApiArea['schemas']): ApiArea => ({
      tag: 't',
      description: 'd',
      operations,
      ...(schemas ? { schemas } : {}),
    });
    assert.throws(() =>
      buildOpenApiDocument([area([operation, { ...operation, operationId: 'y' }])], { version: '1' }),
    );
    assert.throws(() =>
      buildOpenApiDocument([area([operation, { ...operation, path: '/y' }])], { version: '1' }),
    );
    const schema = z.object({ a: z.string() });
    assert.throws(() => buildOpenApiDocument([area([], { A: schema, B: schema })], { version: '1' }));
    assert.throws(() =>
      buildOpenApiDocument([area([{ ...operation, responses: { 500: { description: 'x' } } }])], {
        version: '1',
      }),
    );
  });
});
