import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebContext } from '../plugin.ts';
import { byGroup, offered, searchServices } from '../catalogue.ts';
import type { Store } from '../../core/store.ts';
import { localised } from '../welsh.ts';

/** The start page (services by group, a search box) and search results. */
export async function findRoutes(app: FastifyInstance, { store, render }: WebContext) {
  // In Welsh: Welsh names, descriptions and groups, and Welsh keywords searched beside the English.
  const services = async (req: FastifyRequest) => (await store.services.list((await render.council(req)).id)).filter(offered).map((s) => localised(s, render.lang(req)));

  app.get('/', async (req, reply) => {
    const t = render.t(req);
    const groups = byGroup(await services(req), t('start.otherGroup')).map((g) => ({ ...g, english: g.services.some((s) => s.english.has('groups')) }));
    return render.page(req, reply, 'start.njk', { groups });
  });

  app.get<{ Querystring: { q?: string } }>('/search', async (req, reply) => {
    const t = render.t(req);
    const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 200) : '';
    if (!q) {
      const errors = [{ field: 'q', href: '#q', text: t('search.error.empty') }];
      return render.page(req, reply, 'search.njk', { q, results: [], errors }, { status: 400 });
    }
    return render.page(req, reply, 'search.njk', { q, results: searchServices(await services(req), q), directory: await directoryMatches(store, q), searched: true });
  });
}

/** Services in the Open Referral UK directory (other organisations') that match: shown after the council's own. */
async function directoryMatches(store: Store, q: string) {
  const page = await store.directory.services({ text: q, offset: 0, limit: 10 });
  const active = page.items.filter((s) => (s.fields.status ?? 'active') === 'active');
  const related = await store.directory.related(active.map((s) => s.id));
  return active.map((s) => ({
    name: String(s.fields.name ?? ''),
    description: typeof s.fields.description === 'string' ? s.fields.description : '',
    // Imported data: only web links, never javascript: or other schemes.
    url: typeof s.fields.url === 'string' && /^https?:\/\//i.test(s.fields.url) ? s.fields.url : undefined,
    organization: related.organizations.find((o) => o.id === s.organizationId)?.fields.name,
  }));
}
