import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../test/support/app.ts';
import { createApiKey } from '../core/access/api-keys.ts';

// One key check, one error shape and one jurisdiction rule for every area of the admin API.
let env: Awaited<ReturnType<typeof demoApp>>;
let admin: string;
before(async () => {
  env = await demoApp();
  admin = (await createApiKey(env.store, 'ops', 'admin')).key;
});
after(() => env.close());

const get = (url: string, authorization?: string) => env.app.inject({ url: `/admin/api${url}`, headers: authorization ? { authorization } : {} });

test('every area refuses a missing, wrong or client key with 403 and says how to send an admin key', async () => {
  for (const url of ['/patterns', '/deliveries', '/routes', '/cases?jurisdiction_id=example', '/no-such-thing']) {
    const missing = await get(url);
    assert.equal(missing.statusCode, 403, url);
    assert.equal(missing.json().error.code, 'API_KEY_INVALID');
    assert.match(missing.json().error.message, /needs a key\. Send an admin key as "Authorization: Bearer KEY"; create one with: npx pipework keys create --name NAME --admin/);
  }
  const basic = await get('/routes', `Basic ${Buffer.from('ops:x').toString('base64')}`);
  assert.match(basic.json().error.message, /Authorization: Bearer KEY/);
  const client = await get('/routes', `Bearer ${env.key}`);
  assert.equal(client.statusCode, 403);
  assert.match(client.json().error.message, /This key may not use the admin API\. Send an admin key/);
  const wrong = await get('/routes', 'Bearer pw_not-a-key');
  assert.equal(wrong.statusCode, 403);
  assert.match(wrong.json().error.message, /invalid or has been revoked\. Send an admin key/);
  assert.equal((await get('/routes', `Bearer ${admin}`)).statusCode, 200);
});

test('errors share one JSON shape: unknown resource, invalid input', async () => {
  const unknown = await get('/no-such-thing', `Bearer ${admin}`);
  assert.equal(unknown.statusCode, 404);
  assert.deepEqual(unknown.json(), { error: { code: 'NOT_FOUND', message: 'No such admin resource: GET /admin/api/no-such-thing', problems: [] } });
  const invalid = await get('/deliveries?state=lost', `Bearer ${admin}`);
  assert.equal(invalid.statusCode, 400);
  assert.equal(invalid.json().error.code, 'INVALID_INPUT');
  assert.ok(Array.isArray(invalid.json().error.problems) && invalid.json().error.problems.length > 0);
});

test('the jurisdiction is the core’s choice: optional with one council, required and listed with two', async () => {
  assert.equal((await get('/patterns', `Bearer ${admin}`)).json().jurisdiction_id, 'example');
  const unknown = await get('/patterns?jurisdiction_id=atlantis', `Bearer ${admin}`);
  assert.equal(unknown.statusCode, 404);
  assert.deepEqual(unknown.json().error, { code: 'JURISDICTION_NOT_FOUND', message: 'jurisdiction_id "atlantis" was not found', problems: [] });
  await env.store.jurisdictions.upsert({ id: 'second', name: 'Second District Council' });
  const required = await get('/patterns', `Bearer ${admin}`);
  assert.equal(required.statusCode, 400);
  assert.equal(required.json().error.code, 'JURISDICTION_REQUIRED');
  assert.match(required.json().error.message, /this server serves .*example.*second|this server serves .*second.*example/);
  assert.equal((await get('/patterns?jurisdiction_id=second', `Bearer ${admin}`)).json().jurisdiction_id, 'second');
});

test('a key bound to one council acts for it in every area: another council is not found, an install-wide call is refused', async () => {
  const bound = `Bearer ${(await createApiKey(env.store, 'example only', 'admin', { jurisdictionId: 'example' })).key}`;
  assert.equal((await get('/notifications/templates/example', bound)).statusCode, 200);
  assert.equal((await get('/no-such-thing', bound)).statusCode, 404);
  assert.equal((await get('/cases?jurisdiction_id=example', bound)).statusCode, 200);
  assert.equal((await get('/migration/example/pothole/report', bound)).statusCode, 200);
  for (const url of ['/migration/eastshire/pothole/report', '/cases?jurisdiction_id=eastshire', '/records/eastshire/retention', '/notifications/templates/eastshire']) {
    const other = await get(url, bound);
    assert.equal(other.statusCode, 404, url);
    assert.equal(other.json().error.message, 'No council "eastshire"');
  }
  const change = await env.app.inject({ method: 'PUT', url: '/admin/api/routes/eastshire/pothole', headers: { authorization: bound }, payload: { primary: 'builtin' } });
  assert.equal(change.statusCode, 404);
  for (const url of ['/routes', '/subscriptions', '/deliveries']) {
    const wide = await get(url, bound);
    assert.equal(wide.statusCode, 403, url);
    assert.match(wide.json().error.message, /acts for council "example" only, and this call names no council/);
  }
  // Its own council and keys, its own back-ends: those areas limit it themselves (back-ends: decision 0178).
  assert.equal((await get('/backends', bound)).statusCode, 200);
  assert.deepEqual((await get('/councils', bound)).json().councils.map((c: { id: string }) => c.id), ['example']);
  // An install-wide key is not limited.
  assert.equal((await get('/backends', `Bearer ${admin}`)).statusCode, 200);
});
