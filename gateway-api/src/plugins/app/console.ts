/**
 * The web console (console/, issue 16) at /console/: the files `node console/build.mjs`
 * made, served as they are. The console is a client of the public API like any
 * other, so it gets no route of its own beyond its files, and it works under the
 * gateway's default CSP (script-src 'self': one bundled script, no inline code).
 * A gateway started without a built console says so at /console/ rather than 404ing.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';

/** console/dist from gateway-api/src/plugins/app (ts-jest, tsx) and gateway-api/dist/plugins/app alike. */
export const CONSOLE_DIR = path.resolve(__dirname, '../../../../console/dist');
export const CONSOLE_PATH = '/console/';

export default fp(
  async (app, { root = CONSOLE_DIR }: { root?: string }) => {
    app.get('/console', { schema: { hide: true } }, async (_request, reply) => reply.redirect(CONSOLE_PATH, 301));
    if (!existsSync(path.join(root, 'index.html'))) {
      app.log.warn({ root }, 'the console is not built (node console/build.mjs); /console/ answers 503');
      app.get(`${CONSOLE_PATH}*`, { schema: { hide: true } }, async (_request, reply) =>
        reply.status(503).type('text/plain; charset=utf-8').send('The console is not built: run `node console/build.mjs` (npm start does).\n'),
      );
      return;
    }
    // One route per file (wildcard: false), so an unknown file is the gateway's own 404 problem
    // rather than a wildcard match that its not-found handler would take for a 405.
    await app.register(fastifyStatic, { root, prefix: CONSOLE_PATH, index: ['index.html'], wildcard: false, decorateReply: false, schemaHide: true });
  },
  { name: 'console' },
);
