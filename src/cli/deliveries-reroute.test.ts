import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseUrl } from '../../test/support/db.ts';
import { pipework as run } from '../../test/support/cli.ts';
import { openStore } from '../store/index.ts';
import { seedDemo } from '../demo/seed.ts';
import { saveBackend, setPrimary } from '../routing/manage.ts';
import { submitRequest } from '../core/requests/submit.ts';

// `deliveries reroute` through the real binary: jobs waiting for a back-end that has gone away move to another one.
let db: Awaited<ReturnType<typeof freshDatabaseUrl>>;
const ids: string[] = [];
before(async () => {
  db = await freshDatabaseUrl();
  const store = await openStore(db.url);
  await seedDemo(store);
  const secret = 'a-shared-secret-of-some-length';
  await saveBackend(store, { name: 'old-crm', kind: 'webhook', config: { url: 'http://127.0.0.1:9/gone', secret } }, 'test');
  await saveBackend(store, { name: 'streets', kind: 'webhook', config: { url: 'http://127.0.0.1:9/also', secret } }, 'test');
  await setPrimary(store, { jurisdictionId: 'example', serviceCode: 'pothole' }, 'old-crm', 'test');
  for (let i = 0; i < 2; i++) {
    const r = await submitRequest(store, { jurisdictionId: 'example', serviceCode: 'pothole', description: `Hole ${i}`, attributes: { depth: 'deep' }, location: { lat: '51.5', long: '-0.12' }, contact: {}, mediaUrls: [], source: 'test' });
    ids.push(r.id);
  }
  await store.close();
});
after(() => db.drop());

const pipework = (...args: string[]) => run(args, { DATABASE_URL: db.url });

test('deliveries reroute moves the waiting jobs and says how many; a missing flag is a usage error', async () => {
  const usage = await pipework('deliveries', 'reroute', '--from', 'old-crm');
  assert.equal(usage.code, 64);
  assert.match(usage.err, /needs --from OLD --to NEW/);
  const unknown = await pipework('deliveries', 'reroute', '--from', 'old-crm', '--to', 'nowhere');
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.err, /No back-end "nowhere"/);

  const res = await pipework('deliveries', 'reroute', '--from', 'old-crm', '--to', 'streets');
  assert.equal(res.code, 0, res.err);
  assert.match(res.out, /Re-routed 2 deliveries from old-crm to streets\./);
  const store = await openStore(db.url);
  try {
    for (const id of ids) {
      const [job] = (await store.deliveries.forRequest(id)).filter((d) => d.kind === 'request');
      assert.equal(job.backend, 'streets');
      assert.equal(job.state, 'pending');
    }
  } finally {
    await store.close();
  }
  const again = await pipework('deliveries', 'reroute', '--from', 'old-crm', '--to', 'streets');
  assert.match(again.out, /Re-routed 0 deliveries/);
});
