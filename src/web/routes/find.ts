import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../plugin.ts';
import { byGroup, offered, searchServices } from '../catalogue.ts';

/** The start page (services by group, a search box) and search results. */
export async function findRoutes(app: FastifyInstance, { store, render }: WebContext) {
  const services = async () => (await store.services.list((await render.council()).id)).filter(offered);

  app.get('/', async (req, reply) => {
    const t = render.t(req);
    return render.page(req, reply, 'start.njk', { groups: byGroup(await services(), t('start.otherGroup')) });
  });

  app.get<{ Querystring: { q?: string } }>('/search', async (req, reply) => {
    const t = render.t(req);
    const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 200) : '';
    if (!q) {
      const errors = [{ field: 'q', href: '#q', text: t('search.error.empty') }];
      return render.page(req, reply, 'search.njk', { q, results: [], errors }, { status: 400 });
    }
    return render.page(req, reply, 'search.njk', { q, results: searchServices(await services(), q), searched: true });
  });
}
