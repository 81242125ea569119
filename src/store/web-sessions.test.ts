import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshStore } from '../../test/support/db.ts';

const store = await freshStore();
after(() => store.close());

test('a web session is stored, replaced, expires and is purged', async () => {
  const soon = new Date(Date.now() + 60_000);
  await store.webSessions.put('abc', { lang: 'cy', drafts: { pothole: { attributes: { depth: 'deep' } } } }, soon);
  assert.deepEqual((await store.webSessions.get('abc'))?.data, { lang: 'cy', drafts: { pothole: { attributes: { depth: 'deep' } } } });
  await store.webSessions.put('abc', { lang: 'en' }, soon);
  assert.deepEqual((await store.webSessions.get('abc'))?.data, { lang: 'en' });

  await store.webSessions.put('old', { lang: 'en' }, new Date(Date.now() - 1));
  assert.equal(await store.webSessions.get('old'), undefined, 'an expired session is not returned');
  assert.equal(await store.webSessions.purgeExpired(), 1);
  await store.webSessions.delete('abc');
  assert.equal(await store.webSessions.get('abc'), undefined);
});
