import type { z } from 'zod';
import type { ErrorCode } from '../../protocol/index.ts';

/**
 * The central description of the HTTP API that the OpenAPI document at /docs is generated from.
 * Routes keep validating with zod in their handlers; this describes them with the same schemas.
 * One file per area (sessions.ts, runs.ts, ...) exports an ApiArea; index.ts lists the areas.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiResponse {
  description: string;
  /** An `application/json` body. */
  json?: z.ZodType;
  /** A `text/event-stream` body: the schema of each frame's `data`. */
  events?: z.ZodType;
  /** A `text/html` page. */
  html?: true;
  /** A text body of this media type, e.g. `text/plain` (Prometheus' exposition format). */
  text?: string;
  /** Response headers worth knowing: name -> description. */
  headers?: Record<string, string>;
}

export interface ApiOperation {
  method: HttpMethod;
  /** In Fastify's syntax, exactly as the route registers it: `/api/sessions/:id`. */
  path: string;
  /** Unique across the document; the client SDK's method name where there is one. */
  operationId: string;
  summary: string;
  description?: string;
  /** Whether an API key is needed once keys are configured. Default true. */
  auth?: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Request headers with a meaning here (Last-Event-ID, Accept); names in lower case. */
  headers?: z.ZodObject;
  /** An `application/json` request body. */
  body?: z.ZodType;
  /** What success looks like, by status. */
  responses: Record<number, ApiResponse>;
  /**
   * Error codes particular to this operation. The common ones are added by the generator:
   * unauthorized (when `auth`), invalid_json, validation_failed, payload_too_large and
   * unsupported_media_type (with a body), validation_failed (with a query), internal_error.
   */
  errors: ErrorCode[];
  /**
   * Valid requests (the first is shown in the document). test/openapi.test.ts sends each and
   * checks the answer against `responses`; path parameters come from the test's fixtures.
   */
  examples?: RequestExample[];
  /**
   * The error body's shape when it is not Sluice's `{error: {code, message, details}}` (the
   * OpenAI-compatible routes answer in OpenAI's shape).
   */
  errorBody?: z.ZodType;
}

export interface RequestExample {
  body?: unknown;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

export interface ApiArea {
  /** The tag grouping the area's operations in the document. */
  tag: string;
  description: string;
  /** Schemas shown by name under components.schemas; operations using them get a `$ref`. */
  schemas?: Record<string, z.ZodType>;
  operations: ApiOperation[];
}
