import type { FastifyInstance } from 'fastify';

export interface RegisteredRoute {
  method: string;
  url: string;
}

const recorded = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/**
 * Records every route registered on `app` from now on, plugins' included, one entry per method,
 * so a test can check that each is described in the OpenAPI document. Call it before the routes.
 */
export function recordRoutes(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  recorded.set(app, routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method: String(method).toUpperCase(), url: route.url });
  });
}

/** The routes recorded so far; complete once the app is ready. */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return recorded.get(app) ?? [];
}
