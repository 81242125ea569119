import { CheckFailed, CheckSkipped, type Check } from '../check.ts';
import type { Shape } from '../../standards/openreferral/schemas.ts';
import { json, valid, type OrukTarget } from './target.ts';

type C = Check<OrukTarget>;
const OPENAPI = 'ORUK 3.0 OpenAPI (openapi.json)';
const fail = (message: string, ex?: Parameters<typeof valid>[2]): never => {
  throw new CheckFailed(message, ex);
};

/** A list endpoint and its by-id page: both valid against the profile's schemas. */
function endpoint(path: string, listShape: Shape, oneShape: Shape, level = 1, optional = false): C[] {
  const name = path.slice(1);
  return [
    {
      id: `O1.${name}`,
      level,
      title: `${path} is a page of valid ${name}`,
      clause: `${OPENAPI} — GET ${path}: the Page envelope, contents against ${listShape}.json`,
      async run(t) {
        if (optional) {
          const probe = await t.get(path);
          if (probe.status === 404) throw new CheckSkipped(`${path} is not offered (it is not in the profile's OpenAPI file)`);
        }
        await t.page(path, listShape);
      },
    },
    {
      id: `O1.${name}.one`,
      level,
      title: `${path}/{id} gives the record asked for, valid and in full`,
      clause: `${OPENAPI} — GET ${path}/{id}: against ${oneShape}.json`,
      async run(t) {
        if (optional && (await t.get(path)).status === 404) throw new CheckSkipped(`${path} is not offered`);
        const first = await t.first(path, listShape);
        const ex = await t.get(`${path}/${encodeURIComponent(first.id)}`);
        const body = json(ex, 200);
        valid(oneShape, body, ex, `${path}/${first.id}`);
        if (body.id !== first.id) fail(`${path}/${first.id} answered with ${body.id}`, ex);
      },
    },
  ];
}

/** Paging, on /services with a page size that makes at least three pages when there is enough data. */
async function paging(t: OrukTarget) {
  return t.once('paging', async () => {
    const { body } = await t.page('/services', 'service_list');
    const total = Number(body.total_items);
    if (!Number.isInteger(total) || total < 0) fail('total_items is not a whole number');
    const perPage = Math.max(1, Math.ceil(total / 3));
    return { total, perPage, pages: Math.ceil(total / perPage) };
  });
}

async function pageAt(t: OrukTarget, n: number, perPage: number) {
  const ex = await t.get('/services', [['page', String(n)], ['per_page', String(perPage)]]);
  const body = json(ex, 200);
  valid('page', body, ex, `page ${n}`);
  body.contents.forEach((c: unknown, i: number) => valid('service_list', c, ex, `page ${n} contents[${i}]`, `$.contents[${i}]`));
  return { body, ex };
}

function expectPage(body: any, ex: Parameters<typeof valid>[2], n: number, want: { first: boolean; last: boolean; items: number; total: number; pages: number }) {
  const wrong: string[] = [];
  if (body.page_number !== n) wrong.push(`page_number is ${body.page_number}, not ${n}`);
  if (body.first_page !== want.first) wrong.push(`first_page is ${body.first_page}, not ${want.first}`);
  if (body.last_page !== want.last) wrong.push(`last_page is ${body.last_page}, not ${want.last}`);
  if (body.contents.length !== want.items) wrong.push(`it has ${body.contents.length} items, not ${want.items}`);
  if (body.size !== body.contents.length) wrong.push(`size is ${body.size} for ${body.contents.length} items`);
  if (body.empty !== (want.items === 0)) wrong.push(`empty is ${body.empty}`);
  if (body.total_items !== want.total) wrong.push(`total_items changed from ${want.total} to ${body.total_items}`);
  if (body.total_pages !== want.pages) wrong.push(`total_pages is ${body.total_pages}, not ${want.pages}`);
  if (wrong.length) fail(`page ${n}: ${wrong.join('; ')}`, ex);
}

export const ORUK_CHECKS: C[] = [
  {
    id: 'O1.root',
    level: 1,
    title: 'The root says it is Open Referral UK 3.0 and where its OpenAPI file is',
    clause: `${OPENAPI} — GET /: version, openapi_url`,
    async run(t) {
      const ex = await t.get('/');
      const body = json(ex, 200);
      if (typeof body.version !== 'string' || !/^3\.\d/.test(body.version)) fail(`version is ${JSON.stringify(body.version)}, not 3.x`, ex);
      if (typeof body.openapi_url !== 'string' || !/^https?:\/\//.test(body.openapi_url)) fail(`openapi_url is ${JSON.stringify(body.openapi_url)}, not a URL`, ex);
      const doc = await t.client.call('GET', body.openapi_url);
      const openapi = json(doc, 200);
      if (typeof openapi.openapi !== 'string' || !openapi.paths) fail('openapi_url does not give an OpenAPI document', doc);
    },
  },
  ...endpoint('/services', 'service_list', 'service'),
  ...endpoint('/service_at_locations', 'service_at_location_list', 'service_at_location'),
  ...endpoint('/organizations', 'organization_list', 'organization', 1, true),
  ...endpoint('/taxonomies', 'taxonomy', 'taxonomy'),
  ...endpoint('/taxonomy_terms', 'taxonomy_term', 'taxonomy_term'),
  {
    id: 'O1.unknown_id',
    level: 1,
    title: 'An id that does not exist is a 404, not an empty record',
    clause: 'HTTP semantics (RFC 9110 §15.5.5): 404 for a resource that does not exist',
    async run(t) {
      const ex = await t.get('/services/00000000-0000-4000-8000-000000000000');
      if (ex.status !== 404) fail(`expected HTTP 404, got ${ex.status}`, ex);
    },
  },
  {
    id: 'O2.first_page',
    level: 2,
    title: 'The first page of services',
    clause: `${OPENAPI} — Page: page_number, size, first_page, last_page, empty, total_items, total_pages`,
    async run(t) {
      const { total, perPage, pages } = await paging(t);
      const { body, ex } = await pageAt(t, 1, perPage);
      expectPage(body, ex, 1, { first: true, last: pages <= 1, items: Math.min(perPage, total), total, pages });
    },
  },
  {
    id: 'O2.middle_page',
    level: 2,
    title: 'A middle page of services',
    clause: `${OPENAPI} — Page`,
    async run(t) {
      const { total, perPage, pages } = await paging(t);
      if (pages < 3) throw new CheckSkipped(`only ${total} services: too few for a middle page`);
      const { body, ex } = await pageAt(t, 2, perPage);
      expectPage(body, ex, 2, { first: false, last: false, items: perPage, total, pages });
    },
  },
  {
    id: 'O2.last_page',
    level: 2,
    title: 'The last page of services, and every service seen once across the pages',
    clause: `${OPENAPI} — Page`,
    async run(t) {
      const { total, perPage, pages } = await paging(t);
      if (pages < 1) throw new CheckSkipped('no services');
      const seen = new Set<string>();
      let last;
      for (let n = 1; n <= pages; n++) {
        last = await pageAt(t, n, perPage);
        for (const c of last.body.contents) {
          if (seen.has(c.id)) fail(`service ${c.id} appears on two pages`, last.ex);
          seen.add(c.id);
        }
      }
      expectPage(last!.body, last!.ex, pages, { first: pages === 1, last: true, items: total - (pages - 1) * perPage, total, pages });
      if (seen.size !== total) fail(`the pages hold ${seen.size} services, but total_items is ${total}`, last!.ex);
    },
  },
  {
    id: 'O2.past_the_end',
    level: 2,
    title: 'A page past the end is an empty page, not an error',
    clause: `${OPENAPI} — Page: empty`,
    async run(t) {
      const { total, perPage, pages } = await paging(t);
      const { body, ex } = await pageAt(t, pages + 1, perPage);
      expectPage(body, ex, pages + 1, { first: pages + 1 === 1, last: true, items: 0, total, pages });
    },
  },
  {
    id: 'O3.cors',
    level: 3,
    title: 'Any web page may read the directory (CORS)',
    clause: 'Fetch Standard — CORS protocol: Access-Control-Allow-Origin on every response, so browser-based directories can read it',
    async run(t) {
      for (const path of ['/', '/services', '/services/00000000-0000-4000-8000-000000000000']) {
        const ex = await t.get(path, [], { origin: 'https://directory.example' });
        const allowed = ex.headers['access-control-allow-origin'];
        if (allowed !== '*' && allowed !== 'https://directory.example') fail(`GET ${path} has no Access-Control-Allow-Origin for another site (got ${JSON.stringify(allowed ?? null)})`, ex);
      }
    },
  },
  {
    id: 'O3.filter.search',
    level: 3,
    title: 'search finds a service by a word of its name',
    clause: `${OPENAPI} — parameters: search (full text search)`,
    async run(t) {
      const sample = await t.first('/services', 'service_list');
      const word = String(sample.name).split(/\W+/).find((w) => w.length >= 3) ?? String(sample.name);
      const { body, ex } = await t.page('/services', 'service_list', [['search', word], ['per_page', '200']]);
      if (!body.contents.some((c: any) => c.id === sample.id) && body.total_items <= 200) fail(`search=${word} left out "${sample.name}"`, ex);
      if (body.total_items >= (await t.page('/services', 'service_list')).body.total_items && body.total_items > 1) {
        const none = await t.page('/services', 'service_list', [['search', 'zzqxjv-no-such-words']]);
        if (none.body.total_items !== 0) fail(`search for words no service has found ${none.body.total_items} services: search does not filter`, none.ex);
      }
    },
  },
  {
    id: 'O3.filter.taxonomy_term',
    level: 3,
    title: 'taxonomy_term_id finds the services with that term',
    clause: `${OPENAPI} — parameters: taxonomy_term_id`,
    async run(t) {
      const { body: service } = await t.sampleService();
      const termId = service.attributes?.find((a: any) => a.taxonomy_term_id)?.taxonomy_term_id;
      if (!termId) throw new CheckSkipped('the first service has no taxonomy term');
      const { body, ex } = await t.page('/services', 'service_list', [['taxonomy_term_id', termId], ['per_page', '200']]);
      if (!body.contents.some((c: any) => c.id === service.id) && body.total_items <= 200) fail(`taxonomy_term_id=${termId} left out "${service.name}", which has that term`, ex);
      for (const c of body.contents.slice(0, 5)) {
        const one = await t.get(`/services/${encodeURIComponent(c.id)}`);
        const full = json(one, 200);
        if (!full.attributes?.some((a: any) => a.taxonomy_term_id === termId || a.taxonomy_term?.id === termId)) fail(`taxonomy_term_id=${termId} returned "${c.name}", which does not have that term`, one);
      }
    },
  },
  {
    id: 'O3.filter.modified_after',
    level: 3,
    title: 'modified_after leaves out services not changed since',
    clause: `${OPENAPI} — parameters: modified_after`,
    async run(t) {
      const { body: service } = await t.sampleService();
      if (!service.last_modified) throw new CheckSkipped('the first service has no last_modified');
      const { body, ex } = await t.page('/services', 'service_list', [['modified_after', service.last_modified], ['per_page', '200']]);
      if (!body.contents.some((c: any) => c.id === service.id) && body.total_items <= 200) fail(`modified_after=${service.last_modified} left out the service modified then`, ex);
      const old = body.contents.find((c: any) => c.last_modified && Date.parse(c.last_modified) < Date.parse(service.last_modified));
      if (old) fail(`modified_after=${service.last_modified} returned "${old.name}", last modified ${old.last_modified}`, ex);
      const future = await t.page('/services', 'service_list', [['modified_after', '2999-01-01T00:00:00Z']]);
      if (future.body.total_items !== 0) fail(`modified_after=2999-01-01 found ${future.body.total_items} services`, future.ex);
    },
  },
  {
    id: 'O3.filter.postcode',
    level: 3,
    title: 'postcode and proximity find a service near its own postcode',
    clause: `${OPENAPI} — parameters: postcode, proximity (metres from the postcode's centroid)`,
    async run(t) {
      const { body: sals } = await t.page('/service_at_locations', 'service_at_location_list', [['per_page', '50']]);
      for (const sal of sals.contents) {
        const one = await t.get(`/service_at_locations/${encodeURIComponent(sal.id)}`);
        const full = json(one, 200);
        const postcode = full.location?.addresses?.find((a: any) => a.postal_code)?.postal_code;
        if (!postcode || typeof full.location.latitude !== 'number') continue;
        const { body, ex } = await t.page('/service_at_locations', 'service_at_location_list', [['postcode', postcode], ['proximity', '2000'], ['per_page', '200']]);
        if (!body.contents.some((c: any) => c.id === sal.id) && body.total_items <= 200) fail(`postcode=${postcode}&proximity=2000 left out the service at ${postcode}`, ex);
        const far = await t.page('/service_at_locations', 'service_at_location_list', [['postcode', postcode], ['proximity', '1'], ['per_page', '200']]);
        if (far.body.total_items >= sals.total_items && sals.total_items > 1) fail(`postcode=${postcode}&proximity=1 still lists all ${sals.total_items} services at locations: proximity does not filter`, far.ex);
        return;
      }
      throw new CheckSkipped('no service at a location has both a postcode and coordinates');
    },
  },
];
