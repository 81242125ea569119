import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { relayWorld, SECRET } from './support/delivery-world.ts';
import { staffClient, staffUser } from './support/staff.ts';
import { pipework } from './support/cli.ts';
import { createApiKey } from '../src/core/access/api-keys.ts';
import { saveBackend } from '../src/routing/manage.ts';

// Two councils on one install (decision 0178): example (A) and westshire (B). Each council's back-ends are its own;
// install-wide ones (the CLI, an install-wide key) are seen and routed to by both, changed by neither.
let w: Awaited<ReturnType<typeof relayWorld>>;
let a: ReturnType<typeof staffClient>;
let b: ReturnType<typeof staffClient>;
let boundA: string;
const URL_B = 'https://westshire.example.net/hook';

before(async () => {
  w = await relayWorld();
  await w.store.councils.create({ id: 'westshire', name: 'Westshire Council', hosts: [], settings: {} });
  await staffUser(w.store, 'ada@example.gov.uk', 'admin', 'example');
  await staffUser(w.store, 'bo@westshire.gov.uk', 'admin', 'westshire');
  a = staffClient(w.app);
  b = staffClient(w.app);
  await a.signIn('ada@example.gov.uk');
  await b.signIn('bo@westshire.gov.uk');
  boundA = (await createApiKey(w.store, 'example-ops', 'admin', { jurisdictionId: 'example' })).key;
  await saveBackend(w.store, { name: 'shared', kind: 'webhook', config: { url: 'https://shared.example.net/hook', secret: SECRET } }, 'cli:ops');
  await b.get('/staff/admin/backends');
  assert.equal((await b.post('/staff/admin/backends', { name: 'west-crm', kind: 'webhook', config: JSON.stringify({ url: URL_B, secret: SECRET }) })).statusCode, 303);
  await a.get('/staff/admin/backends');
  assert.equal((await a.post('/staff/admin/backends', { name: 'streets', kind: 'webhook', config: JSON.stringify({ url: 'https://example.net/hook', secret: SECRET }) })).statusCode, 303);
});
after(() => w.close());

const api = (key: string, method: 'GET' | 'PUT', url: string, payload?: object) =>
  w.app.inject({ method, url: `/admin/api${url}`, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });
const urlOf = async (name: string) => (await w.store.routing.backend(name))?.config.url;
const primaryOfPothole = async () => (await w.store.routing.get('example', 'pothole'))?.primary;

test('a back-end made in the console is its council’s; one made by the CLI is install-wide', async () => {
  assert.equal((await w.store.routing.backend('west-crm'))?.jurisdictionId, 'westshire');
  assert.equal((await w.store.routing.backend('streets'))?.jurisdictionId, 'example');
  assert.equal((await w.store.routing.backend('shared'))?.jurisdictionId, undefined);
});

test('console: the admin of A neither lists, sees, edits, checks nor routes to B’s back-end', async () => {
  const list = await a.get('/staff/admin/backends');
  assert.equal(list.statusCode, 200);
  assert.match(list.body, /streets/);
  assert.match(list.body, /shared/);
  assert.doesNotMatch(list.body, /west-crm/);
  assert.equal((await a.get('/staff/admin/backends?edit=west-crm')).statusCode, 404);

  const edit = await a.post('/staff/admin/backends', { name: 'west-crm', kind: 'webhook', config: JSON.stringify({ url: 'https://a.example.net/steal', secret: '********' }) });
  assert.equal(edit.statusCode, 400);
  assert.match(edit.body, /already in use/);
  assert.doesNotMatch(edit.body, /westshire/i);
  assert.equal(await urlOf('west-crm'), URL_B);
  assert.equal((await a.post('/staff/admin/backends/west-crm/check', {})).statusCode, 404);

  await a.get('/staff/admin/routes/pothole');
  const route = await a.post('/staff/admin/routes/pothole/primary', { backend: 'west-crm' });
  assert.equal(route.statusCode, 400);
  assert.notEqual(await primaryOfPothole(), 'west-crm');
  const page = await a.get('/staff/admin/routes/pothole');
  assert.doesNotMatch(page.body, /west-crm/);
  assert.match(page.body, /shared/);

  const deliveries = await a.get('/staff/admin/deliveries');
  assert.doesNotMatch(deliveries.body, /west-crm/);
  assert.equal((await a.post('/staff/admin/deliveries/reroute', { from: 'gone', to: 'west-crm' })).statusCode, 400);
  await a.get('/staff/admin/deliveries');
  assert.equal((await a.post('/staff/admin/deliveries/reroute', { from: 'gone', to: 'shared' })).statusCode, 303, 'an install-wide one is a place to re-route to');
});

test('console: A routes to its own and to install-wide back-ends, and cannot change an install-wide one', async () => {
  await a.get('/staff/admin/routes/pothole');
  assert.equal((await a.post('/staff/admin/routes/pothole/primary', { backend: 'shared' })).statusCode, 303);
  assert.equal(await primaryOfPothole(), 'shared');
  await a.get('/staff/admin/routes/pothole');
  assert.equal((await a.post('/staff/admin/routes/pothole/primary', { backend: 'streets' })).statusCode, 303);
  assert.equal(await primaryOfPothole(), 'streets');

  assert.equal((await a.get('/staff/admin/backends?edit=shared')).statusCode, 403);
  await a.get('/staff/admin/backends');
  const edit = await a.post('/staff/admin/backends', { name: 'shared', kind: 'webhook', config: JSON.stringify({ url: 'https://a.example.net/steal', secret: '********' }) });
  assert.equal(edit.statusCode, 400);
  assert.match(edit.body, /install-wide/);
  assert.equal(await urlOf('shared'), 'https://shared.example.net/hook');
  // B still sees and changes its own.
  assert.match((await b.get('/staff/admin/backends?edit=west-crm')).body, /Change back-end west-crm/);
});

test('admin API: a key bound to A sees and changes only A’s back-ends; B’s is not found', async () => {
  const list = await api(boundA, 'GET', '/backends');
  assert.equal(list.statusCode, 200, list.body);
  assert.deepEqual(list.json().backends.map((x: { name: string; jurisdiction_id: string | null }) => [x.name, x.jurisdiction_id]), [['shared', null], ['streets', 'example']]);
  assert.equal((await api(boundA, 'GET', '/backends/west-crm/health')).statusCode, 404);
  const steal = { kind: 'webhook', config: { url: 'https://a.example.net/steal', secret: '********' } };
  const edit = await api(boundA, 'PUT', '/backends/west-crm', steal);
  assert.equal(edit.statusCode, 400);
  assert.doesNotMatch(edit.body, /westshire|west\.example/);
  assert.equal((await api(boundA, 'PUT', '/backends/west-crm?dry_run=true', steal)).statusCode, 400);
  assert.equal(await urlOf('west-crm'), URL_B);
  assert.equal((await api(boundA, 'PUT', '/backends/shared', steal)).statusCode, 403);
  assert.equal(await urlOf('shared'), 'https://shared.example.net/hook');

  const route = await api(boundA, 'PUT', '/routes/example/pothole', { primary: 'west-crm' });
  assert.equal(route.statusCode, 404);
  assert.equal(route.json().error.code, 'BACKEND_NOT_FOUND');
  assert.notEqual(await primaryOfPothole(), 'west-crm');
  assert.equal((await api(boundA, 'PUT', '/routes/example/pothole', { primary: 'shared' })).statusCode, 200);

  const own = await api(boundA, 'PUT', '/backends/example-crm', { kind: 'webhook', config: { url: 'https://example.net/crm', secret: SECRET } });
  assert.equal(own.statusCode, 200, own.body);
  assert.equal(own.json().backend.jurisdiction_id, 'example');
  assert.equal((await api(boundA, 'PUT', '/backends/streets', { kind: 'webhook', config: { url: 'https://example.net/hook2', secret: '********' } })).statusCode, 200);
  assert.equal((await w.store.routing.backend('streets'))?.config.secret, SECRET, 'the masked secret kept');
});

test('the install-wide key and the CLI keep full access', async () => {
  const list = await api(w.adminKey, 'GET', '/backends');
  assert.deepEqual(list.json().backends.map((x: { name: string }) => x.name), ['example-crm', 'shared', 'streets', 'west-crm']);
  const edit = await api(w.adminKey, 'PUT', '/backends/west-crm', { kind: 'webhook', config: { url: 'https://westshire.example.net/hook2', secret: '********' } });
  assert.equal(edit.statusCode, 200, edit.body);
  assert.equal(edit.json().backend.jurisdiction_id, 'westshire', 'a change keeps the owner');
  assert.equal((await api(w.adminKey, 'PUT', '/routes/example/pothole', { primary: 'west-crm' })).statusCode, 200);
  assert.equal(await primaryOfPothole(), 'west-crm');
  assert.equal((await api(w.adminKey, 'PUT', '/backends/shared', { kind: 'webhook', config: { url: 'https://shared.example.net/hook2', secret: '********' } })).statusCode, 200);

  const env = { DATABASE_URL: w.store.url, SEED_DEMO: 'false' };
  const shown = await pipework(['routes', 'backends'], env);
  assert.equal(shown.code, 0, shown.err);
  assert.match(shown.out, /west-crm\twebhook\twestshire\t/);
  assert.match(shown.out, /shared\twebhook\t\(install-wide\)\t/);
  const given = await pipework(['routes', 'backend', 'west-files', '--kind', 'webhook', '--config', JSON.stringify({ url: 'https://westshire.example.net/files', secret: SECRET }), '--council', 'westshire'], env);
  assert.equal(given.code, 0, given.err);
  assert.equal((await w.store.routing.backend('west-files'))?.jurisdictionId, 'westshire');
  const changed = await pipework(['routes', 'backend', 'west-crm', '--kind', 'webhook', '--config', JSON.stringify({ url: URL_B, secret: '********' })], env);
  assert.equal(changed.code, 0, changed.err);
  assert.equal(await urlOf('west-crm'), URL_B);
  assert.equal((await w.store.routing.backend('west-crm'))?.jurisdictionId, 'westshire');
  assert.equal((await pipework(['routes', 'set', 'pothole', 'streets', '--jurisdiction', 'example'], env)).code, 0);
  assert.equal(await primaryOfPothole(), 'streets');
});

test('two councils adding the same new name at once: one gets it, the other is told it is in use and changes nothing', async () => {
  const add = (name: string, council: string) =>
    saveBackend(w.store, { name, kind: 'webhook', config: { url: `https://${council}.example.net/${name}`, secret: SECRET } }, { actor: `staff:admin@${council}`, council });
  for (let i = 0; i < 10; i++) {
    const name = `race-${i}`;
    const results = await Promise.allSettled([add(name, 'example'), add(name, 'westshire')]);
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1, `${name}: ${results.map((r) => r.status).join(', ')}`);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.match(String(lost.reason), /already in use/);
    const saved = (await w.store.routing.backend(name))!;
    assert.equal(saved.config.url, `https://${saved.jurisdictionId}.example.net/${name}`, 'the owner and the settings are the winner’s');
  }
});

test('the install gives a back-end to a council only if no other council routes to it', async () => {
  await saveBackend(w.store, { name: 'pool', kind: 'webhook', config: { url: 'https://pool.example.net/hook', secret: SECRET } }, 'cli:ops');
  assert.equal((await api(w.adminKey, 'PUT', '/routes/example/pothole', { primary: 'pool' })).statusCode, 200);
  await assert.rejects(saveBackend(w.store, { name: 'pool', kind: 'webhook', config: { url: 'https://pool.example.net/hook', secret: '********' } }, 'cli:ops', { council: 'westshire' }), /routed to by example/);
  assert.equal((await w.store.routing.backend('pool'))?.jurisdictionId, undefined);
  const given = await saveBackend(w.store, { name: 'pool', kind: 'webhook', config: { url: 'https://pool.example.net/hook', secret: '********' } }, 'cli:ops', { council: 'example' });
  assert.equal(given.jurisdictionId, 'example');
  await assert.rejects(saveBackend(w.store, { name: 'pool2', kind: 'webhook', config: { url: 'https://pool.example.net/hook', secret: SECRET } }, { actor: 'staff:x', council: 'example' }, { council: 'westshire' }), /Only the install/);
});
