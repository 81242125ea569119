import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../../test/support/app.ts';
import { brokenStandIn, jsonAnswer, type Answer, type Breakage, type Call } from '../../../test/support/broken-stand-in.ts';
import { importDirectory } from '../../standards/openreferral/import.ts';
import { ORUK_CHECKS } from './checks.ts';
import { runOruk } from './run.ts';

// Each ORUK check is shown to fail against a directory broken in just the way it guards against.

const FIXTURE = new URL('../../standards/openreferral/fixtures/sample-directory.json', import.meta.url).pathname;
type Json = any;
/** Change the JSON of answers to GETs whose path matches. */
const onJson = (path: RegExp, change: (body: Json, c: Call) => Json, when: (c: Call) => boolean = () => true): Breakage => ({
  answer: (c: Call, a: Answer) => (c.method === 'GET' && path.test(c.path) && when(c) && a.status === 200 ? { ...a, body: JSON.stringify(change(JSON.parse(a.body), c)) } : a),
});
const drop = (...names: string[]): Breakage => ({
  call: (c) => {
    for (const n of names) c.params.delete(n);
    return c;
  },
});
const page = (n: number) => (c: Call) => c.params.get('page') === String(n);
const lastPage = (c: Call) => !!c.params.get('per_page') && c.params.get('page') !== '1' && c.params.get('page') !== '2';
const ONE = /\/openreferral\/(\w+)\/[^/]+$/;

const BREAKAGES: Record<string, Breakage> = {
  'O1.root': onJson(/^\/openreferral\/?$/, (b) => ({ ...b, version: '2.0' })),
  'O1.services': onJson(/\/services$/, (b) => (b.contents[0].status = 'open', b)),
  'O1.services.one': onJson(/\/services\/[^/]+$/, ({ name, ...rest }) => rest),
  'O1.service_at_locations': onJson(/\/service_at_locations$/, (b) => (b.contents[0].location.location_type = 'house', b)),
  'O1.service_at_locations.one': onJson(/\/service_at_locations\/[^/]+$/, (b) => ({ ...b, id: 'sal-1' })),
  'O1.organizations': onJson(/\/organizations$/, (b) => (delete b.contents[0].description, b)),
  'O1.organizations.one': onJson(/\/organizations\/[^/]+$/, (b) => ({ ...b, name: null })),
  'O1.taxonomies': onJson(/\/taxonomies$/, (b) => (b.contents[0].id = 5, b)),
  'O1.taxonomies.one': onJson(/\/taxonomies\/[^/]+$/, (b) => ({ ...b, id: '00000000-0000-4000-8000-000000000001' })),
  'O1.taxonomy_terms': onJson(/\/taxonomy_terms$/, (b) => (delete b.contents[0].name, b)),
  'O1.taxonomy_terms.one': onJson(/\/taxonomy_terms\/[^/]+$/, (b) => ({ ...b, term_uri: 'not a uri' })),
  'O1.unknown_id': { call: (c) => (/\/services\/00000000-0000-4000-8000-000000000000$/.test(c.path) ? jsonAnswer({}) : c) },
  'O2.first_page': onJson(/\/services$/, (b) => ({ ...b, first_page: false }), page(1)),
  'O2.middle_page': onJson(/\/services$/, (b) => ({ ...b, last_page: true }), page(2)),
  'O2.last_page': onJson(/\/services$/, (b) => ({ ...b, contents: b.contents.slice(1), size: b.size - 1 }), (c) => lastPage(c) && c.params.get('page') === '3'),
  'O2.past_the_end': { call: (c) => (Number(c.params.get('page')) > 3 ? jsonAnswer({ error: 'no such page' }, 404) : c) },
  'O3.cors': { answer: (_c, a) => ({ ...a, headers: {} }) },
  'O3.filter.search': drop('search'),
  'O3.filter.taxonomy_term': drop('taxonomy_term_id'),
  'O3.filter.modified_after': drop('modified_after'),
  'O3.filter.postcode': drop('postcode', 'proximity'),
};

let env: Awaited<ReturnType<typeof demoApp>>;
let standIn: Awaited<ReturnType<typeof brokenStandIn>>;
before(async () => {
  env = await demoApp({ publicUrl: '' });
  await importDirectory(FIXTURE, env.store.directory);
  standIn = await brokenStandIn(env.app, BREAKAGES);
});
after(async () => {
  await standIn.close();
  await env.close();
});

test('unbroken, the stand-in (Pipework) passes every ORUK check; every check has its breakage', async () => {
  assert.deepEqual(Object.keys(BREAKAGES).sort(), ORUK_CHECKS.map((c) => c.id).sort());
  const report = await runOruk(`${standIn.url}/openreferral/`);
  assert.deepEqual(report.results.filter((r) => r.outcome !== 'pass').map((r) => `${r.id}: ${r.message}`), []);
});

for (const check of ORUK_CHECKS) {
  test(`${check.id} fails against a directory broken for it`, async () => {
    standIn.use(check.id);
    try {
      const [result] = (await runOruk(`${standIn.url}/openreferral/`, { only: [check.id] })).results;
      assert.equal(result.outcome, 'fail', `${check.id}: ${result.outcome} ${result.message ?? ''}`);
      assert.ok(result.exchange && result.exchange.status > 0, 'shows the call');
    } finally {
      standIn.use(undefined);
    }
  });
}
