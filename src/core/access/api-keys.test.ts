import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { freshStore } from '../../../test/support/db.ts';
import { KEY_TRUST_MS, createApiKey, requireApiKey, rotateApiKey } from './api-keys.ts';

let store: Awaited<ReturnType<typeof freshStore>>;
before(async () => {
  store = await freshStore();
});
after(() => store.close());

test('a revoked key stops working within KEY_TRUST_MS, even though valid keys are cached', async () => {
  const { key, record } = await createApiKey(store, 'cache-test');
  assert.equal((await requireApiKey(store, key)).name, 'cache-test');
  assert.equal(await store.apiKeys.revoke(record.id), true);
  await new Promise((r) => setTimeout(r, KEY_TRUST_MS + 50));
  await assert.rejects(requireApiKey(store, key), { code: 'API_KEY_INVALID' });
});

test('a new key works at once: unknown keys are never cached', async () => {
  await assert.rejects(requireApiKey(store, 'pw_not-yet'), { code: 'API_KEY_INVALID' });
  const { key } = await createApiKey(store, 'fresh');
  assert.equal((await requireApiKey(store, key)).name, 'fresh');
});

test('two rotations of one key at once: one new key, the other refused; the old key keeps its grace period', async () => {
  const { key, record } = await createApiKey(store, 'rotate-race');
  const results = await Promise.allSettled([rotateApiKey(store, record.id, 1, { by: 'test' }), rotateApiKey(store, record.id, 1, { by: 'test' })]);
  assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  assert.equal(rejected.reason.code, 'NOT_FOUND');
  assert.equal((await store.apiKeys.list()).filter((k) => k.name === 'rotate-race').length, 2);
  assert.equal((await requireApiKey(store, key)).id, record.id, 'the old key works in its grace period');
  const done = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<Awaited<ReturnType<typeof rotateApiKey>>>).value;
  assert.equal(done.record.familyId, record.id, 'the client keeps its identity');
  await assert.rejects(rotateApiKey(store, record.id, -1, { by: 'test' }), { code: 'INVALID_INPUT' });
});
