import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../../test/support/app.ts';
import { brokenStandIn, jsonAnswer, xmlAnswer, type Breakage, type Call } from '../../../test/support/broken-stand-in.ts';
import { OPEN311_CHECKS } from './index.ts';
import { runOpen311 } from './run.ts';

// Each check is shown to fail against a server broken in just the way it guards against:
// a check that cannot fail is not a check.

const is = (c: Call, method: string, path: RegExp) => c.method === method && path.test(c.path);
const edit = (re: RegExp, to: string) => (_c: Call, a: { status: number; contentType: string; body: string }) => ({ ...a, body: a.body.replace(re, to) });
const only = (method: string, path: RegExp, then: NonNullable<Breakage['answer']>): NonNullable<Breakage['answer']> => (c, a) => (is(c, method, path) ? then(c, a) : a);
const dropParam = (name: string, when: (c: Call) => boolean = () => true) => (c: Call) => {
  if (when(c)) c.params.delete(name);
  return c;
};
const UPDATE_WITHOUT_MEDIA = `<service_request_updates><request_update><update_id>u1</update_id><service_request_id>1</service_request_id><status>open</status><updated_datetime>${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}</updated_datetime><description>x</description></request_update></service_request_updates>`;

const BREAKAGES: Record<string, Breakage> = {
  'L1.discovery.xml': { answer: only('GET', /discovery\.xml$/, () => xmlAnswer('<discovery><changeset>x</changeset></discovery>')) },
  'L1.discovery.json': { answer: only('GET', /discovery\.json$/, () => jsonAnswer({ endpoints: [] })) },
  'L1.services.xml': { answer: only('GET', /services\.xml$/, edit(/<type>realtime<\/type>/, '<type>sometimes</type>')) },
  'L1.services.json': { answer: only('GET', /services\.json$/, (_c, a) => ({ ...a, body: JSON.stringify(JSON.parse(a.body).slice(1)) })) },
  'L1.definition.xml': { answer: only('GET', /services\/.+\.xml$/, edit(/<datatype>\w+<\/datatype>/, '<datatype>picklist</datatype>')) },
  'L1.definition.json': { answer: only('GET', /services\/.+\.json$/, edit(/"order":\d+/g, '"order":1')) },
  'L1.definition.unknown': { call: (c) => (/no-such-service/.test(c.path) ? xmlAnswer('<service_definition/>') : c) },
  'L2.requests.xml': { answer: only('GET', /requests\.xml$/, edit(/<requested_datetime>[^<]+/, '<requested_datetime>01/12/2026 09:00')) },
  'L2.requests.json': { answer: only('GET', /requests\.json$/, edit(/"requested_datetime":"[^"]+"/, '"requested_datetime":"yesterday"')) },
  'L2.request.one': { answer: only('GET', /requests\/.+\.json$/, () => jsonAnswer([])) },
  'L2.request.unknown': { call: (c) => (/no-such-request\.json$/.test(c.path) ? jsonAnswer([]) : c) },
  'L2.filter.status': { call: dropParam('status') },
  'L2.filter.service_code': { call: (c) => (c.method === 'GET' && c.params.has('service_code') ? jsonAnswer([]) : c) },
  'L2.filter.dates': { call: (c) => (c.method === 'GET' && /requests\.json$/.test(c.path) && c.params.has('end_date') ? jsonAnswer([]) : c) },
  'L2.filter.bad_date': { call: dropParam('start_date', (c) => c.params.get('start_date') === 'not-a-date') },
  'L2.jurisdiction.unknown': { call: dropParam('jurisdiction_id', (c) => c.params.get('jurisdiction_id') !== 'example') },
  'L3.post.no_key': { answer: (c, a) => (c.method === 'POST' && !c.body.has('api_key') ? { ...a, status: 400 } : a) },
  'L3.post.bad_key': { call: (c) => (c.body.get('api_key') === 'pipework-check-not-a-key' ? jsonAnswer([{ service_request_id: '7' }]) : c) },
  'L3.post.unknown_service': { answer: (c, a) => (c.body.get('service_code') === 'pipework-check-no-such-service' ? { ...a, status: 400 } : a) },
  'L3.post.no_service_code': { call: (c) => (c.method === 'POST' && !c.body.has('service_code') ? jsonAnswer([{ service_request_id: '8' }]) : c) },
  'L3.post.no_location': { call: (c) => (c.method === 'POST' && !c.body.has('lat') ? jsonAnswer([{ service_request_id: '9' }]) : c) },
  'L3.post.json': { answer: only('POST', /requests\.json$/, (_c, a) => (a.status === 200 ? jsonAnswer([{ service_request_id: '0' }]) : a)) },
  'L3.post.roundtrip': { answer: only('GET', /requests\/.+\.json$/, edit(/"description":"[^"]*"/, '"description":"something else"')) },
  'L3.post.xml': { answer: only('POST', /requests\.xml$/, edit(/service_request_id>/g, 'id>')) },
  'L3.token': {
    call: (c) => (c.method === 'GET' && /tokens\//.test(c.path) ? jsonAnswer([{ code: 404, description: 'no such token' }], 404) : c),
    answer: only('POST', /requests\.json$/, (_c, a) => (a.status === 200 ? jsonAnswer([{ token: 'tok-1' }]) : a)),
  },
  'L4.keywords': { answer: only('GET', /services\.xml$/, edit(/<keywords>([^<,]*),?/g, '<keywords>$1, private')) },
  'L4.attributes.repeated': { call: (c) => (c.method === 'POST' && [...c.body.keys()].some((k, i, all) => k.startsWith('attribute[') && all.indexOf(k) !== i) ? xmlAnswer('<errors><error><code>400</code><description>repeated</description></error></errors>', 400) : c) },
  'L4.attributes.unlisted': { call: (c) => (c.body.has('attribute[uprn]') ? xmlAnswer('<errors><error><code>400</code><description>unknown attribute uprn</description></error></errors>', 400) : c) },
  'L4.crlf': { answer: only('GET', /requests\/.+\.json$/, edit(/\\n/g, '\\r\\n')) },
  'L4.statuses': { answer: only('GET', /requests\.xml$/, edit(/<status>open<\/status>/, '<status>Open - awaiting inspection</status>')) },
  'L4.reopen': { answer: only('GET', /requests\/.+\.xml$/, edit(/<status>\w+<\/status>/, '<status>reopen</status>')) },
  'L4.long_id_list': { call: (c) => ((c.params.get('service_request_id') ?? '').length > 10_000 ? xmlAnswer('<service_requests></service_requests>') : c) },
  'L4.long_url_errors': { call: (c) => ((c.params.get('service_request_id') ?? '').length > 10_000 ? { status: 414, contentType: 'text/html', body: '<h1>URI Too Long</h1>' } : c) },
  'L4.updates.window': { call: (c) => (c.method === 'GET' && /servicerequestupdates\.xml$/.test(c.path) ? xmlAnswer(UPDATE_WITHOUT_MEDIA) : c) },
  'L4.errors.format': { answer: only('GET', /servicerequestupdates\.xml$/, (_c, a) => (a.status === 400 ? jsonAnswer([{ code: 400, description: 'bad date' }], 400) : a)) },
};

let env: Awaited<ReturnType<typeof demoApp>>;
let standIn: Awaited<ReturnType<typeof brokenStandIn>>;
before(async () => {
  env = await demoApp();
  standIn = await brokenStandIn(env.app, BREAKAGES);
});
after(async () => {
  await standIn.close();
  await env.close();
});

test('every check has a breakage that makes it fail, and no breakage is for a check that does not exist', () => {
  assert.deepEqual(Object.keys(BREAKAGES).sort(), OPEN311_CHECKS.map((c) => c.id).sort());
});

for (const check of OPEN311_CHECKS) {
  test(`${check.id} fails against a server broken for it, saying what was sent and what came back`, async () => {
    standIn.use(check.id);
    try {
      const report = await runOpen311(`${standIn.url}/open311/v2/`, { level: 4, apiKey: env.key, jurisdiction: 'example', only: [check.id], tokenPollMs: 5 });
      const [result] = report.results;
      assert.equal(result.outcome, 'fail', `${check.id}: ${result.outcome} ${result.message ?? ''}`);
      assert.ok(result.message && result.clause, 'says why and which clause');
      assert.ok(result.exchange && result.exchange.url.startsWith(standIn.url) && result.exchange.status > 0, 'shows the call');
    } finally {
      standIn.use(undefined);
    }
  });
}
