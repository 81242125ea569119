import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../test/support/app.ts';
import { createApiKey } from '../core/access/api-keys.ts';

// /admin/api/councils and /admin/api/keys: the core use cases of the CLI and the pages, as JSON.
let w: Awaited<ReturnType<typeof demoApp>>;
let all: string;
let bound: string;
before(async () => {
  w = await demoApp();
  all = (await createApiKey(w.store, 'ops', 'admin')).key;
  await w.store.councils.create({ id: 'westshire', name: 'Westshire Council', hosts: [], settings: {} });
  bound = (await createApiKey(w.store, 'westshire-ops', 'admin', { jurisdictionId: 'westshire' })).key;
});
after(() => w.close());

const call = (key: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  w.app.inject({ method, url: `/admin/api${url}`, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });

test('councils: add, change with a version, list; bad values in the JSON error shape; audited as the key', async () => {
  const added = await call(all, 'POST', '/councils', { id: 'eastshire', name: 'Eastshire Council', hosts: ['reports.eastshire.gov.uk'] });
  assert.equal(added.statusCode, 201, added.body);
  assert.equal(added.json().version, 1);
  const bad = await call(all, 'PATCH', '/councils/eastshire', { headerColour: '#ffff00' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.code, 'INVALID_INPUT');
  assert.equal(bad.json().error.problems[0].field, 'headerColour');
  const set = await call(all, 'PATCH', '/councils/eastshire?version=1', { welshName: 'Cyngor Eastshire' });
  assert.equal(set.statusCode, 200);
  assert.equal(set.json().version, 2);
  const stale = await call(all, 'PATCH', '/councils/eastshire?version=1', { welshName: 'Lost' });
  assert.equal(stale.statusCode, 409);
  assert.equal(stale.json().error.code, 'EDIT_CONFLICT');
  assert.deepEqual((await call(all, 'GET', '/councils')).json().councils.map((c: { id: string }) => c.id), ['eastshire', 'example', 'westshire']);
  const [entry] = await w.store.staff.audit.list({ jurisdictionId: 'eastshire', actions: ['council.set'], limit: 1 });
  assert.equal(entry.actor, 'api:ops');
});

test('a key bound to one council sees and changes only that council and its keys', async () => {
  assert.deepEqual((await call(bound, 'GET', '/councils')).json().councils.map((c: { id: string }) => c.id), ['westshire']);
  assert.equal((await call(bound, 'PATCH', '/councils/example', { name: 'Taken' })).statusCode, 404);
  assert.equal((await call(bound, 'POST', '/councils', { id: 'mine', name: 'Mine' })).statusCode, 403);
  const made = await call(bound, 'POST', '/keys', { name: 'fixmystreet' });
  assert.equal(made.statusCode, 201);
  assert.equal(made.json().council, 'westshire');
  assert.match(made.json().key, /^pw_/);
  assert.equal((await call(bound, 'POST', '/keys', { name: 'x', council: 'example' })).statusCode, 404);
  const theirs = (await w.store.apiKeys.list()).find((k) => k.name === 'test client')!;
  assert.equal((await call(bound, 'DELETE', `/keys/${theirs.id}`)).statusCode, 404);
  assert.ok(!(await call(bound, 'GET', '/keys')).json().keys.some((k: { name: string }) => k.name === 'test client'));

  const rotated = await call(bound, 'POST', `/keys/${made.json().id}/rotate`, { graceHours: 2 });
  assert.equal(rotated.statusCode, 201);
  assert.ok(rotated.json().old.expiresAt);
  assert.equal((await call(bound, 'DELETE', `/keys/${rotated.json().id}`)).statusCode, 204);
  const actions = (await w.store.staff.audit.list({ jurisdictionId: 'westshire', actions: ['key.create', 'key.rotate', 'key.revoke'], limit: 5 })).map((e) => `${e.actor} ${e.action}`);
  assert.deepEqual(actions, ['api:westshire-ops key.revoke', 'api:westshire-ops key.rotate', 'api:westshire-ops key.create']);
});
