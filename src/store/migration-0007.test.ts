import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Migrator } from 'kysely';
import { freshDatabaseUrl } from '../../test/support/db.ts';
import { connect, migrate } from './connect.ts';
import { migrations } from './migrations/index.ts';

// Migration 0007 on a database that already holds what the old code wrote: updates stored twice, waiting built-in jobs, keys without a client.

test('0007 keeps updates stored twice (marked), makes waiting built-in jobs delivered, and keeps old keys findable', async () => {
  const { url, drop } = await freshDatabaseUrl();
  const { db } = connect(url);
  try {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    const to6 = await migrator.migrateTo('0006_idempotency_keys');
    assert.equal(to6.error, undefined);
    const now = Date.now();
    const request = (key: string | null) => ({
      jurisdiction_id: 'example', service_code: 'pothole', token: null, idempotency_key: key, status: 'open', status_notes: null, description: 'old',
      attributes: '{}', lat: null, long: null, address: 'x', address_id: null, zipcode: null, uprn: null, easting: null, northing: null,
      account_id: null, device_id: null, media_urls: '[]', agency_responsible: null, service_notice: null, source: 'test', requested_at: now, updated_at: now, expected_at: null,
    });
    const { id } = await db.insertInto('service_requests').values(request('old-key')).returning('id').executeTakeFirstOrThrow();
    const update = { request_id: id, jurisdiction_id: 'example', status: 'unchanged', description: 'same comment', media_urls: '[]', external_status_code: null, external_id: 'fms-1', author_kind: 'resident', contact: '{}', updated_at: now };
    for (let i = 0; i < 3; i++) await db.insertInto('request_updates').values(update).execute();
    const job = { request_id: id, jurisdiction_id: 'example', service_code: 'pothole', role: 'primary', kind: 'request', update_id: null, state: 'pending', attempts: 0, due_at: now, locked_by: null, external_ref: null, last_error: null, created_at: now, delivered_at: null };
    await db.insertInto('deliveries').values([{ ...job, backend: 'builtin', idempotency_key: 'k-builtin' }, { ...job, backend: 'hook', idempotency_key: 'k-hook' }]).execute();

    await migrate(db);
    const ids = (await db.selectFrom('request_updates').select(['id', 'external_id']).orderBy('id').execute()).map((r) => r.external_id);
    assert.equal(ids[0], 'fms-1');
    assert.match(ids[1]!, /^fms-1 \(repeat \d+\)$/);
    assert.match(ids[2]!, /^fms-1 \(repeat \d+\)$/);
    await assert.rejects(db.insertInto('request_updates').values(update).execute(), 'the index now keeps fms-1 once');
    const jobs = await db.selectFrom('deliveries').select(['backend', 'state', 'external_ref', 'delivered_at']).orderBy('backend').execute();
    assert.deepEqual(jobs.map((j) => [j.backend, j.state, j.external_ref, j.delivered_at]), [['builtin', 'delivered', String(id), now], ['hook', 'pending', null, null]]);
    const old = await db.selectFrom('service_requests').select(['idempotency_client', 'submission_hash']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual([old.idempotency_client, old.submission_hash], ['', null]);
  } finally {
    await db.destroy();
    await drop();
  }
});
