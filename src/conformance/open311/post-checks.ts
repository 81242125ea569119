import { CheckFailed, CheckSkipped, type Check } from '../check.ts';
import { expectErrors, expectStatus, jsonOf, list, xmlOf, type Open311Target } from './target.ts';

type C = Check<Open311Target>;
const without = (pairs: [string, string][], ...names: string[]) => pairs.filter(([k]) => !names.includes(k));

export const postChecks: C[] = [
  {
    id: 'L3.post.no_key',
    level: 3,
    title: 'A report without an API key is refused with 403',
    clause: 'Errors — General Errors: "403 - Missing or Invalid API Key"',
    async run(t) {
      const fields = await t.reportFields();
      expectErrors(await t.post('requests.xml', fields, { withKey: false }), 403, 'xml', 'Errors — 403');
      expectErrors(await t.post('requests.json', fields, { withKey: false }), 403, 'json', 'Errors — 403');
    },
  },
  {
    id: 'L3.post.bad_key',
    level: 3,
    title: 'A report with a wrong API key is refused with 403',
    clause: 'Errors — General Errors: "403 - Missing or Invalid API Key"',
    async run(t) {
      const fields = await t.reportFields();
      expectErrors(await t.post('requests.xml', [['api_key', 'pipework-check-not-a-key'], ...fields], { withKey: false }), 403, 'xml', 'Errors — 403');
    },
  },
  {
    id: 'L3.post.unknown_service',
    level: 3,
    title: 'A report to a service that does not exist is refused with 404',
    clause: 'POST Service Request — Possible Errors: 404 service_code not found',
    async run(t) {
      t.needKey();
      const fields = without(await t.reportFields(), 'service_code');
      expectErrors(await t.post('requests.xml', [['service_code', 'pipework-check-no-such-service'], ...fields]), 404, 'xml', 'POST Service Request — 404');
    },
  },
  {
    id: 'L3.post.no_service_code',
    level: 3,
    title: 'A report without service_code is refused with 400',
    clause: 'POST Service Request — Possible Errors: 400 service_code was not provided',
    async run(t) {
      t.needKey();
      expectErrors(await t.post('requests.json', without(await t.reportFields(), 'service_code')), 400, 'json', 'POST Service Request — 400');
    },
  },
  {
    id: 'L3.post.no_location',
    level: 3,
    title: 'A report without any location is refused with 400',
    clause: 'POST Service Request — Required Arguments: lat & long, or address_string, or address_id',
    async run(t) {
      t.needKey();
      expectErrors(await t.post('requests.json', without(await t.reportFields(), 'lat', 'long')), 400, 'json', 'POST Service Request — 400');
    },
  },
  {
    id: 'L3.post.json',
    level: 3,
    title: 'A valid report is accepted with an id (never 0) or a token',
    clause: 'POST Service Request — Response: service_request_id or token; FixMyStreet reads an id of 0 as a failure',
    async run(t) {
      const { id, exchange } = await t.created();
      if (id === '0') throw new CheckFailed('service_request_id is 0, which FixMyStreet reads as a failed send', exchange);
    },
  },
  {
    id: 'L3.post.roundtrip',
    level: 3,
    title: 'The report reads back as it was sent',
    clause: 'GET Service Request — Response: service_code, status open, description, lat/long as submitted',
    async run(t) {
      const { id, sent } = await t.created();
      const ex = await t.get(`requests/${encodeURIComponent(id)}.json`);
      expectStatus(ex, 200, 'GET Service Request');
      const r = jsonOf(ex)?.[0];
      const want = Object.fromEntries(sent);
      if (!r || String(r.service_request_id) !== id) throw new CheckFailed(`expected request ${id}`, ex);
      if (r.service_code !== want.service_code) throw new CheckFailed(`service_code is ${r.service_code}, but ${want.service_code} was sent`, ex);
      if (r.status !== 'open') throw new CheckFailed(`a new report's status is ${JSON.stringify(r.status)}, not open`, ex);
      if (r.description !== want.description) throw new CheckFailed(`description came back as ${JSON.stringify(r.description)}, not as sent`, ex);
      if (r.lat !== undefined && r.lat !== null && Math.abs(Number(r.lat) - Number(want.lat)) > 1e-5) throw new CheckFailed(`lat is ${r.lat}, but ${want.lat} was sent`, ex);
      if (r.long !== undefined && r.long !== null && Math.abs(Number(r.long) - Number(want.long)) > 1e-5) throw new CheckFailed(`long is ${r.long}, but ${want.long} was sent`, ex);
    },
  },
  {
    id: 'L3.post.xml',
    level: 3,
    title: 'A valid report in the XML form is answered in XML',
    clause: 'POST Service Request — Response: <service_requests><request><service_request_id> (XML Support)',
    async run(t) {
      t.needKey();
      const ex = await t.post('requests.xml', await t.reportFields());
      expectStatus(ex, 200, 'POST Service Request');
      const r = list(xmlOf(ex), 'request')[0];
      if (!r || (!r.service_request_id && !r.token)) throw new CheckFailed('expected <service_requests><request><service_request_id> or <token>', ex);
      if (r.service_request_id === '0') throw new CheckFailed('service_request_id is 0, which FixMyStreet reads as a failed send', ex);
    },
  },
  {
    id: 'L3.token',
    level: 3,
    title: 'A token gives the request id',
    clause: 'GET service_request_id from a token',
    async run(t) {
      const { exchange } = await t.created();
      const token = jsonOf(exchange)?.[0]?.token;
      if (!token) throw new CheckSkipped('the report was given an id straight away, not a token');
      await t.idFromToken(String(token));
    },
  },
];
