import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { freshStore } from '../../test/support/db.ts';
import { seedDemo } from '../demo/seed.ts';

// One store suite, run on whichever dialect DATABASE_URL names (CI runs it on both).
let store: Awaited<ReturnType<typeof freshStore>>;
before(async () => {
  store = await freshStore();
  await seedDemo(store);
});
after(() => store.close());

const newRequest = (over: object = {}) => ({
  jurisdictionId: 'example',
  serviceCode: 'pothole',
  description: 'Deep hole',
  attributes: { depth: 'deep', hazards: ['glass', 'oil'] },
  location: { lat: 51.5, long: -0.12, uprn: '100023336956' },
  contact: { firstName: 'Ada', email: 'ada@example.org' },
  mediaUrls: ['http://x/1.jpg'],
  source: 'test',
  ...over,
});

test('a created request reads back with every field, and ids are never 0', async () => {
  const created = await store.requests.create(newRequest());
  assert.notEqual(created.id, '0');
  const got = await store.requests.get('example', created.id);
  assert.deepEqual(got, created);
  assert.deepEqual(got!.attributes, { depth: 'deep', hazards: ['glass', 'oil'] });
  assert.equal(got!.location.uprn, '100023336956');
  assert.equal(got!.status, 'open');
});

test('contact details are kept apart and only read on purpose', async () => {
  const created = await store.requests.create(newRequest());
  assert.equal((created as unknown as Record<string, unknown>).contact, undefined);
  assert.deepEqual(await store.requests.contact('example', created.id), {
    firstName: 'Ada',
    lastName: undefined,
    email: 'ada@example.org',
    phone: undefined,
  });
  assert.equal(await store.requests.contact('other', created.id), undefined);
});

test('a request is not found through another jurisdiction or a malformed id', async () => {
  const created = await store.requests.create(newRequest());
  assert.equal(await store.requests.get('other', created.id), undefined);
  assert.equal(await store.requests.get('example', 'abc'), undefined);
  assert.equal(await store.requests.get('example', '0'), undefined);
});

test('search filters by ids, service codes, statuses and date window, newest first, paged', async () => {
  const a = await store.requests.create(newRequest({ serviceCode: 'graffiti' }));
  const b = await store.requests.create(newRequest({ serviceCode: 'graffiti' }));
  await store.requests.addUpdate({ requestId: b.id, jurisdictionId: 'example', status: 'fixed', description: 'Cleaned', mediaUrls: [], authorKind: 'staff', contact: {} });
  const window = { from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 60_000) };
  const base = { jurisdictionId: 'example', page: 1, pageSize: 100, ...window };
  const graffiti = await store.requests.search({ ...base, serviceCodes: ['graffiti'] });
  assert.deepEqual(graffiti.map((r) => r.id), [b.id, a.id]);
  const fixed = await store.requests.search({ ...base, serviceCodes: ['graffiti'], statuses: ['fixed'] });
  assert.deepEqual(fixed.map((r) => r.id), [b.id]);
  assert.deepEqual((await store.requests.search({ ...base, ids: [a.id, 'nonsense'] })).map((r) => r.id), [a.id]);
  const page2 = await store.requests.search({ ...base, serviceCodes: ['graffiti'], page: 2, pageSize: 1 });
  assert.deepEqual(page2.map((r) => r.id), [a.id]);
  const past = await store.requests.search({ ...base, from: new Date(0), to: new Date(1000) });
  assert.equal(past.length, 0);
});

test('an update moves the status and is listed in its window; unchanged keeps the status', async () => {
  const r = await store.requests.create(newRequest());
  const u1 = await store.requests.addUpdate({ requestId: r.id, jurisdictionId: 'example', status: 'in_progress', description: 'Crew booked', mediaUrls: [], authorKind: 'backend', externalStatusCode: 'WIP', contact: {} });
  const u2 = await store.requests.addUpdate({ requestId: r.id, jurisdictionId: 'example', status: 'unchanged', description: 'Still booked', mediaUrls: [], authorKind: 'resident', externalId: 'fms-9', contact: { email: 'x@y.z' } });
  const now = await store.requests.get('example', r.id);
  assert.equal(now!.status, 'in_progress');
  assert.equal(now!.statusNotes, 'Crew booked');
  assert.notEqual(u1.id, u2.id);
  const history = await store.requests.history('example', r.id);
  assert.deepEqual(history.map((u) => u.id), [u1.id, u2.id]);
  assert.equal((await store.requests.findUpdateByExternalId('example', r.id, 'fms-9'))?.id, u2.id);
  const listed = await store.requests.updates({ jurisdictionId: 'example', from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 60_000), page: 1, pageSize: 1000, authorKinds: ['backend'] });
  assert.ok(listed.some((u) => u.id === u1.id));
  assert.ok(!listed.some((u) => u.id === u2.id));
});

test('services round-trip, and seeding never writes over existing data', async () => {
  const s = await store.services.get('example', 'pothole');
  assert.equal(s?.lgslCode, 557);
  await store.services.upsert({ ...s!, name: 'Pothole (renamed)' });
  assert.equal(await seedDemo(store), false);
  assert.equal((await store.services.get('example', 'pothole'))?.name, 'Pothole (renamed)');
});

test('api keys are found by hash only while active', async () => {
  const k = await store.apiKeys.create({ name: 'client', hash: 'hash-1', prefix: 'pw_abcd', scope: 'client' });
  assert.equal((await store.apiKeys.findActiveByHash('hash-1'))?.id, k.id);
  assert.equal(await store.apiKeys.revoke(k.id), true);
  assert.equal(await store.apiKeys.findActiveByHash('hash-1'), undefined);
  assert.equal(await store.apiKeys.revoke(k.id), false);
});

test('media bytes round-trip', async () => {
  const bytes = Buffer.from([0xff, 0xd8, 0xff, 1, 2, 3]);
  await store.media.put({ id: 'm1.jpg', contentType: 'image/jpeg', bytes });
  assert.deepEqual((await store.media.get('m1.jpg'))?.bytes, bytes);
});

test('writeUpdate: a stale expected status writes nothing; a repeated external id writes nothing and gives back the first', async () => {
  const r = await store.requests.create(newRequest());
  const change = { requestId: r.id, jurisdictionId: 'example', status: 'investigating' as const, description: 'Inspector booked', mediaUrls: [], authorKind: 'backend' as const, contact: {} };
  assert.deepEqual(await store.requests.writeUpdate(change, { status: 'fixed' }), { outcome: 'conflict' });
  assert.deepEqual(await store.requests.history('example', r.id), []);
  const first = await store.requests.writeUpdate({ ...change, externalId: 'streets:9' }, { status: 'open' });
  assert.equal(first.outcome, 'written');
  const again = await store.requests.writeUpdate({ ...change, status: 'fixed', externalId: 'streets:9' });
  assert.equal(again.outcome, 'duplicate');
  assert.equal(again.outcome === 'duplicate' && again.update.id, first.outcome === 'written' && first.update.id);
  // The copy's status change was undone with it.
  assert.equal((await store.requests.get('example', r.id))!.status, 'investigating');
  assert.equal((await store.requests.history('example', r.id)).length, 1);
  assert.deepEqual(await store.requests.writeUpdate({ ...change, requestId: '999999' }), { outcome: 'conflict' });
});
