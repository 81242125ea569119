import { readFileSync } from 'node:fs';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../../core/store.ts';
import type { Config } from '../../config/schema.ts';
import { PipeworkError, invalid } from '../../core/errors.ts';
import { toPipeworkError } from '../../http/errors.ts';
import { DirectoryReader } from '../../core/directory/reader.ts';
import { catalogueRecords } from '../../core/directory/catalogue.ts';
import type { DirectoryQuery } from '../../core/directory/port.ts';
import { listParams, type ListParams } from './params.ts';
import { organizationFull, organizationList, pageOf, salFull, salList, serviceFull, serviceList, taxonomyWire, termWire } from './wire.ts';

export interface OpenReferralOptions {
  store: Store;
  config: Config;
  /** The LGSL label of a code (patterns/lgsl-services.csv), for the `esd` terms. */
  lgslName?: (code: number) => string | undefined;
}

export const ORUK_VERSION = '3.0';
type Query = Record<string, string | string[] | undefined>;
const tags = ['Open Referral UK'];

/** The base URL clients reach us on: PUBLIC_URL, else the request's own. */
const baseUrl = (config: Config, req: FastifyRequest) => (config.publicUrl || `${req.protocol}://${req.host}`).replace(/\/+$/, '');

/**
 * Open Referral UK 3.0 at /openreferral: the councils' own requestable
 * services and any imported directory, read-only, open to any web page (CORS).
 * Errors are JSON `{"error":{"code","message","problems"}}`, never a 500 with detail.
 */
export async function openReferralRoutes(app: FastifyInstance, { store, config, lgslName = () => undefined }: OpenReferralOptions) {
  const openapi = readFileSync(new URL('./schema/openapi.json', import.meta.url), 'utf8');
  const catalogue = async (req: FastifyRequest) => {
    const jurisdictions = await store.jurisdictions.list();
    const sources = await Promise.all(
      jurisdictions.map(async (jurisdiction) => ({
        jurisdiction,
        services: await store.services.list(jurisdiction.id),
        changedAt: await store.directory.catalogueChangedAt(jurisdiction.id),
      })),
    );
    return catalogueRecords(sources, { baseUrl: baseUrl(config, req), lgslName });
  };
  // One reader per request, which reads the catalogue once however often it is asked.
  const readers = new WeakMap<FastifyRequest, DirectoryReader>();
  const reader = (req: FastifyRequest) => {
    let r = readers.get(req);
    if (!r) {
      let once: ReturnType<typeof catalogue> | undefined;
      r = new DirectoryReader(store.directory, () => (once ??= catalogue(req)));
      readers.set(req, r);
    }
    return r;
  };

  app.addHook('onSend', async (_req, reply) => {
    reply.header('access-control-allow-origin', '*');
  });
  app.setErrorHandler((error: FastifyError, req, reply) => {
    const err = toPipeworkError(error);
    if (err.status >= 500) req.log.error({ err: error }, 'openreferral request failed');
    return sendError(reply, err);
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, new PipeworkError('NOT_FOUND', `No such Open Referral UK resource: ${req.method} ${req.url.split('?')[0]}`)));
  app.options('/*', { schema: { hide: true } as object }, async (_req, reply) =>
    reply.code(204).header('access-control-allow-methods', 'GET, OPTIONS').header('access-control-allow-headers', '*').header('access-control-max-age', '86400').send(),
  );

  app.get('/', { schema: { tags, summary: 'Which ORUK version this is, and where its OpenAPI file is' } }, async (req) => ({
    version: ORUK_VERSION,
    profile: 'https://github.com/openreferral/uk-profile',
    openapi_url: `${baseUrl(config, req)}/openreferral/openapi.json`,
  }));
  app.get('/openapi.json', { schema: { hide: true } as object }, async (_req, reply) => reply.type('application/json').send(openapi));

  app.get('/services', { schema: { tags, summary: 'Services, paged and filtered' } }, async (req) => {
    const p = listParams(req.query as Query, 'services');
    const r = reader(req);
    const page = await r.services(p);
    const related = await r.related(page.items.map((s) => s.id));
    return pageOf(page.items.map((s) => serviceList(s, related)), page.total, p.page, p.perPage);
  });
  app.get('/services/:id', { schema: { tags, summary: 'One service, fully nested' } }, async (req) => {
    const { id } = req.params as { id: string };
    const related = await reader(req).related([id]);
    const service = related.services.find((s) => s.id === id);
    if (!service) throw new PipeworkError('NOT_FOUND', `No service with id "${id}"`);
    return serviceFull(service, related);
  });

  app.get('/service_at_locations', { schema: { tags, summary: 'Services at locations, paged and filtered (also by postcode and proximity)' } }, async (req) => {
    const p = listParams(req.query as Query, 'service_at_locations');
    const r = reader(req);
    const page = await r.serviceAtLocations(await withPlace(r, p));
    const related = await r.related([...new Set(page.items.map((s) => s.serviceId))]);
    return pageOf(page.items.map((s) => salList(s, related)), page.total, p.page, p.perPage);
  });
  app.get('/service_at_locations/:id', { schema: { tags, summary: 'One service at a location, fully nested' } }, async (req) => {
    const { id } = req.params as { id: string };
    const r = reader(req);
    const sal = await r.serviceAtLocation(id);
    if (!sal) throw new PipeworkError('NOT_FOUND', `No service_at_location with id "${id}"`);
    return salFull(sal, await r.related([sal.serviceId]));
  });

  app.get('/organizations', { schema: { tags, summary: 'Organisations, paged' } }, async (req) => {
    const p = listParams(req.query as Query, 'paging');
    const page = await reader(req).organizations(p);
    return pageOf(page.items.map(organizationList), page.total, p.page, p.perPage);
  });
  app.get('/organizations/:id', { schema: { tags, summary: 'One organisation with its services in full' } }, async (req) => {
    const { id } = req.params as { id: string };
    const r = reader(req);
    const org = await r.organization(id);
    if (!org) throw new PipeworkError('NOT_FOUND', `No organization with id "${id}"`);
    const related = await r.related(await r.serviceIdsOf(id));
    return { ...organizationFull(org), services: related.services.map((s) => serviceFull(s, related)) };
  });

  app.get('/taxonomies', { schema: { tags, summary: 'Taxonomies, paged' } }, async (req) => {
    const p = listParams(req.query as Query, 'paging');
    const page = await reader(req).taxonomies(p);
    return pageOf(page.items.map(taxonomyWire), page.total, p.page, p.perPage);
  });
  app.get('/taxonomies/:id', { schema: { tags, summary: 'One taxonomy with its terms' } }, async (req) => {
    const { id } = req.params as { id: string };
    const r = reader(req);
    const taxonomy = await r.taxonomy(id);
    if (!taxonomy) throw new PipeworkError('NOT_FOUND', `No taxonomy with id "${id}"`);
    return { ...taxonomyWire(taxonomy), taxonomy_terms: (await r.termsOf(id)).map(termWire) };
  });

  app.get('/taxonomy_terms', { schema: { tags, summary: 'Taxonomy terms, paged (taxonomy_id to pick one taxonomy)' } }, async (req) => {
    const p = listParams(req.query as Query, 'taxonomy_terms');
    const page = await reader(req).taxonomyTerms(p);
    return pageOf(page.items.map(termWire), page.total, p.page, p.perPage);
  });
  app.get('/taxonomy_terms/:id', { schema: { tags, summary: 'One taxonomy term' } }, async (req) => {
    const { id } = req.params as { id: string };
    const term = await reader(req).taxonomyTerm(id);
    if (!term) throw new PipeworkError('NOT_FOUND', `No taxonomy_term with id "${id}"`);
    return termWire(term);
  });
}

/** `postcode` with `proximity` becomes a point, from the directory's own addresses. */
async function withPlace(r: DirectoryReader, p: ListParams): Promise<DirectoryQuery> {
  if (!p.nearPostcode) return p;
  const point = await r.locatePostcode(p.nearPostcode.postcode);
  if (!point) throw invalid([{ field: 'postcode', message: `postcode ${p.nearPostcode.postcode} is not near any address this directory knows, so there is nowhere to measure proximity from` }]);
  return { ...p, near: { ...point, metres: p.nearPostcode.metres } };
}

function sendError(reply: FastifyReply, err: PipeworkError) {
  return reply
    .code(err.status)
    .header('access-control-allow-origin', '*')
    .type('application/json; charset=utf-8')
    .send({ error: { code: err.code, message: err.message, ...(err.problems.length ? { problems: err.problems } : {}) } });
}
