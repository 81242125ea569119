import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { demoApp } from '../../../test/support/app.ts';
import { assertNoNulls, assertOruk, assertOrukPage } from '../../../test/support/oruk.ts';
import { importDirectory } from './import.ts';
import { requestable } from '../../core/directory/catalogue.ts';

const FIXTURE = new URL('./fixtures/sample-directory.json', import.meta.url).pathname;
const sample = JSON.parse(readFileSync(FIXTURE, 'utf8'));

let env: Awaited<ReturnType<typeof demoApp>>;
before(async () => {
  env = await demoApp();
  const { problems, saved } = await importDirectory(FIXTURE, env.store.directory);
  assert.deepEqual(problems, []);
  assert.equal(saved?.services, 3);
});
after(() => env.close());

/** GET a directory path; every answer must allow any origin and never carry null. */
async function get(path: string) {
  const res = await env.app.inject(`/openreferral${path}`);
  assert.equal(res.headers['access-control-allow-origin'], '*', `CORS on ${path}`);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body = JSON.parse(res.body);
  assertNoNulls(body);
  return { status: res.statusCode, body };
}
const list = async (path: string, item: Parameters<typeof assertOrukPage>[0], expected = { page: 1, perPage: 50 }) => {
  const { status, body } = await get(path);
  assert.equal(status, 200, JSON.stringify(body));
  assertOrukPage(item, body, expected);
  return body;
};
const names = (body: any) => body.contents.map((c: any) => c.name ?? c.service?.name);

test('the root says which version this is and where its OpenAPI file is', async () => {
  const { body } = await get('/');
  assert.equal(body.version, '3.0');
  assert.equal(body.openapi_url, 'http://pipework.test/openreferral/openapi.json');
  const openapi = await env.app.inject('/openreferral/openapi.json');
  assert.equal(JSON.parse(openapi.body).info.title, 'Open Referral UK Profile');
});

test('every requestable council service is in the directory, with its web journey, esd term and service_code', async () => {
  const offered = (await env.store.services.list('example')).filter(requestable);
  assert.ok(offered.length > 5);
  const body = await list(`/services?per_page=500`, 'service_list', { page: 1, perPage: 500 });
  assert.equal(body.total_items, offered.length + 3);
  for (const s of offered) {
    const entry = body.contents.find((c: any) => c.url === `http://pipework.test/report/${s.code}`);
    assert.ok(entry, `${s.code} is listed`);
    assert.equal(entry.name, s.name);
    const { body: full } = await get(`/services/${entry.id}`);
    assertOruk('service', full);
    const code = full.attributes.find((a: any) => a.taxonomy_term.taxonomy === 'open311');
    assert.equal(code.taxonomy_term.term, s.code);
    if (s.lgslCode !== undefined) {
      const esd = full.attributes.find((a: any) => a.taxonomy_term.taxonomy === 'esd');
      assert.equal(esd.taxonomy_term.term_uri, `http://id.esd.org.uk/service/${s.lgslCode}`);
    }
  }
  assert.ok(offered.some((s) => s.lgslCode !== undefined), 'the demo has LGSL codes to check');
});

test('pages: first, middle, last and past the end are all valid pages', async () => {
  const { body: all } = await get('/services?per_page=500');
  const perPage = 7;
  const pages = Math.ceil(all.total_items / perPage);
  assert.ok(pages >= 3);
  const seen: string[] = [];
  for (const page of [1, 2, pages, pages + 1]) {
    const body = await list(`/services?page=${page}&per_page=${perPage}`, 'service_list', { page, perPage });
    if (page <= pages) seen.push(...body.contents.map((c: any) => c.id));
  }
  for (let page = 3; page < pages; page++) seen.push(...(await get(`/services?page=${page}&per_page=${perPage}`)).body.contents.map((c: any) => c.id));
  assert.deepEqual(new Set(seen).size, all.total_items, 'paging shows each service once');
  // The same edges where the list is only imported records.
  for (const page of [1, 2, 3, 4]) await list(`/service_at_locations?page=${page}&per_page=2`, 'service_at_location_list', { page, perPage: 2 });
  await list('/taxonomy_terms?page=2&per_page=3', 'taxonomy_term', { page: 2, perPage: 3 });
  await list('/organizations?page=9&per_page=1', 'organization_list', { page: 9, perPage: 1 });
});

test('search, taxonomy term, taxonomy, organisation and modified_after filter services', async () => {
  assert.deepEqual(names(await list('/services?search=food+bank', 'service_list')), ['Riverside Food Bank']);
  const food = sample[0].attributes[0].taxonomy_term_id;
  assert.deepEqual(names(await list(`/services?taxonomy_term_id=${food}`, 'service_list')).sort(), ['Community fridge', 'Riverside Food Bank']);
  const imported = await list(`/services?taxonomy_id=${sample[0].attributes[0].taxonomy_term.taxonomy_id}`, 'service_list');
  assert.equal(imported.total_items, 3);
  const { body: taxonomies } = await get('/taxonomies');
  const esd = taxonomies.contents.find((t: any) => t.name === 'esd');
  const lgsl = await list(`/services?taxonomy_id=${esd.id}&per_page=500`, 'service_list', { page: 1, perPage: 500 });
  assert.ok(lgsl.contents.every((c: any) => c.url.startsWith('http://pipework.test/report/')));
  assert.deepEqual(names(await list(`/services?organization_id=${sample[1].organization_id}`, 'service_list')), ['Debt advice drop-in']);
  const recent = names(await list('/services?modified_after=2026-11-01&search=advice', 'service_list'));
  assert.deepEqual(recent, ['Debt advice drop-in']);
  assert.equal((await list('/services?modified_after=2099-01-01', 'service_list')).total_items, 0);
});

test('postcode and proximity find services at locations, nearest first', async () => {
  const near = await list('/service_at_locations?postcode=se17pb&proximity=500', 'service_at_location_list');
  assert.deepEqual(names(near).sort(), ['Community fridge', 'Riverside Food Bank']);
  const wider = await list('/service_at_locations?postcode=SE1%207PB&proximity=2000', 'service_at_location_list');
  assert.deepEqual(names(wider).slice(-1), ['Debt advice drop-in'], 'the library, 1.3 km away, comes last');
  assert.equal(wider.total_items, 3);
  const district = await list('/service_at_locations?postcode=W1D%204HS', 'service_at_location_list');
  assert.deepEqual(district.contents.map((c: any) => c.location.name), ['Northgate Library']);
  const searched = await list('/service_at_locations?search=fridge', 'service_at_location_list');
  assert.deepEqual(names(searched), ['Community fridge']);
});

test('each record has its own page, valid against the schemas', async () => {
  const sals = (await get('/service_at_locations?per_page=10')).body.contents;
  for (const sal of sals) {
    const { status, body } = await get(`/service_at_locations/${sal.id}`);
    assert.equal(status, 200);
    assertOruk('service_at_location', body);
    assert.equal(body.service.id, sal.service_id);
  }
  for (const org of (await list('/organizations', 'organization_list')).contents) {
    const { body } = await get(`/organizations/${org.id}`);
    assertOruk('organization', body);
    assert.ok(body.services.length >= 1);
  }
  for (const t of (await list('/taxonomies', 'taxonomy')).contents) {
    const { body } = await get(`/taxonomies/${t.id}`);
    assertOruk('taxonomy', body);
    assert.ok(body.taxonomy_terms.length >= 1);
  }
  for (const term of (await list('/taxonomy_terms?per_page=500', 'taxonomy_term', { page: 1, perPage: 500 })).contents) {
    const { body } = await get(`/taxonomy_terms/${term.id}`);
    assertOruk('taxonomy_term', body);
  }
  const { body: full } = await get(`/services/${sample[0].id}`);
  assertOruk('service', full);
  assert.equal(full.service_at_locations[0].location.addresses[0].postal_code, 'SE1 7PB');
});

test('mistakes get a JSON error that names them; unknown ids are 404, never 500', async () => {
  for (const [path, status, field] of [
    ['/services?page=0', 400, 'page'],
    ['/services?per_page=501', 400, 'per_page'],
    ['/services?page=x&per_page=y', 400, 'per_page'],
    ['/services?modified_after=yesterday', 400, 'modified_after'],
    ['/services?minimum_age=5', 400, 'minimum_age'],
    ['/services?maximum_age=12', 400, 'maximum_age'],
    ['/services?start_time=09:00', 400, 'start_time'],
    ['/services?end_time=17:00', 400, 'end_time'],
    ['/services?day=MO', 400, 'day'],
    ['/services?full_service=true', 400, 'full_service'],
    ['/service_at_locations?maximum_age=12', 400, 'maximum_age'],
    ['/service_at_locations?start_time=09:00', 400, 'start_time'],
    ['/service_at_locations?end_time=17:00', 400, 'end_time'],
    ['/service_at_locations?day=MO', 400, 'day'],
    ['/service_at_locations?full_service=true', 400, 'full_service'],
    ['/service_at_locations?minimum_age=5', 400, 'minimum_age'],
    ['/services?postcode=SE1%207PB', 400, 'postcode'],
    ['/service_at_locations?proximity=100', 400, 'proximity'],
    ['/service_at_locations?postcode=nowhere', 400, 'postcode'],
    ['/service_at_locations?postcode=ZE1%200AA&proximity=100', 400, 'postcode'],
    ['/service_at_locations?postcode=SE1%207PB&proximity=-3', 400, 'proximity'],
    ['/services?search=a&search=b', 400, 'search'],
    ['/services/00000000-0000-4000-8000-000000000000', 404, undefined],
    ['/services/not%20a%20uuid', 404, undefined],
    ['/service_at_locations/x', 404, undefined],
    ['/organizations/x', 404, undefined],
    ['/taxonomies/x', 404, undefined],
    ['/taxonomy_terms/x', 404, undefined],
    ['/locations', 404, undefined],
  ] as const) {
    const { status: got, body } = await get(path);
    assert.equal(got, status, `${path}: ${JSON.stringify(body)}`);
    assert.equal(typeof body.error.message, 'string');
    if (field) assert.ok(body.error.problems.some((p: any) => p.field === field), `${path} names ${field}: ${JSON.stringify(body)}`);
  }
  const preflight = await env.app.inject({ method: 'OPTIONS', url: '/openreferral/services', headers: { origin: 'https://example.org', 'access-control-request-method': 'GET' } });
  assert.equal(preflight.statusCode, 204);
  assert.equal(preflight.headers['access-control-allow-origin'], '*');
});

test('the resident web search finds directory services: "food bank" finds the food bank', async () => {
  const res = await env.app.inject('/search?q=food+bank');
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /Other services that may help/);
  assert.match(res.body, /<a class="govuk-link govuk-!-font-weight-bold" href="https:\/\/riverside\.example\/food-bank">Riverside Food Bank<\/a>/);
  assert.match(res.body, /Riverside Community Trust/);
  const food = await env.app.inject('/search?q=food');
  assert.match(food.body, /Riverside Food Bank/);
  assert.doesNotMatch(food.body, /Community fridge/, 'a temporarily closed service (whose text matches) is not offered');
  const none = await env.app.inject('/search?q=pothole');
  assert.doesNotMatch(none.body, /Other services that may help/);
});
