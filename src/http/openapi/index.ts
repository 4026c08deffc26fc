export { API_AREAS } from './areas.ts';
export { buildOpenApiDocument, type OpenApiDocument, openApiPath } from './document.ts';
export type { ApiArea, ApiOperation, ApiResponse, HttpMethod, RequestExample } from './operation.ts';
export { registerDocs } from './register-docs.ts';
export { type RegisteredRoute, registeredRoutes } from './route-recorder.ts';
