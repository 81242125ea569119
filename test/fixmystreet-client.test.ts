import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { demoApp } from './support/app.ts';
import { recordUpdate } from '../src/core/requests/record-update.ts';

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
