import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { demoApp } from './support/app.ts';
import { recordUpdate } from '../src/core/requests/record-update.ts';
import { connect } from 'node:net';
import { request } from 'node:http';
import { seedRequests } from '../bench/seed.ts';

// A client that talks the way FixMyStreet does (../shared/specs/open311/MYSOCIETY-EXTENSIONS.md):
// XML only, over real HTTP, endpoint configured with a trailing slash, jurisdiction_id on every
// call, success judged by HTTP status alone, "force array" on the usual elements, repeated-key
// attributes, CRLF newlines, attributes the server does not define, and a windowed updates fetch.

class FixMyStreetLikeClient {
  private xml = new XMLParser({
    isArray: (name) => ['service', 'attribute', 'value', 'request', 'error', 'request_update', 'group'].includes(name),
    parseTagValue: false,
  });
  constructor(private endpoint: string, private jurisdiction: string, private apiKey: string) {}

  private async call(method: 'GET' | 'POST', path: string, params: [string, string][]) {
    const all: [string, string][] = [['jurisdiction_id', this.jurisdiction], ...params];
    const body = new URLSearchParams(all).toString();
    const res = await fetch(method === 'GET' ? `${this.endpoint}${path}?${body}` : `${this.endpoint}${path}`, {
      method,
      headers: method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } : {},
      body: method === 'POST' ? body : undefined,
    });
    const text = await res.text();
    assert.match(res.headers.get('content-type') ?? '', /^text\/xml; charset=utf-8$/);
    const doc = this.xml.parse(text);
    // The root element's name is ignored: take its only child.
    const root = Object.values(doc).find((v) => v && typeof v === 'object') as Record<string, unknown>;
    return { ok: res.ok, root: root ?? {} };
  }

  async services() {
    return (await this.call('GET', 'services.xml', [])).root.service as Record<string, unknown>[];
  }
  async definition(code: string) {
    const { root } = await this.call('GET', `services/${code}.xml`, []);
    return (root.attributes as { attribute: Record<string, unknown>[] }).attribute;
  }
  async send(params: [string, string][]) {
    const { ok, root } = await this.call('POST', 'requests.xml', [['api_key', this.apiKey], ...params]);
    const request = (root.request as Record<string, string>[] | undefined)?.[0];
    // FixMyStreet reads an id of 0 as false and the send as failed.
    return ok && (request?.service_request_id || request?.token) ? request : undefined;
  }
  async requests(ids: string[]) {
    return (await this.call('GET', 'requests.xml', [['service_request_id', ids.join(',')]])).root.request as Record<string, string>[];
  }
  async token(token: string) {
    return ((await this.call('GET', `tokens/${token}.xml`, [])).root.request as Record<string, string>[])[0];
  }
  async postUpdate(params: [string, string][]) {
    const { ok, root } = await this.call('POST', 'servicerequestupdates.xml', [['api_key', this.apiKey], ...params]);
    return ok ? (root.request_update as Record<string, string>[])[0].update_id : undefined;
  }
  async updates(start: Date, end: Date) {
    const { root } = await this.call('GET', 'servicerequestupdates.xml', [
      ['api_key', ''],
      ['start_date', start.toISOString()],
      ['end_date', end.toISOString()],
    ]);
    const all = (root.request_update as Record<string, string>[] | undefined) ?? [];
    // The client drops updates outside its window or without an id.
    return all.filter((u) => u.update_id && new Date(u.updated_datetime) >= start && new Date(u.updated_datetime) <= end);
  }
}

let env: Awaited<ReturnType<typeof demoApp>>;
let client: FixMyStreetLikeClient;
before(async () => {
  env = await demoApp({ publicUrl: '' });
  const address = await env.app.listen({ port: 0, host: '127.0.0.1' });
  client = new FixMyStreetLikeClient(`${address}/open311/v2/`, 'example', env.key);
});
after(() => env.close());

test('create → fetch → post update → fetch updates, as FixMyStreet does it', async () => {
  const services = await client.services();
  const pothole = services.find((s) => s.service_code === 'pothole')!;
  assert.equal(pothole.metadata, 'true');
  assert.deepEqual((pothole.groups as { group: string[] }).group, ['Roads and pavements']);
  const attributes = await client.definition('pothole');
  assert.deepEqual(attributes.filter((a) => a.automated === 'hidden_field').map((a) => a.code), ['easting', 'northing']);

  const description = 'title: Pothole on High Street\r\n\r\ndetail: Deep and wide\r\n\r\nurl: https://fms.example/report/4242\r\n\r\nSubmitted via FixMyStreet\r\n';
  const sent = await client.send([
    ['service_code', 'pothole'],
    ['description', description],
    ['first_name', 'Ada'],
    ['last_name', 'Lovelace'],
    ['email', 'ada@example.org'],
    ['lat', '51.501009'],
    ['long', '-0.141588'],
    ['attribute[depth]', 'deep'],
    ['attribute[easting]', '529090'],
    ['attribute[northing]', '179645'],
    ['attribute[fixmystreet_id]', '4242'],
    ['attribute[uprn]', '100023336956'],
    ['attribute[not_in_definition]', 'passed through'],
    ['media_url', 'https://fms.example/photo/4242.0.jpeg'],
  ]);
  assert.ok(sent, 'the send succeeded');
  assert.notEqual(sent.service_request_id, '0');

  // Multi-value answers as repeated keys, not only attribute[x][]=.
  const tipping = await client.send([
    ['service_code', 'fly_tipping'],
    ['description', 'Sofa and tyres'],
    ['lat', '51.500000'],
    ['long', '-0.140000'],
    ['attribute[waste_type]', 'furniture'],
    ['attribute[waste_type]', 'tyres'],
    ['attribute[size]', 'van'],
  ]);
  assert.ok(tipping);

  const fetched = await client.requests([sent.service_request_id, tipping.service_request_id]);
  assert.equal(fetched.length, 2);
  const mine = fetched.find((r) => r.service_request_id === sent.service_request_id)!;
  assert.equal(mine.status, 'open');
  assert.equal(mine.description, description.replace(/\r\n/g, '\n').trim(), 'CRLF is normalised');
  assert.equal(mine.media_url, 'https://fms.example/photo/4242.0.jpeg');
  assert.equal(mine.lat, '51.501009');

  const stored = await env.store.requests.get('example', sent.service_request_id);
  assert.deepEqual(stored!.attributes.not_in_definition, 'passed through');
  assert.deepEqual((await env.store.requests.get('example', tipping.service_request_id))!.attributes.waste_type, ['furniture', 'tyres']);
  assert.equal(stored!.location.uprn, '100023336956');
  assert.ok(!stored!.description!.includes('\r'), 'stored without carriage returns');
  assert.equal(stored!.location.easting, 529090);

  // A resident's comment from FixMyStreet; a re-send with the same update_id is not stored twice.
  const update = [
    ['service_request_id', sent.service_request_id],
    ['update_id', 'fms-update-77'],
    ['status', 'OPEN'],
    ['updated_datetime', new Date().toISOString()],
    ['description', 'Now twice as big'],
    ['email', 'ada@example.org'],
  ] as [string, string][];
  const updateId = await client.postUpdate(update);
  assert.ok(updateId);
  assert.equal(await client.postUpdate(update), updateId);
  assert.equal((await env.store.requests.history('example', sent.service_request_id)).length, 1);

  // The council's updates flow back; old ones fall outside the window the client asks for.
  const start = new Date(Date.now() - 60 * 60 * 1000);
  await recordUpdate(env.store, {
    requestId: sent.service_request_id, jurisdictionId: 'example', status: 'investigating', description: 'Old news',
    mediaUrls: [], authorKind: 'backend', contact: {}, updatedAt: new Date(start.getTime() - 60_000),
  });
  await recordUpdate(env.store, {
    requestId: sent.service_request_id, jurisdictionId: 'example', status: 'action_scheduled', description: 'Repair booked for Tuesday',
    mediaUrls: [], authorKind: 'staff', contact: {},
  });
  const updates = await client.updates(start, new Date(Date.now() + 1000));
  assert.deepEqual(updates.map((u) => [u.service_request_id, u.status, u.description]), [
    [sent.service_request_id, 'action_scheduled', 'Repair booked for Tuesday'],
  ]);
  assert.ok(updates.every((u) => u.update_id !== updateId), "the resident's own comment is not echoed back");
  assert.equal((await client.requests([sent.service_request_id]))[0].status, 'action_scheduled');
});

test('a batch service returns a token that resolves to the request id', async () => {
  const sent = await client.send([
    ['service_code', 'missed_bin'],
    ['address_string', '2 Low Road, Exampleton'],
    ['attribute[bin_type]', 'garden'],
    ['attribute[collection_date]', '2026-11-27T07:00'],
  ]);
  assert.ok(sent?.token);
  assert.equal(sent.service_request_id, undefined);
  const resolved = await client.token(sent.token);
  assert.equal(resolved.token, sent.token);
  assert.match(resolved.service_request_id, /^[1-9]\d*$/);
});

test('a wrong api_key is refused with 403 and the spec error body', async () => {
  const res = await fetch(client['endpoint'] + 'requests.xml', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'api_key=wrong&service_code=pothole&lat=51.5&long=-0.1&attribute[depth]=deep',
  });
  assert.equal(res.status, 403);
  assert.match(await res.text(), /<errors>\s*<error>\s*<code>403<\/code>\s*<description>api_key is invalid/);
});

// What real clients and hostile input found at the edge (see docs/open311.md).

test('keywords are written a,b,c: FixMyStreet splits on "," without trimming', async () => {
  const s = (await env.store.services.get('example', 'dog_fouling'))!;
  await env.store.services.upsert({ ...s, visibility: 'private' });
  try {
    const listed = (await client.services()).find((x) => x.service_code === 'dog_fouling')!;
    assert.ok(String(listed.keywords).split(',').includes('private'), String(listed.keywords));
    for (const x of await client.services()) assert.doesNotMatch(String(x.keywords ?? ''), /,\s|\s,/);
  } finally {
    await env.store.services.upsert(s);
  }
});

test('a reopened case is told as open: reopen never appears on the wire', async () => {
  const sent = (await client.send([['service_code', 'pothole'], ['lat', '51.5'], ['long', '-0.1'], ['attribute[depth]', 'deep']]))!;
  const id = sent.service_request_id;
  const at = new Date();
  await env.store.requests.addUpdate({ requestId: id, jurisdictionId: 'example', status: 'reopen', description: 'Back on the list', mediaUrls: [], authorKind: 'staff', contact: {}, updatedAt: at });
  assert.equal((await env.store.requests.get('example', id))!.status, 'reopen');
  assert.equal((await client.requests([id]))[0].status, 'open');
  const updates = await client.updates(new Date(at.getTime() - 1000), new Date(at.getTime() + 1000));
  assert.deepEqual(updates.filter((u) => u.service_request_id === id).map((u) => u.status), ['open']);
  const base = client['endpoint'];
  for (const path of [`requests/${id}.json`, `requests.json?service_request_id=${id}`, 'servicerequestupdates.json', `requests/${id}.xml`, 'servicerequestupdates.xml', 'requests.xml?status=open']) {
    const text = await (await fetch(base + path)).text();
    assert.doesNotMatch(text, /reopen/i, path);
  }
  // Asking for open cases finds the reopened one.
  const open = await (await fetch(`${base}requests.json?status=open&service_code=pothole`)).json();
  assert.ok(open.some((r: { service_request_id: string }) => r.service_request_id === id));
});

test('end_date includes the whole second it names', async () => {
  const [request] = await client.requests(['1']);
  const at = new Date(Date.UTC(2026, 10, 30, 10, 0, 0, 999));
  await env.store.requests.addUpdate({ requestId: request.service_request_id, jurisdictionId: 'example', status: 'investigating', description: 'At the last millisecond', mediaUrls: [], authorKind: 'staff', contact: {}, updatedAt: at });
  const res = await fetch(`${client['endpoint']}servicerequestupdates.json?start_date=2026-11-30T09:00:00Z&end_date=2026-11-30T10:00:00Z`);
  const found = (await res.json()) as { description: string }[];
  assert.deepEqual(found.map((u) => u.description), ['At the last millisecond']);
});

test('a blackbox service answers with an id FixMyStreet can store', async () => {
  const s = (await env.store.services.get('example', 'graffiti'))!;
  await env.store.services.upsert({ ...s, type: 'blackbox' });
  try {
    const sent = await client.send([['service_code', 'graffiti'], ['address_string', 'Underpass'], ['attribute[offensive]', 'no']]);
    assert.ok(sent, 'the send succeeded');
    assert.match(sent.service_request_id, /^[1-9]\d*$/);
    assert.equal(sent.token, undefined);
  } finally {
    await env.store.services.upsert(s);
  }
});

test('discovery names an endpoint ending with / that the client can use as it is', async () => {
  const doc = (await (await fetch(`${client['endpoint']}discovery.json`)).json()) as { endpoints: { url: string }[] };
  const url = doc.endpoints[0].url;
  assert.match(url, /\/open311\/v2\/$/);
  assert.equal((await fetch(`${url.replace(/^https?:\/\/[^/]+/, client['endpoint'].replace(/\/open311\/v2\/$/, ''))}services.xml`)).status, 200);
});

test('5,000 ids in one URL over 64 KB: every listed request comes back, no page cut', async () => {
  const before = (await env.store.requests.search({ jurisdictionId: 'example', page: 1, pageSize: 1 }))[0];
  const first = Number(before.id) + 1;
  await seedRequests(env.store.url, 5000);
  const ids = Array.from({ length: 5000 }, (_, i) => String(first + i));
  // Ids that match nothing pad the URL past 64 KB, as a long-lived FixMyStreet's would be.
  const padding = Array.from({ length: 6000 }, (_, i) => String(90_000_000 + i));
  const url = `${client['endpoint']}requests.xml?jurisdiction_id=example&service_request_id=${[...ids, ...padding].join(',')}`;
  assert.ok(url.length > 64 * 1024, `URL is ${url.length} bytes`);
  const res = await fetch(url);
  assert.equal(res.status, 200);
  const requests = new XMLParser({ isArray: (n) => n === 'request' }).parse(await res.text()).service_requests.request as { service_request_id: number }[];
  assert.equal(requests.length, 5000);
  assert.deepEqual(new Set(requests.map((r) => String(r.service_request_id))), new Set(ids));
});

/** One raw HTTP exchange, for requests fetch will not make (or where the socket's fate matters). */
function rawExchange(text: string): Promise<{ status: number; headers: string; body: string }> {
  const { port } = new URL(client['endpoint']);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let got = '';
    socket.on('data', (d) => (got += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const [head, ...rest] = got.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]);
      if (!status) reject(new Error(`no HTTP answer: ${JSON.stringify(got.slice(0, 200))}`));
      else resolve({ status, headers: head, body: rest.join('\r\n\r\n') });
    });
    socket.write(text);
  });
}

test('a URL over the bound is 414 and headers over it 431, each in the format its path asked for', async () => {
  const long = 'x'.repeat(200 * 1024);
  const xml = await rawExchange(`GET /open311/v2/requests.xml?service_request_id=${long} HTTP/1.1\r\nHost: x\r\n\r\n`);
  assert.equal(xml.status, 414);
  assert.match(xml.headers, /content-type: text\/xml; charset=utf-8/i);
  assert.match(xml.headers, /connection: close/i);
  assert.match(xml.body, /<errors>\s*<error>\s*<code>414<\/code>\s*<description>The URL is too long/);
  const json = await rawExchange(`GET /open311/v2/requests.json?service_request_id=${long} HTTP/1.1\r\nHost: x\r\n\r\n`);
  assert.equal(json.status, 414);
  assert.deepEqual(JSON.parse(json.body), [{ code: 414, description: 'The URL is too long' }]);
  const headers = await rawExchange(`GET /open311/v2/services.json HTTP/1.1\r\nHost: x\r\nCookie: ${long}\r\n\r\n`);
  assert.equal(headers.status, 431);
  assert.deepEqual(JSON.parse(headers.body), [{ code: 431, description: 'The request headers are too large' }]);
  const head = await rawExchange(`HEAD /open311/v2/services.xml?${long} HTTP/1.1\r\nHost: x\r\n\r\n`);
  assert.equal(head.status, 414);
  assert.equal(head.body, '', 'a HEAD answer never carries a body');
  const garbage = await rawExchange('GET /open311/v2/services.xml HTTP/1.1\r\nHost x\r\n\r\n');
  assert.equal(garbage.status, 400);
  assert.match(garbage.body, /<code>400<\/code>/);
});

test('a wrong api_key on a multipart upload is refused before the photos are read, and the connection closes', async () => {
  const { port } = new URL(client['endpoint']);
  const boundary = 'fms-boundary';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="api_key"\r\n\r\nwrong\r\n--${boundary}\r\nContent-Disposition: form-data; name="photo1"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
  const res = await new Promise<{ status: number; connection?: string; body: string; sentBytes: number }>((resolve, reject) => {
    let sent = 0;
    const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/open311/v2/requests.xml', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': 90 * 1024 * 1024 } });
    // The server closes while photo bytes are still on their way: a reset on our side is expected,
    // the answer having arrived first; only no answer at all is a failure.
    const timer = setTimeout(() => reject(new Error(`no answer after ${sent} bytes`)), 30_000);
    req.on('error', () => undefined);
    req.on('response', (r) => {
      let body = '';
      r.on('data', (d) => (body += d));
      r.on('end', () => {
        clearTimeout(timer);
        resolve({ status: r.statusCode!, connection: r.headers.connection, body, sentBytes: sent });
        req.destroy();
      });
    });
    req.write(head);
    // Photo bytes trickle in; the answer must come long before 90 MB have been sent.
    const chunk = Buffer.alloc(64 * 1024, 0xff);
    let answered = false;
    req.on('response', () => (answered = true));
    const pump = () => {
      if (answered || req.destroyed || sent > 8 * 1024 * 1024) return;
      sent += chunk.length;
      req.write(chunk, () => setTimeout(pump, 5));
    };
    pump();
  });
  assert.equal(res.status, 403);
  assert.equal(res.connection, 'close');
  assert.match(res.body, /<code>403<\/code>/);
  assert.ok(res.sentBytes < 8 * 1024 * 1024, `answered after ${res.sentBytes} bytes`);
});

test('a body over the limit is 413 in the path format and closes the connection', async () => {
  const res = await fetch(`${client['endpoint']}requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `api_key=${env.key}&description=${'x'.repeat(2 * 1024 * 1024)}`,
  });
  assert.equal(res.status, 413);
  assert.equal(res.headers.get('connection'), 'close');
  assert.equal(((await res.json()) as { code: number }[])[0].code, 413);
});

test('characters XML cannot carry are removed on the way in and never written into an answer', async () => {
  const sent = (await client.send([['service_code', 'pothole'], ['lat', '51.5'], ['long', '-0.1'], ['attribute[depth]', 'deep'], ['description', 'bell\u0007 and\u0000 null\ttab']]))!;
  assert.equal((await env.store.requests.get('example', sent.service_request_id))!.description, 'bell and null\ttab');
  // A row stored before input was cleaned still renders as XML a client can parse.
  const old = await env.store.requests.create({
    jurisdictionId: 'example', serviceCode: 'pothole', description: 'old\u0001row\u001f', attributes: {}, location: { lat: 51.5, long: -0.1 },
    contact: {}, mediaUrls: [], source: 'test', deliveries: [],
  });
  const [fetched] = await client.requests([old.id]);
  assert.equal(fetched.description, 'oldrow');
});
