import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

const require = createRequire(import.meta.url);

/** govuk-frontend's precompiled build: CSS, JS, fonts and images, used as shipped (no Sass step). */
export const govukDist = () => join(dirname(require.resolve('govuk-frontend/package.json')), 'dist');

// Only these files are served; the rest of the package (Sass, templates) stays private.
const SERVED = /^\/(?:fonts\/[\w.-]+\.woff2?|images\/[\w.-]+\.(?:png|svg|ico)|manifest\.json|govuk-frontend\.min\.(?:css|js)(?:\.map)?|pipework\.js)$/;

/**
 * Static files for the resident pages at /assets/ (the session hook skips
 * this prefix, so fetching a font never touches the session table).
 */
export async function webAssets(app: FastifyInstance) {
  const govuk = join(govukDist(), 'govuk');
  await app.register(fastifyStatic, {
    root: [join(govuk, 'assets'), govuk, join(import.meta.dirname, 'public')],
    prefix: '/assets/',
    decorateReply: false,
    allowedPath: (path) => SERVED.test(path),
    maxAge: '1h',
    index: false,
    list: false,
  });
}
