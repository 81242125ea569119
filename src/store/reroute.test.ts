import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { freshStore } from '../../test/support/db.ts';
import { seedDemo } from '../demo/seed.ts';
import { saveBackend, setPrimary, setShadow } from '../routing/manage.ts';
import { submitRequest } from '../core/requests/submit.ts';
import { rerouteDeliveries } from '../core/delivery/reroute.ts';

// Re-routing stuck jobs, on whichever dialect DATABASE_URL names: many at once, and the ones that must stay put.
let store: Awaited<ReturnType<typeof freshStore>>;
const key = { jurisdictionId: 'example', serviceCode: 'pothole' };
before(async () => {
  store = await freshStore();
  await seedDemo(store);
  for (const name of ['old', 'new']) await saveBackend(store, { name, kind: 'webhook', config: { url: `http://127.0.0.1:9/${name}`, secret: 'a-shared-secret-of-some-length' } }, 'test');
});
after(() => store.close());

const submit = () => submitRequest(store, { ...key, description: 'Hole', attributes: { depth: 'deep' }, location: { address: '1 High St' }, contact: {}, mediaUrls: [], source: 'test' });
const jobs = async (id: string) => (await store.deliveries.forRequest(id)).map((d) => `${d.backend}/${d.role}/${d.state}`).sort();

test('a request the new back-end already has a job for stays put; the rest move, more than one statement can name', async () => {
  await setPrimary(store, key, 'old', 'test');
  await setShadow(store, key, 'new', 'test');
  const shadowed = (await submit()).id;
  await setShadow(store, key, undefined, 'test');
  const many: string[] = [];
  for (let i = 0; i < 1100; i++) many.push((await submit()).id);

  const r = await rerouteDeliveries(store, { from: 'old', to: 'new', jurisdictionId: 'example' });
  assert.deepEqual(r, { moved: 1100, skipped: 1 });
  assert.deepEqual(await jobs(shadowed), ['new/shadow/pending', 'old/primary/pending']);
  for (const id of [many[0], many[1099]]) assert.deepEqual(await jobs(id), ['new/primary/pending']);
  const moved = (await store.deliveries.forRequest(many[0]))[0];
  assert.equal(moved.attempts, 0);
  assert.equal(moved.lastError, 're-routed from old');
  // Again: nothing left to move, and another council's scope moves nothing.
  assert.deepEqual(await rerouteDeliveries(store, { from: 'new', to: 'old', jurisdictionId: 'elsewhere' }), { moved: 0, skipped: 0 });
  assert.deepEqual(await rerouteDeliveries(store, { from: 'old', to: 'new' }), { moved: 0, skipped: 1 });
});

test('a job a relay holds is left where it is', async () => {
  await setPrimary(store, key, 'old', 'test');
  const id = (await submit()).id;
  const [claimed] = await store.deliveries.claim({ worker: 'w1', limit: 10, leaseMs: 60_000, skipBackends: ['new'] }).then((c) => c.filter((d) => d.requestId === id));
  assert.ok(claimed);
  const r = await rerouteDeliveries(store, { from: 'old', to: 'new' });
  assert.equal(r.moved, 0);
  assert.deepEqual(await jobs(id), ['old/primary/in_flight']);
});

test('refused: the same back-end, or one that does not exist', async () => {
  await assert.rejects(rerouteDeliveries(store, { from: 'old', to: 'old' }), /different back-end/);
  await assert.rejects(rerouteDeliveries(store, { from: 'old', to: 'nowhere' }), /No back-end "nowhere"/);
});
