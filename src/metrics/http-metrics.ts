import type { FastifyInstance } from 'fastify';
import type { SluiceMetrics } from './metrics.ts';

/** Counts every response by its route pattern; requests no route matched count as `unmatched`. */
export function registerHttpMetrics(app: FastifyInstance, metrics: SluiceMetrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    metrics.recordRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode);
    done();
  });
}
