import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../test/support/app.ts';
import { METRICS_TOKEN } from '../../test/support/db.ts';
import { pipeworkVersion } from '../version.ts';

const open = await demoApp({ metricsToken: '' });
const guarded = await demoApp();
after(async () => {
  await open.close();
  await guarded.close();
});

test('/healthz says the version; /readyz says the schema is up to date', async () => {
  assert.deepEqual((await open.app.inject({ url: '/healthz' })).json(), { status: 'ok', version: pipeworkVersion() });
  const ready = (await open.app.inject({ url: '/readyz' })).json();
  assert.equal(ready.status, 'ready');
  assert.ok(ready.migrations.applied >= 6);
  assert.deepEqual([ready.migrations.pending, ready.migrations.unknown], [[], []]);
});

test('/readyz is 503 while a newer Pipework has migrated the database', async () => {
  await guarded.store.db.insertInto('kysely_migration' as never).values({ name: '9999_from_the_future', timestamp: new Date().toISOString() } as never).execute();
  try {
    const res = await guarded.app.inject({ url: '/readyz' });
    assert.equal(res.statusCode, 503);
    assert.deepEqual(res.json().migrations.unknown, ['9999_from_the_future']);
  } finally {
    await guarded.store.db.deleteFrom('kysely_migration' as never).where('name' as never, '=', '9999_from_the_future' as never).execute();
  }
});

test('/metrics is not on the public port without METRICS_TOKEN', async () => {
  assert.equal((await open.app.inject({ url: '/metrics' })).statusCode, 404);
});

test('/metrics on the public port needs its token', async () => {
  assert.equal((await guarded.app.inject({ url: '/metrics' })).statusCode, 401);
  assert.equal((await guarded.app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-token-of-other-size' } })).statusCode, 401);
  assert.equal((await guarded.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN.replace(/.$/, 'X')}` } })).statusCode, 401);
  const ok = await guarded.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.equal(ok.statusCode, 200);
  assert.match(ok.body, /^# HELP/m);
});
