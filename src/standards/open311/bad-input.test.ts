import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp, form, FORM, multipart } from '../../../test/support/app.ts';

// Every kind of bad input gets a 4xx whose description says what is wrong, in
// the format the path asked for; none is stored; nothing answers 500.

let env: Awaited<ReturnType<typeof demoApp>>;
before(async () => {
  env = await demoApp({ bodyLimitBytes: 64 * 1024 });
});
after(() => env.close());

const valid = (): [string, string][] => [
  ['api_key', env.key],
  ['service_code', 'pothole'],
  ['lat', '51.5'],
  ['long', '-0.12'],
  ['attribute[depth]', 'deep'],
];
const post = (pairs: [string, string][], ext = 'json') =>
  env.app.inject({ method: 'POST', url: `/open311/v2/requests.${ext}`, headers: FORM, payload: form(pairs) });
const without = (pairs: [string, string][], key: string) => pairs.filter(([k]) => k !== key);
const descriptions = (body: string) => (JSON.parse(body) as { description: string }[]).map((e) => e.description).join(' | ');

async function storedCount() {
  return (await env.store.requests.search({ jurisdictionId: 'example', page: 1, pageSize: 1000 })).length;
}

const cases: [string, () => Promise<{ statusCode: number; body: string }>, number, RegExp][] = [
  ['description over 4000 characters', () => post([...valid(), ['description', 'x'.repeat(4001)]]), 400, /description.*4000/],
  ['unknown service', () => post([...without(valid(), 'service_code'), ['service_code', 'unicorns']]), 404, /service_code "unicorns" was not found/],
  ['missing required attribute', () => post(without(valid(), 'attribute[depth]')), 400, /attribute\[depth\] is required/],
  ['value not in a singlevaluelist', () => post([...without(valid(), 'attribute[depth]'), ['attribute[depth]', 'abyss']]), 400, /attribute\[depth\] must be one of shallow, medium, deep, got "abyss"/],
  ['non-numeric number', () => post([...valid(), ['attribute[width_cm]', 'quite wide']]), 400, /attribute\[width_cm\] must be a number/],
  ['latitude out of range', () => post([...without(valid(), 'lat'), ['lat', '95']]), 400, /lat must be/],
  ['longitude out of range', () => post([...without(valid(), 'long'), ['long', '-200']]), 400, /long must be/],
  ['latitude not a number', () => post([...without(valid(), 'lat'), ['lat', 'north']]), 400, /lat must be/],
  ['lat without long', () => post(without(valid(), 'long')), 400, /lat and long must be given together/],
  ['no location at all', () => post(without(without(valid(), 'lat'), 'long')), 400, /location is required/],
  ['empty lat and long, which must not become 0,0', () => post([...without(without(valid(), 'lat'), 'long'), ['lat', ''], ['long', '']]), 400, /location is required/],
  ['bad email', () => post([...valid(), ['email', 'not-an-email']]), 400, /email must be an email address/],
  ['date not real in a datetime attribute', () =>
    post([['api_key', env.key], ['service_code', 'missed_bin'], ['address_string', '1 Road'], ['attribute[bin_type]', 'general'], ['attribute[collection_date]', '2026-02-30T07:00']]),
    400, /collection_date\] must be a real date/],
  ['malformed start_date', () => env.app.inject({ url: '/open311/v2/requests.json?start_date=yesterday' }), 400, /start_date/],
  ['window over 90 days', () => env.app.inject({ url: '/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z' }), 400, /90 days/],
  ['unknown status filter', () => env.app.inject({ url: '/open311/v2/requests.json?status=open,lost' }), 400, /status "lost"/],
  ['page_size over 1000', () => env.app.inject({ url: '/open311/v2/requests.json?page_size=5000' }), 400, /page_size/],
  ['body over the size limit', () => post([...valid(), ['attribute[notes]', 'y'.repeat(70 * 1024)]]), 413, /too large/i],
  ['malformed XML body', () =>
    env.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'text/xml' }, payload: `<request><api_key>${env.key}</api_key><service_code>pothole</request>` }),
    400, /XML is malformed/],
  ['XML with an entity declaration', () =>
    env.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'text/xml' }, payload: '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "y">]><request><description>&x;</description></request>' }),
    400, /DOCTYPE/],
  ['malformed JSON body', () =>
    env.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/json' }, payload: '{"service_code": ' }),
    400, /JSON/i],
  ['truncated multipart body', () =>
    env.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'multipart/form-data; boundary=XYZ' }, payload: `--XYZ\r\nContent-Disposition: form-data; name="api_key"\r\n\r\n${env.key}\r\n--XYZ\r\nContent-Disposition: form-data; name="service_code"\r\n\r\npothole` }),
    400, /multipart body could not be read/],
  ['unsupported content type', () =>
    env.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/pdf' }, payload: '%PDF' }),
    415, /content-type|media type/i],
  ['unsupported format extension', () => env.app.inject({ url: '/open311/v2/requests.yaml' }), 400, /Unsupported format/],
  ['unknown resource', () => env.app.inject({ url: '/open311/v2/widgets.json' }), 404, /No such Open311 resource/],
];

for (const [name, send, status, message] of cases) {
  test(`${name} → ${status} saying what is wrong`, async () => {
    const before = await storedCount();
    const res = await send();
    assert.equal(res.statusCode, status, res.body);
    const text = res.body.trim().startsWith('<') ? res.body : descriptions(res.body);
    assert.match(text, message);
    assert.equal(await storedCount(), before, 'nothing is stored');
  });
}

test('a photo that is not an image is refused, naming the file', async () => {
  const body = await multipart(valid(), [{ field: 'photo', name: 'holiday.jpg', data: '#!/bin/sh\necho hi' }]);
  const res = await env.app.inject({ method: 'POST', url: '/open311/v2/requests.json', ...body });
  assert.equal(res.statusCode, 400);
  assert.match(descriptions(res.body), /holiday\.jpg is not a photo/);
});

test('errors on .xml paths are XML', async () => {
  const res = await post(without(valid(), 'attribute[depth]'), 'xml');
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /<errors>\s*<error>\s*<code>400<\/code>\s*<description>attribute\[depth\] is required/);
});

test('4000 characters counted after CRLF becomes LF: a FixMyStreet description at the limit is accepted', async () => {
  const text = 'abc\r\n'.repeat(1000);
  assert.ok(text.length > 4000);
  const res = await post([...valid(), ['description', text]]);
  assert.equal(res.statusCode, 200, res.body);
  const id = JSON.parse(res.body)[0].service_request_id;
  assert.equal((await env.store.requests.get('example', id))!.description, 'abc\n'.repeat(1000).trim());
});

test('photos over UPLOAD_LIMIT_BYTES together are refused with 413, and nothing is stored', async () => {
  const small = await demoApp({ mediaLimitBytes: 64 * 1024, uploadLimitBytes: 100 * 1024 });
  try {
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(60 * 1024)]);
    const pairs: [string, string][] = [['api_key', small.key], ['service_code', 'pothole'], ['lat', '51.5'], ['long', '-0.12'], ['attribute[depth]', 'deep']];
    const one = await multipart(pairs, [{ field: 'photo1', name: 'a.jpg', data: jpeg }]);
    assert.equal((await small.app.inject({ method: 'POST', url: '/open311/v2/requests.xml', ...one })).statusCode, 200);
    const two = await multipart(pairs, [{ field: 'photo1', name: 'a.jpg', data: jpeg }, { field: 'photo2', name: 'b.jpg', data: jpeg }]);
    const res = await small.app.inject({ method: 'POST', url: '/open311/v2/requests.xml', ...two });
    assert.equal(res.statusCode, 413, res.body);
    assert.match(res.body, /<code>413<\/code>\s*<description>The photos together are larger than 102400 bytes/);
    assert.equal((await small.store.requests.search({ jurisdictionId: 'example', page: 1, pageSize: 10 })).length, 1);
  } finally {
    await small.close();
  }
});
