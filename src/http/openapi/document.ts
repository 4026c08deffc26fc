import {
  ERROR_CODES,
  ERRORS,
  type ErrorCode,
  errorBodySchema,
  errorCodeSchema,
  errorMessage,
} from '../../protocol/index.ts';
import { type JsonSchema, SchemaConverter } from './json-schema.ts';
import type { ApiArea, ApiOperation, ApiResponse } from './operation.ts';

export interface OpenApiDocument {
  openapi: string;
  info: {
    title: string;
    version: string;
    description: string;
    license: { name: string; identifier: string };
  };
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, JsonSchema>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
}

const DESCRIPTION = `Sluice runs LLM agents and streams everything they do over Server-Sent Events.

**Errors** before a stream starts are JSON \`{"error": {"code", "message", "details"}}\` with the
status of the error table (schema \`ErrorCode\` lists every code), in the request's language
(\`language\` in the body, else \`Accept-Language\`). After a stream started, an error is an
\`error\` event followed by a clean end.

**Auth**: when API keys are configured, send \`Authorization: Bearer <key>\` or \`X-API-Key: <key>\`;
each key sees only its tenant's sessions and runs. With no keys (dev mode) the API is open.

**Streams** start with \`retry:\`, carry \`id: <seq>\` on every event, and get a \`: heartbeat\`
comment when idle. Resume a dropped stream with \`GET /api/runs/{id}/events\` and
\`Last-Event-ID: <last seq seen>\`: the events after it come exactly once, in order.`;

/** Added to every operation that takes a JSON body. */
const BODY_ERRORS: ErrorCode[] = [
  'invalid_json',
  'validation_failed',
  'payload_too_large',
  'unsupported_media_type',
];

/**
 * The OpenAPI 3.1 document of the areas: one operation per described route, schemas from the
 * shared zod schemas, every error code in `components.schemas.ErrorCode` and, per operation, the
 * codes it can answer with, grouped by status, each with an example body. Throws on a mistake in
 * the description (a path or operationId described twice, a status both success and error).
 */
export function buildOpenApiDocument(areas: readonly ApiArea[], info: { version: string }): OpenApiDocument {
  const converter = new SchemaConverter();
  converter.name('ErrorCode', errorCodeSchema);
  converter.name('ErrorBody', errorBodySchema);
  for (const area of areas) {
    for (const [name, schema] of Object.entries(area.schemas ?? {})) converter.name(name, schema);
  }
  const paths: OpenApiDocument['paths'] = {};
  const operationIds = new Set<string>();
  for (const area of areas) {
    for (const operation of area.operations) {
      if (operationIds.has(operation.operationId)) {
        throw new Error(`operationId ${operation.operationId} is used twice`);
      }
      operationIds.add(operation.operationId);
      const path = openApiPath(operation.path);
      paths[path] ??= {};
      const methods = paths[path];
      const method = operation.method.toLowerCase();
      if (methods[method]) throw new Error(`${operation.method} ${operation.path} is described twice`);
      methods[method] = describeOperation(area, operation, converter);
    }
  }
  converter.convertNamed();
  const schemas = converter.components;
  const errorCode = schemas.ErrorCode;
  if (errorCode) errorCode.description = errorTable();
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sluice',
      version: info.version,
      description: DESCRIPTION,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    tags: areas.map((area) => ({ name: area.tag, description: area.description })),
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key as a bearer token.' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
  };
}

/** `/api/sessions/:id` -> `/api/sessions/{id}`. */
export function openApiPath(path: string): string {
  if (path.includes('*')) throw new Error(`wildcard routes cannot be described: ${path}`);
  return path.replace(/:(\w+)/g, '{$1}');
}

function describeOperation(area: ApiArea, operation: ApiOperation, converter: SchemaConverter): JsonSchema {
  const auth = operation.auth !== false;
  const example = operation.examples?.[0];
  const parameters = [
    ...pathParameters(operation, converter),
    ...parametersOf(operation.query, 'query', converter, example?.query),
    ...parametersOf(operation.headers, 'header', converter, example?.headers),
  ];
  const responses: Record<string, JsonSchema> = {};
  for (const [status, response] of Object.entries(operation.responses)) {
    responses[status] = describeResponse(response, converter);
  }
  for (const [status, codes] of errorsByStatus(operation, auth)) {
    if (responses[status])
      throw new Error(`${operation.method} ${operation.path}: ${status} is both success and error`);
    responses[status] = describeErrors(codes, operation, converter);
  }
  return {
    tags: [area.tag],
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: converter.convert(operation.body),
                ...(example?.body === undefined ? {} : { example: example.body }),
              },
            },
          },
        }
      : {}),
    responses,
    // `{}`: with no API keys configured (dev mode) no credentials are needed.
    security: auth ? [{ bearerAuth: [] }, { apiKeyHeader: [] }, {}] : [],
  };
}

function pathParameters(operation: ApiOperation, converter: SchemaConverter): JsonSchema[] {
  const described = parametersOf(operation.params, 'path', converter);
  const names = [...operation.path.matchAll(/:(\w+)/g)].map((match) => match[1] as string);
  for (const name of names) {
    if (!described.some((parameter) => parameter.name === name)) {
      described.push({ name, in: 'path', required: true, schema: { type: 'string' } });
    }
  }
  return described.filter((parameter) => names.includes(parameter.name as string));
}

function parametersOf(
  schema: ApiOperation['query'],
  where: 'path' | 'query' | 'header',
  converter: SchemaConverter,
  examples: Record<string, string> = {},
): JsonSchema[] {
  if (!schema) return [];
  const json = converter.convert(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
      ...(examples[name] === undefined ? {} : { example: examples[name] }),
    };
  });
}

function describeResponse(response: ApiResponse, converter: SchemaConverter): JsonSchema {
  const content: Record<string, JsonSchema> = {};
  if (response.json) content['application/json'] = { schema: converter.convert(response.json) };
  if (response.events) {
    content['text/event-stream'] = {
      schema: {
        type: 'string',
        description: 'Server-Sent Events; the `data` of each frame is one `x-sse-data` JSON value.',
      },
      'x-sse-data': converter.convert(response.events),
    };
  }
  if (response.html) content['text/html'] = { schema: { type: 'string' } };
  if (response.text) content[response.text] = { schema: { type: 'string' } };
  const headers = Object.fromEntries(
    Object.entries(response.headers ?? {}).map(([name, description]) => [
      name,
      { description, schema: { type: 'string' } },
    ]),
  );
  return {
    description: response.description,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(Object.keys(content).length > 0 ? { content } : {}),
  };
}

function errorsByStatus(operation: ApiOperation, auth: boolean): Map<string, ErrorCode[]> {
  const codes = new Set<ErrorCode>(operation.errors);
  if (auth) codes.add('unauthorized');
  if (operation.body) for (const code of BODY_ERRORS) codes.add(code);
  if (operation.query) codes.add('validation_failed');
  codes.add('internal_error');
  const byStatus = new Map<string, ErrorCode[]>();
  for (const code of ERROR_CODES) {
    if (!codes.has(code)) continue;
    const status = String(ERRORS[code].status);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return byStatus;
}

function describeErrors(codes: ErrorCode[], operation: ApiOperation, converter: SchemaConverter): JsonSchema {
  const description = codes.map((code) => `\`${code}\``).join(', ');
  if (operation.errorBody) {
    return {
      description,
      content: { 'application/json': { schema: converter.convert(operation.errorBody) } },
    };
  }
  const examples = Object.fromEntries(
    codes.map((code) => [
      code,
      { value: { error: { code, message: errorMessage(code, 'en'), details: null } } },
    ]),
  );
  return {
    description,
    content: {
      'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' }, examples },
    },
  };
}

/** Every code of the error table, as a Markdown table. */
function errorTable(): string {
  const rows = ERROR_CODES.map(
    (code) =>
      `| \`${code}\` | ${ERRORS[code].status} | ${ERRORS[code].retryable ? 'yes' : 'no'} | ${errorMessage(code, 'en').replaceAll('|', '\\|')} |`,
  );
  return [
    'The stable error codes. HTTP status applies before a stream starts; after, the code travels in an `error` event.',
    '',
    '| code | status | retryable | message (en) |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}
