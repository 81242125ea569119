import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../plugin.ts';
import { STANDARD_TEXT } from '../../core/councils/council.ts';

/** Pages every GOV.UK-style service links from its footer, and the feedback page the beta banner links to when WEB_FEEDBACK_URL is not set. */
export async function infoRoutes(app: FastifyInstance, { render }: WebContext) {
  for (const name of ['accessibility', 'cookies', 'privacy', 'feedback'] as const) {
    app.get(`/${name}`, async (req, reply) => render.page(req, reply, 'info.njk', { page: name, standardText: STANDARD_TEXT }));
  }
}
