import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';

const require = createRequire(import.meta.url);

/** The MOJ Pattern Library's package root: its Nunjucks macros live under `moj/`. */
export const mojRoot = () => dirname(require.resolve('@ministryofjustice/frontend/package.json'));

/**
 * The MOJ Pattern Library's precompiled CSS at /staff/assets/ (GOV.UK
 * Frontend's own CSS, JS and images are served by the resident web at
 * /assets/), and a small module that starts GOV.UK Frontend's JavaScript. No MOJ JavaScript: every staff page works without it, and its
 * sortable table would sort one page in the browser while the queue sorts
 * all rows on the server.
 */
export async function staffAssets(app: FastifyInstance) {
  const css = readFileSync(join(mojRoot(), 'moj', 'moj-frontend.min.css'), 'utf8');
  const own = readFileSync(join(import.meta.dirname, 'public', 'staff.css'), 'utf8');
  const script = readFileSync(join(import.meta.dirname, 'public', 'staff.js'), 'utf8');
  const headers = { 'cache-control': 'public, max-age=3600' };
  const hidden = { schema: { hide: true } as object, config: { public: true } };
  app.get('/assets/moj-frontend.min.css', hidden, async (_req, reply) => reply.type('text/css; charset=utf-8').headers(headers).send(css));
  app.get('/assets/staff.css', hidden, async (_req, reply) => reply.type('text/css; charset=utf-8').headers(headers).send(own));
  app.get('/assets/staff.js', hidden, async (_req, reply) => reply.type('text/javascript; charset=utf-8').headers(headers).send(script));
}
