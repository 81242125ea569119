import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../plugin.ts';

/** Pages every GOV.UK-style service links from its footer. */
export async function infoRoutes(app: FastifyInstance, { render }: WebContext) {
  for (const name of ['accessibility', 'cookies', 'privacy'] as const) {
    app.get(`/${name}`, async (req, reply) => render.page(req, reply, 'info.njk', { page: name }));
  }
}
