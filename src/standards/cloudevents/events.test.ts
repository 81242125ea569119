import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { relayWorld } from '../../../test/support/delivery-world.ts';

type World = Awaited<ReturnType<typeof relayWorld>>;
let w: World;
before(async () => {
  w = await relayWorld();
});
after(() => w.close());

const get = (url: string, key = w.adminKey) => w.app.inject({ method: 'GET', url, headers: key ? { authorization: `Bearer ${key}` } : {} });

test('GET /events pages through the log in order as CloudEvents 1.0 JSON, with the cursor to ask from next', async () => {
  const made = [await w.submit(), await w.submit(), await w.submit()];
  const first = await get('/events?after=0&limit=2');
  assert.equal(first.statusCode, 200);
  const page1 = first.json();
  assert.equal(page1.events.length, 2);
  const [e] = page1.events;
  assert.equal(e.specversion, '1.0');
  assert.equal(e.type, 'uk.pipework.request.created');
  assert.equal(e.datacontenttype, 'application/json');
  assert.equal(e.source, 'http://pipework.test/councils/example');
  assert.equal(e.subject, `requests/${made[0].id}`);
  assert.equal(e.data.service_request_id, made[0].id);
  assert.match(e.id, /^[0-9a-f-]{36}$/);
  assert.ok(!Number.isNaN(Date.parse(e.time)));
  assert.equal(page1.next_after, page1.events[1].seq);
  const page2 = (await get(`/events?after=${page1.next_after}&limit=100`)).json();
  assert.deepEqual(page2.events.map((x: { data: { service_request_id: string } }) => x.data.service_request_id), [made[2].id]);
  const page3 = (await get(`/events?after=${page2.next_after}`)).json();
  assert.deepEqual(page3, { events: [], next_after: page2.next_after });
  assert.ok(!first.body.includes('ada@example.org'));
});

test('filters by type and council', async () => {
  const body = (await get('/events?types=uk.pipework.route.changed&council=example')).json();
  assert.ok(body.events.every((e: { type: string }) => e.type === 'uk.pipework.route.changed'));
  assert.deepEqual((await get('/events?council=elsewhere')).json().events, []);
});

test('needs an admin key, and bad cursors get a clear JSON error', async () => {
  assert.equal((await get('/events', '')).statusCode, 403);
  const client = await get('/events', w.clientKey);
  assert.equal(client.statusCode, 403);
  for (const q of ['after=-1', 'after=x', 'limit=0', 'limit=100000']) {
    const r = await get(`/events?${q}`);
    assert.equal(r.statusCode, 400, q);
    assert.equal(r.json().error.code, 'INVALID_INPUT', q);
  }
});
