import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { API_AREAS } from './areas.ts';
import { buildOpenApiDocument } from './document.ts';
import { recordRoutes } from './route-recorder.ts';

/**
 * `/docs`: Swagger UI (its own static files, so it works offline) over the OpenAPI document built
 * from API_AREAS, which is also served as JSON at `/docs/openapi.json` (and `/docs/json`,
 * `/docs/yaml` by the UI plugin). Needs no key: the document holds no secrets. Call it before
 * registering the routes, so that every route is recorded for the coverage test.
 */
export function registerDocs(app: FastifyInstance, version: string): void {
  recordRoutes(app);
  const document = buildOpenApiDocument(API_AREAS, { version });
  const json = JSON.stringify(document);
  app.register(swagger, { mode: 'static', specification: { document: document as never } });
  app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/docs/openapi.json', async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(json),
  );
}
