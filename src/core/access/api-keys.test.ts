import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { freshStore } from '../../../test/support/db.ts';
import { KEY_TRUST_MS, createApiKey, requireApiKey } from './api-keys.ts';

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
