import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { SluiceError } from '../protocol/index.ts';
import { consolePage } from './console-page.ts';

/**
 * The built web console (web/, built to web/dist by `npm run build:web`, or by `prestart` when
 * missing or stale). The same path works from src/http and from the compiled dist/http.
 */
export const WEB_DIST = resolve(import.meta.dirname, '../../web/dist');
const ASSETS = join(WEB_DIST, 'assets');
const FILE_NAME = /^[\w.-]+$/;

/** The console's HTML: the built page when there is one, else the small placeholder page. */
export function consoleHtml(): string {
  const index = join(WEB_DIST, 'index.html');
  return existsSync(index) ? readFileSync(index, 'utf8') : consolePage;
}

/**
 * `GET /assets/:file`: the built page's scripts and styles, by @fastify/static (ETag, ranges,
 * content types). Always registered, so the route table does not depend on whether the page was
 * built; without a build every file is `route_not_found`.
 */
export function webConsoleAssets(app: FastifyInstance): void {
  app.register(async (scope) => {
    const built = existsSync(ASSETS);
    if (built) await scope.register(fastifyStatic, { root: ASSETS, serve: false, index: false });
    scope.get('/assets/:file', async (request, reply) => {
      const { file } = request.params as { file: string };
      if (!built || !FILE_NAME.test(file) || file.startsWith('.') || !existsSync(join(ASSETS, file))) {
        throw new SluiceError('route_not_found', {
          method: request.method,
          url: request.url.split('?')[0] ?? '',
        });
      }
      // Names carry a content hash: a file never changes under its name.
      reply.header('cache-control', 'public, max-age=31536000, immutable');
      return reply.sendFile(file);
    });
  });
}
