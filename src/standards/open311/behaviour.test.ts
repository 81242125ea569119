import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp, form, FORM, multipart } from '../../../test/support/app.ts';
import { METRICS_TOKEN } from '../../../test/support/db.ts';

let env: Awaited<ReturnType<typeof demoApp>>;
before(async () => {
  env = await demoApp();
});
after(() => env.close());

const json = (res: { body: string }) => JSON.parse(res.body);
const create = (pairs: [string, string][], ext = 'json') =>
  env.app.inject({ method: 'POST', url: `/open311/v2/requests.${ext}`, headers: FORM, payload: form([['api_key', env.key], ...pairs]) });
const graffiti = (extra: [string, string][] = []): [string, string][] => [
  ['service_code', 'graffiti'],
  ['address_string', 'Underpass, Station Road'],
  ['attribute[offensive]', 'no'],
  ...extra,
];

test('a photo uploaded as multipart is stored and served back as media_url', async () => {
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
  const body = await multipart([['api_key', env.key], ...graffiti()], [{ field: 'photo1', name: 'IMG_0001.JPG', data: jpeg }]);
  const res = await env.app.inject({ method: 'POST', url: '/open311/v2/requests.json', ...body });
  assert.equal(res.statusCode, 200, res.body);
  const id = json(res)[0].service_request_id;
  const mediaUrl: string = json(await env.app.inject({ url: `/open311/v2/requests/${id}.json` }))[0].media_url;
  assert.match(mediaUrl, /^http:\/\/pipework\.test\/media\/[\w-]+\.jpg$/);
  const photo = await env.app.inject({ url: new URL(mediaUrl).pathname });
  assert.equal(photo.statusCode, 200);
  assert.equal(photo.headers['content-type'], 'image/jpeg');
  assert.deepEqual(photo.rawPayload, jpeg);
});

test('a flat XML body is accepted as well as a form', async () => {
  const res = await env.app.inject({
    method: 'POST',
    url: '/open311/v2/requests.xml',
    headers: { 'content-type': 'text/xml; charset=utf-8' },
    payload: `<?xml version="1.0"?><request><api_key>${env.key}</api_key><service_code>graffiti</service_code><address_string>1 Mill Lane</address_string><attribute><offensive>yes</offensive></attribute></request>`,
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(res.body, /<service_request_id>[1-9]\d*<\/service_request_id>/);
});

test('paging walks the list newest first without overlap', async () => {
  for (let i = 0; i < 5; i++) assert.equal((await create(graffiti([['description', `page test ${i}`]]))).statusCode, 200);
  const page = (n: number) => env.app.inject({ url: `/open311/v2/requests.json?service_code=graffiti&page_size=2&page=${n}` }).then(json);
  const [p1, p2, p3] = [await page(1), await page(2), await page(3)];
  assert.equal(p1.length, 2);
  const ids = [...p1, ...p2, ...p3].map((r: { service_request_id: string }) => Number(r.service_request_id));
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
  assert.equal(new Set(ids).size, ids.length);
});

test('an empty parameter is the same as a missing one', async () => {
  const all = await env.app.inject({ url: '/open311/v2/requests.json' });
  const empty = await env.app.inject({ url: '/open311/v2/requests.json?start_date=&end_date=&status=&service_code=&page=' });
  assert.equal(empty.statusCode, 200, empty.body);
  assert.deepEqual(json(empty), json(all));
});

test('an empty result is an empty list, not a 404', async () => {
  const res = await env.app.inject({ url: '/open311/v2/requests.xml?service_code=nothing_here' });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /<service_requests><\/service_requests>/);
  assert.deepEqual(json(await env.app.inject({ url: '/open311/v2/requests.json?status=duplicate' })), []);
});

test('inactive and private services are flagged in keywords; an inactive one takes no new requests', async () => {
  const s = (await env.store.services.get('example', 'dog_fouling'))!;
  await env.store.services.upsert({ ...s, active: false, visibility: 'private' });
  const listed = json(await env.app.inject({ url: '/open311/v2/services.json' })).find((x: { service_code: string }) => x.service_code === 'dog_fouling');
  assert.match(listed.keywords, /\bprivate\b/);
  assert.match(listed.keywords, /\binactive\b/);
  const res = await create([['service_code', 'dog_fouling'], ['address_string', 'Park']]);
  assert.equal(res.statusCode, 400);
  assert.match(json(res)[0].description, /not taking new requests/);
  await env.store.services.upsert(s);
});

test('with two councils, jurisdiction_id is required and chooses the council', async () => {
  // A database of its own: the second council stays for the rest of its life.
  const two = await demoApp();
  try {
    await two.store.jurisdictions.upsert({ id: 'other.gov.uk', name: 'Other Council' });
    const missing = await two.app.inject({ url: '/open311/v2/services.json' });
    assert.equal(missing.statusCode, 400);
    assert.match(json(missing)[0].description, /jurisdiction_id was not provided/);
    assert.deepEqual(json(await two.app.inject({ url: '/open311/v2/services.json?jurisdiction_id=other.gov.uk' })), []);
    assert.equal((await two.app.inject({ url: '/open311/v2/services.json?jurisdiction_id=example' })).statusCode, 200);
    const res = await two.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: FORM, payload: form([['api_key', two.key], ...graffiti(), ['jurisdiction_id', 'example']]) });
    assert.equal(res.statusCode, 200, res.body);
    const id = json(res)[0].service_request_id;
    assert.equal((await two.app.inject({ url: `/open311/v2/requests/${id}.json?jurisdiction_id=other.gov.uk` })).statusCode, 404);
  } finally {
    await two.close();
  }
});

test('/openapi.json describes every Open311 path from the schemas that validate it', async () => {
  const doc = json(await env.app.inject({ url: '/openapi.json' }));
  for (const path of ['discovery', 'services', 'requests', 'servicerequestupdates']) {
    for (const ext of ['xml', 'json']) assert.ok(doc.paths[`/open311/v2/${path}.${ext}`], `${path}.${ext}`);
  }
  for (const path of ['services/{file}', 'requests/{file}', 'tokens/{file}']) assert.ok(doc.paths[`/open311/v2/${path}`], path);
  const body = doc.paths['/open311/v2/requests.json'].post.requestBody.content['application/json'].schema;
  assert.equal(body.properties.description.maxLength, 4000);
  assert.equal(body.properties.lat.maximum, 90);
  const query = doc.paths['/open311/v2/requests.json'].get.parameters.map((p: { name: string }) => p.name);
  for (const name of ['service_request_id', 'service_code', 'start_date', 'end_date', 'status', 'page', 'page_size']) assert.ok(query.includes(name), name);
});

test('health, readiness and metrics', async () => {
  assert.equal((await env.app.inject({ url: '/healthz' })).statusCode, 200);
  assert.equal(json(await env.app.inject({ url: '/readyz' })).status, 'ready');
  const metrics = await env.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.match(metrics.headers['content-type'] as string, /^text\/plain/);
  assert.match(metrics.body, /pipework_http_request_duration_seconds_bucket\{.*route="\/open311\/v2\/services.json"/);
});

test('a retry with the same Idempotency-Key gets the first request back instead of a second one', async () => {
  const send = (key: string) =>
    env.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      headers: { ...FORM, 'idempotency-key': key },
      payload: form([['api_key', env.key], ...graffiti([['description', `idempotent ${key}`]])]),
    });
  const [a, b] = await Promise.all([send('job-41'), send('job-41')]);
  const c = await send('job-41');
  const other = await send('job-42');
  for (const r of [a, b, c, other]) assert.equal(r.statusCode, 200, r.body);
  const ids = [a, b, c, other].map((r) => json(r)[0].service_request_id);
  assert.equal(new Set(ids.slice(0, 3)).size, 1, 'one request for one key');
  assert.notEqual(ids[3], ids[0]);
  const stored = await env.store.requests.search({ jurisdictionId: 'example', serviceCodes: ['graffiti'], page: 1, pageSize: 1000 });
  assert.equal(stored.filter((r) => r.description === 'idempotent job-41').length, 1);
  const bad = await send('x'.repeat(300));
  assert.equal(bad.statusCode, 400);
  assert.match(json(bad)[0].description, /Idempotency-Key/);
});
