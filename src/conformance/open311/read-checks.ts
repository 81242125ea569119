import { CheckFailed, CheckSkipped, type Check } from '../check.ts';
import { W3C_DATETIME, expectErrors, expectStatus, jsonOf, list, xmlOf, type Open311Target } from './target.ts';

type C = Check<Open311Target>;
const DATATYPES = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'];
const fail = (message: string, ex?: Parameters<typeof expectStatus>[0]): never => {
  throw new CheckFailed(message, ex);
};

function checkServices(services: Record<string, any>[], ex: Parameters<typeof expectStatus>[0]) {
  if (!services.length) fail('the service list is empty: a client has nothing to offer', ex);
  for (const s of services) {
    const name = s.service_code ?? '(no service_code)';
    if (!s.service_code) fail('a service has no service_code', ex);
    if (!s.service_name) fail(`service ${name} has no service_name`, ex);
    if (!['true', 'false', true, false].includes(s.metadata)) fail(`service ${name}: metadata must be true or false, not ${JSON.stringify(s.metadata)}`, ex);
    if (!['realtime', 'batch', 'blackbox'].includes(s.type)) fail(`service ${name}: type must be realtime, batch or blackbox, not ${JSON.stringify(s.type)}`, ex);
  }
}

function checkDefinition(def: Record<string, any>, attributes: Record<string, any>[], values: (a: Record<string, any>) => Record<string, any>[], code: string, ex: Parameters<typeof expectStatus>[0]) {
  if (String(def.service_code) !== code) fail(`the definition's service_code is ${JSON.stringify(def.service_code)}, not the ${code} asked for`, ex);
  const orders = new Set<number>();
  for (const a of attributes) {
    const at = `attribute ${a.code ?? '(no code)'}`;
    if (!a.code) fail('an attribute has no code', ex);
    if (!DATATYPES.includes(a.datatype)) fail(`${at}: datatype must be one of ${DATATYPES.join(', ')}, not ${JSON.stringify(a.datatype)}`, ex);
    for (const f of ['variable', 'required']) if (!['true', 'false', true, false].includes(a[f])) fail(`${at}: ${f} must be true or false, not ${JSON.stringify(a[f])}`, ex);
    const order = Number(a.order);
    if (!Number.isInteger(order) || order < 1) fail(`${at}: order must be a positive integer, not ${JSON.stringify(a.order)}`, ex);
    if (orders.has(order)) fail(`${at}: order ${order} is used by another attribute of the same service`, ex);
    orders.add(order);
    if (/valuelist$/.test(a.datatype) && !values(a).length) fail(`${at}: a ${a.datatype} must list its values`, ex);
    if (values(a).some((v) => v.key === undefined || v.key === '' || !v.name)) fail(`${at}: every value needs a key and a name`, ex);
  }
}

export const readChecks: C[] = [
  {
    id: 'L1.discovery.xml',
    level: 1,
    title: 'Service discovery in XML names the GeoReport v2 endpoint',
    clause: 'Service Discovery: discovery.xml with endpoints/endpoint (specification, url, formats)',
    async run(t) {
      const ex = await t.get('discovery.xml');
      expectStatus(ex, 200, 'Service Discovery');
      const endpoints = list(xmlOf(ex).endpoints ?? {}, 'endpoint');
      if (!endpoints.length) fail('expected <discovery><endpoints><endpoint>…', ex);
      if (!endpoints.some((e) => /GeoReport_v2/i.test(String(e.specification ?? '')) && e.url)) fail('no endpoint has a GeoReport_v2 specification and a url', ex);
    },
  },
  {
    id: 'L1.discovery.json',
    level: 1,
    title: 'Service discovery in JSON names the GeoReport v2 endpoint',
    clause: 'Service Discovery: discovery.json',
    async run(t) {
      const ex = await t.get('discovery.json');
      expectStatus(ex, 200, 'Service Discovery');
      const doc = jsonOf(ex);
      if (!Array.isArray(doc?.endpoints) || !doc.endpoints.some((e: any) => /GeoReport_v2/i.test(String(e?.specification ?? '')) && e.url)) fail('expected {"endpoints": [{"specification": "…GeoReport_v2", "url": …}]}', ex);
    },
  },
  {
    id: 'L1.services.xml',
    level: 1,
    title: 'The service list in XML',
    clause: 'GET Service List — Response: service_code, service_name, metadata (true/false), type (realtime/batch/blackbox)',
    async run(t) {
      const ex = await t.get('services.xml');
      expectStatus(ex, 200, 'GET Service List');
      checkServices(list(xmlOf(ex), 'service'), ex);
    },
  },
  {
    id: 'L1.services.json',
    level: 1,
    title: 'The service list in JSON, the same services as in XML',
    clause: 'GET Service List — Response; JSON Support (the same document in either format)',
    async run(t) {
      const ex = await t.get('services.json');
      expectStatus(ex, 200, 'GET Service List');
      const doc = jsonOf(ex);
      if (!Array.isArray(doc)) fail('expected a JSON array of services', ex);
      checkServices(doc, ex);
      const inXml = (await t.services()).map((s) => String(s.service_code)).sort();
      const inJson = doc.map((s: any) => String(s.service_code)).sort();
      if (inXml.join('\n') !== inJson.join('\n')) fail(`XML lists ${inXml.length} services and JSON ${inJson.length}; they differ: ${inXml.filter((c) => !inJson.includes(c)).concat(inJson.filter((c: string) => !inXml.includes(c))).slice(0, 5).join(', ')}`, ex);
    },
  },
  {
    id: 'L1.definition.xml',
    level: 1,
    title: 'Each service with metadata=true has a definition in XML',
    clause: 'GET Service Definition — Response: attributes with code, datatype, variable, required, order; values for lists',
    async run(t) {
      const withMetadata = (await t.services()).filter((s) => s.metadata === 'true').slice(0, 10);
      if (!withMetadata.length) throw new CheckSkipped('no service has metadata=true');
      for (const s of withMetadata) {
        const ex = await t.get(`services/${encodeURIComponent(s.service_code)}.xml`);
        expectStatus(ex, 200, 'GET Service Definition');
        const def = xmlOf(ex);
        checkDefinition(def, list(def.attributes ?? {}, 'attribute'), (a) => list(a.values ?? {}, 'value'), String(s.service_code), ex);
      }
    },
  },
  {
    id: 'L1.definition.json',
    level: 1,
    title: 'Service definitions in JSON',
    clause: 'GET Service Definition — Response; JSON Support',
    async run(t) {
      const withMetadata = (await t.services()).filter((s) => s.metadata === 'true').slice(0, 10);
      if (!withMetadata.length) throw new CheckSkipped('no service has metadata=true');
      for (const s of withMetadata) {
        const ex = await t.get(`services/${encodeURIComponent(s.service_code)}.json`);
        expectStatus(ex, 200, 'GET Service Definition');
        const def = jsonOf(ex);
        if (!def || typeof def !== 'object' || !Array.isArray(def.attributes)) fail('expected {"service_code": …, "attributes": [...]}', ex);
        checkDefinition(def, def.attributes, (a) => (Array.isArray(a.values) ? a.values : []), String(s.service_code), ex);
      }
    },
  },
  {
    id: 'L1.definition.unknown',
    level: 1,
    title: 'An unknown service code is a 404 with an error list',
    clause: 'GET Service Definition — Possible Errors: 404 service_code not found; Errors',
    async run(t) {
      expectErrors(await t.get('services/no-such-service-pipework-check.xml'), 404, 'xml', 'GET Service Definition — 404');
      expectErrors(await t.get('services/no-such-service-pipework-check.json'), 404, 'json', 'GET Service Definition — 404');
    },
  },
  {
    id: 'L2.requests.xml',
    level: 2,
    title: 'Service requests in XML',
    clause: 'GET Service Requests — Response: service_request_id, status, service_code, requested_datetime (w3 format)',
    async run(t) {
      await t.sample().catch(() => undefined); // at level 3 and above, there is then one request to look at
      const ex = await t.get('requests.xml');
      expectStatus(ex, 200, 'GET Service Requests');
      checkRequests(list(xmlOf(ex), 'request'), ex);
    },
  },
  {
    id: 'L2.requests.json',
    level: 2,
    title: 'Service requests in JSON',
    clause: 'GET Service Requests — Response; JSON Support',
    async run(t) {
      await t.sample().catch(() => undefined); // at level 3 and above, there is then one request to look at
      const ex = await t.get('requests.json');
      expectStatus(ex, 200, 'GET Service Requests');
      const doc = jsonOf(ex);
      if (!Array.isArray(doc)) fail('expected a JSON array of requests', ex);
      checkRequests(doc, ex);
    },
  },
  {
    id: 'L2.request.one',
    level: 2,
    title: 'One request read by its id, in XML and JSON',
    clause: 'GET Service Request — Response: a list with the one request asked for',
    async run(t) {
      const sample = await t.sample();
      const id = String(sample.service_request_id);
      const ex = await t.get(`requests/${encodeURIComponent(id)}.json`);
      expectStatus(ex, 200, 'GET Service Request');
      const doc = jsonOf(ex);
      if (!Array.isArray(doc) || doc.length !== 1 || String(doc[0].service_request_id) !== id) fail(`expected [{"service_request_id": "${id}", …}]`, ex);
      const asXml = await t.get(`requests/${encodeURIComponent(id)}.xml`);
      expectStatus(asXml, 200, 'GET Service Request');
      const reqs = list(xmlOf(asXml), 'request');
      if (reqs.length !== 1 || String(reqs[0].service_request_id) !== id) fail(`expected <service_requests><request><service_request_id>${id}</service_request_id>…`, asXml);
    },
  },
  {
    id: 'L2.request.unknown',
    level: 2,
    title: 'An unknown request id is a 404 with an error list in the format asked for',
    clause: 'Errors: "404 for resources that don\'t exist"; the error document in the path\'s format',
    async run(t) {
      expectErrors(await t.get('requests/pipework-check-no-such-request.json'), 404, 'json', 'Errors — 404');
      expectErrors(await t.get('requests/pipework-check-no-such-request.xml'), 404, 'xml', 'Errors — 404');
    },
  },
  {
    id: 'L2.filter.status',
    level: 2,
    title: 'status=open and status=closed filter the list',
    clause: 'GET Service Requests — Optional Arguments: status',
    async run(t) {
      for (const [wanted, unwanted] of [
        ['open', 'closed'],
        ['closed', 'open'],
      ]) {
        const ex = await t.get('requests.json', [['status', wanted]]);
        expectStatus(ex, 200, 'GET Service Requests');
        const wrong = (jsonOf(ex) as any[]).find((r) => r.status === unwanted);
        if (wrong) fail(`status=${wanted} returned request ${wrong.service_request_id}, whose status is ${unwanted}`, ex);
      }
    },
  },
  {
    id: 'L2.filter.service_code',
    level: 2,
    title: 'service_code filters the list',
    clause: 'GET Service Requests — Optional Arguments: service_code',
    async run(t) {
      const sample = await t.sample();
      const code = String(sample.service_code);
      const ex = await t.get('requests.json', [['service_code', code]]);
      expectStatus(ex, 200, 'GET Service Requests');
      const doc = jsonOf(ex) as any[];
      if (!doc.some((r) => String(r.service_request_id) === String(sample.service_request_id))) fail(`service_code=${code} left out request ${sample.service_request_id}, which has that code`, ex);
      const wrong = doc.find((r) => String(r.service_code) !== code);
      if (wrong) fail(`service_code=${code} returned request ${wrong.service_request_id} of ${wrong.service_code}`, ex);
    },
  },
  {
    id: 'L2.filter.dates',
    level: 2,
    title: 'start_date and end_date bound requested_datetime',
    clause: 'GET Service Requests — Optional Arguments: start_date, end_date (w3 format)',
    async run(t) {
      const sample = await t.sample();
      const at = Date.parse(String(sample.requested_datetime));
      const start = new Date(at - 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
      const end = new Date(at + 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
      const ex = await t.get('requests.json', [['start_date', start], ['end_date', end]]);
      expectStatus(ex, 200, 'GET Service Requests');
      const doc = jsonOf(ex) as any[];
      if (!doc.some((r) => String(r.service_request_id) === String(sample.service_request_id))) fail(`a window around ${sample.requested_datetime} left out request ${sample.service_request_id}`, ex);
      const outside = doc.find((r) => Date.parse(r.requested_datetime) < Date.parse(start) || Date.parse(r.requested_datetime) > Date.parse(end));
      if (outside) fail(`request ${outside.service_request_id} (${outside.requested_datetime}) is outside ${start} … ${end}`, ex);
    },
  },
  {
    id: 'L2.filter.bad_date',
    level: 2,
    title: 'A date that is not a date is a 400 with an error list',
    clause: 'Errors: "400 for any other error where the request can not be fulfilled"',
    async run(t) {
      expectErrors(await t.get('requests.json', [['start_date', 'not-a-date']]), 400, 'json', 'Errors — 400');
      expectErrors(await t.get('requests.xml', [['start_date', 'not-a-date']]), 400, 'xml', 'Errors — 400');
    },
  },
  {
    id: 'L2.jurisdiction.unknown',
    level: 2,
    title: 'An unknown jurisdiction_id is a 404',
    clause: 'GET Service List — Possible Errors: 404 jurisdiction_id provided was not found',
    async run(t) {
      const url = `${t.base}services.xml?jurisdiction_id=pipework-check-no-such-jurisdiction`;
      expectErrors(await t.client.call('GET', url), 404, 'xml', 'GET Service List — 404');
    },
  },
];

function checkRequests(requests: Record<string, any>[], ex: Parameters<typeof expectStatus>[0]) {
  for (const r of requests) {
    const id = r.service_request_id ?? r.token;
    if (id === undefined || id === '') fail('a request has neither service_request_id nor token', ex);
    if (!r.status) fail(`request ${id} has no status`, ex);
    if (!r.service_code) fail(`request ${id} has no service_code`, ex);
    if (!W3C_DATETIME.test(String(r.requested_datetime ?? ''))) fail(`request ${id}: requested_datetime ${JSON.stringify(r.requested_datetime)} is not in w3 format (2010-01-01T00:00:00Z)`, ex);
    if (r.updated_datetime && !W3C_DATETIME.test(String(r.updated_datetime))) fail(`request ${id}: updated_datetime ${JSON.stringify(r.updated_datetime)} is not in w3 format`, ex);
  }
}
