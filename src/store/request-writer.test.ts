import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { freshStore } from '../../test/support/db.ts';
import { seedDemo } from '../demo/seed.ts';

// The durable writer (group commit on SQLite, one statement on PostgreSQL), on whichever dialect DATABASE_URL names.
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
  attributes: { depth: 'deep' },
  location: { lat: 51.5, long: -0.12 },
  contact: { email: 'ada@example.org' },
  mediaUrls: [],
  source: 'test',
  ...over,
});

test('creates arriving together all commit, each with its own id and contact row', async () => {
  const made = await Promise.all(Array.from({ length: 40 }, (_, i) => store.requests.create(newRequest({ description: `hole ${i}`, contact: { email: `r${i}@example.org` } }))));
  assert.equal(new Set(made.map((r) => r.id)).size, 40);
  for (const [i, r] of made.entries()) {
    assert.equal((await store.requests.get('example', r.id))?.description, `hole ${i}`);
    assert.equal((await store.requests.contact('example', r.id))?.email, `r${i}@example.org`);
  }
});

test('one failing create in a batch fails alone; the others are committed', async () => {
  await store.requests.create(newRequest({ token: 'taken-token' }));
  const results = await Promise.allSettled([
    store.requests.create(newRequest({ description: 'before' })),
    store.requests.create(newRequest({ token: 'taken-token', description: 'duplicate token' })),
    store.requests.create(newRequest({ description: 'after' })),
  ]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  for (const r of results) {
    if (r.status === 'fulfilled') assert.ok(await store.requests.get('example', r.value.id));
  }
  const found = await store.requests.search({ jurisdictionId: 'example', page: 1, pageSize: 1000 });
  assert.equal(found.filter((r) => r.description === 'duplicate token').length, 0);
});

test('a request without contact details writes no contact row', async () => {
  const r = await store.requests.create(newRequest({ contact: {} }));
  assert.equal(await store.requests.contact('example', r.id), undefined);
});
