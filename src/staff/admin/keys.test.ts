import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp, form, FORM } from '../../../test/support/app.ts';
import { staffClient, staffUser } from '../../../test/support/staff.ts';
import { createApiKey } from '../../core/access/api-keys.ts';

// The API keys page: create (shown once), rotate with a grace period, revoke; only the admin's council's keys.
let w: Awaited<ReturnType<typeof demoApp>>;
let admin: ReturnType<typeof staffClient>;
before(async () => {
  w = await demoApp();
  await w.store.councils.create({ id: 'other', name: 'Other Council', hosts: [], settings: {} });
  await staffUser(w.store, 'admin@example.gov.uk', 'admin', 'example', 'Ada');
  await staffUser(w.store, 'super@example.gov.uk', 'supervisor', 'example', 'Sue');
  admin = staffClient(w.app);
  await admin.signIn('admin@example.gov.uk');
});
after(() => w.close());

const report = (key: string) =>
  w.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: FORM, payload: form([['api_key', key], ['service_code', 'pothole'], ['lat', '51.5'], ['long', '-0.1'], ['description', 'Hole'], ['attribute[depth]', '5']]) });

test('create shows the key once; it works for Open311 at once; rotate keeps the old one working; revoke stops it; all audited', async () => {
  const page = await admin.get('/staff/admin/keys');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /test client/, 'install-wide keys are listed');
  assert.match(page.body, /All councils \(changed on the command line\)/);

  const empty = await admin.post('/staff/admin/keys', { name: '', scope: 'client' });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /href="#name"/);

  const made = await admin.post('/staff/admin/keys', { name: 'fixmystreet', scope: 'client' });
  assert.equal(made.statusCode, 200);
  const key = /<code id="new-key">(pw_[\w-]+)<\/code>/.exec(made.body)![1];
  const id = /Key (\d+) created/.exec(made.body)![1];
  assert.equal((await w.store.apiKeys.get(Number(id)))!.jurisdictionId, 'example');
  assert.notEqual((await report(key)).statusCode, 403);
  assert.doesNotMatch((await admin.get('/staff/admin/keys')).body, new RegExp(key), 'never shown again');

  const badGrace = await admin.post(`/staff/admin/keys/${id}/rotate`, { graceHours: 'soon' });
  assert.equal(badGrace.statusCode, 400);
  assert.match(badGrace.body, new RegExp(`href="#grace-${id}"`));
  const rotated = await admin.post(`/staff/admin/keys/${id}/rotate`, { graceHours: '2' });
  assert.equal(rotated.statusCode, 200);
  const next = /<code id="new-key">(pw_[\w-]+)<\/code>/.exec(rotated.body)![1];
  assert.match(rotated.body, /keeps working until/);
  assert.notEqual((await report(key)).statusCode, 403, 'the old key works in its grace period');
  assert.notEqual((await report(next)).statusCode, 403);
  const nextId = String((await w.store.apiKeys.get(Number(id)))!.replacedBy);

  assert.equal((await admin.post(`/staff/admin/keys/${nextId}/revoke`, {})).statusCode, 303);
  assert.equal((await report(next)).statusCode, 403);

  const actions = (await w.store.staff.audit.list({ jurisdictionId: 'example', actions: ['key.create', 'key.rotate', 'key.revoke'], limit: 10 })).map((e) => [e.actor, e.action]);
  assert.deepEqual(actions, [['admin@example.gov.uk', 'key.revoke'], ['admin@example.gov.uk', 'key.rotate'], ['admin@example.gov.uk', 'key.create']]);
});

test("another council's key and an install-wide key cannot be changed here; a supervisor is refused", async () => {
  const { record: theirs } = await createApiKey(w.store, 'theirs', 'client', { jurisdictionId: 'other' });
  const everyone = (await w.store.apiKeys.list()).find((k) => k.name === 'test client')!;
  for (const k of [theirs, everyone]) {
    assert.equal((await admin.post(`/staff/admin/keys/${k.id}/revoke`, {})).statusCode, 404);
    assert.equal((await admin.post(`/staff/admin/keys/${k.id}/rotate`, { graceHours: '1' })).statusCode, 404);
    assert.equal((await w.store.apiKeys.get(k.id))!.revokedAt, undefined);
  }
  assert.doesNotMatch((await admin.get('/staff/admin/keys')).body, /theirs/);
  const sue = staffClient(w.app);
  await sue.signIn('super@example.gov.uk');
  assert.equal((await sue.get('/staff/admin/keys')).statusCode, 403);
  assert.equal((await sue.post('/staff/admin/keys', { name: 'sneaky', scope: 'admin' })).statusCode, 403);
  assert.ok(!(await w.store.apiKeys.list()).some((k) => k.name === 'sneaky'));
});
