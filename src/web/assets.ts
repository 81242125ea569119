import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

const require = createRequire(import.meta.url);

/** govuk-frontend's precompiled build: CSS, JS and images, used as shipped (no Sass step) but for the font. */
export const govukDist = () => join(dirname(require.resolve('govuk-frontend/package.json')), 'dist');

// Only these files are served; the rest of the package (Sass, templates) stays private.
const SERVED = /^\/(?:images\/[\w.-]+\.(?:png|svg|ico)|manifest\.json|govuk-frontend\.min\.js(?:\.map)?|pipework\.js|pipework-map\.(?:js|css))$/;
// Leaflet (the JavaScript map): its built script, stylesheet and images, nothing else of the package.
const LEAFLET = /^\/(?:leaflet\.(?:js|css)|images\/[\w-]+\.png)$/;

/**
 * The GDS Transport font, the crown and the royal crest are for GOV.UK services
 * only. A council's pages use Arial (the font stack's own fallback) and show
 * neither emblem: the precompiled CSS is rewritten once, without its
 * @font-face rules, with the footer's crown and crest hidden.
 */
export const councilCss = (css: string) =>
  css.replace(/@font-face\{[^}]*GDS Transport[^}]*\}/g, '').replace(/GDS Transport,/g, '') +
  '.govuk-footer__crown,.govuk-footer__copyright-logo:before{display:none}';

/**
 * Static files for the resident pages at /assets/ (the session hook skips
 * this prefix, so fetching a font never touches the session table).
 */
export async function webAssets(app: FastifyInstance) {
  const govuk = join(govukDist(), 'govuk');
  const css = councilCss(readFileSync(join(govuk, 'govuk-frontend.min.css'), 'utf8'));
  app.get('/assets/govuk-frontend.min.css', { schema: { hide: true } as object }, async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(css),
  );
  await app.register(fastifyStatic, {
    root: [join(govuk, 'assets'), govuk, join(import.meta.dirname, 'public')],
    prefix: '/assets/',
    decorateReply: false,
    allowedPath: (path) => SERVED.test(path),
    maxAge: '1h',
    index: false,
    list: false,
  });
  await app.register(fastifyStatic, {
    root: join(dirname(require.resolve('leaflet/package.json')), 'dist'),
    prefix: '/assets/leaflet/',
    decorateReply: false,
    allowedPath: (path) => LEAFLET.test(path),
    maxAge: '1h',
    index: false,
    list: false,
  });
}
