import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Migrator, sql } from 'kysely';
import { migrations } from './migrations/index.ts';
import { freshDatabaseUrl } from '../../test/support/db.ts';
import { connect, migrate } from './connect.ts';

// Migration 0022: unique indexes over mostly-NULL columns become partial. Uniqueness is unchanged and every lookup still uses its index.

const request = (over: Record<string, unknown>) => {
  const now = Date.now();
  return {
    jurisdiction_id: 'example', service_code: 'pothole', token: null, idempotency_key: null, idempotency_client: null, submission_hash: null, status: 'open', status_notes: null,
    description: 'x', attributes: '{}', lat: null, long: null, address: 'x', address_id: null, zipcode: null, uprn: null, easting: null, northing: null,
    account_id: null, device_id: null, media_urls: '[]', agency_responsible: null, service_notice: null, source: 'test', requested_at: now, updated_at: now, expected_at: null, ...over,
  };
};

test('0022: tokens, idempotency keys and event numbers stay unique; rows without them are many; lookups use the partial indexes', async () => {
  const { url, drop } = await freshDatabaseUrl();
  const { db } = connect(url);
  const postgres = url.startsWith('postgres');
  try {
    await migrate(db);
    // Many rows with none of them: NULLs were never compared.
    await db.insertInto('service_requests').values([request({}), request({}), request({})]).execute();
    await db.insertInto('service_requests').values(request({ token: 't-1', idempotency_key: 'k-1', idempotency_client: 'fms' })).execute();
    await assert.rejects(db.insertInto('service_requests').values(request({ token: 't-1' })).execute(), 'a token is kept once');
    await assert.rejects(db.insertInto('service_requests').values(request({ idempotency_key: 'k-1', idempotency_client: 'fms' })).execute(), 'a key is kept once per client');
    await db.insertInto('service_requests').values(request({ idempotency_key: 'k-1', idempotency_client: 'other' })).execute();

    const plan = async (query: string) => {
      if (postgres) {
        await sql`set enable_seqscan = off`.execute(db); // a tiny table: ask whether the index CAN be used
        const rows = (await sql.raw<{ 'QUERY PLAN': string }>(`explain ${query}`).execute(db)).rows;
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      }
      return (await sql.raw<{ detail: string }>(`explain query plan ${query}`).execute(db)).rows.map((r) => r.detail).join('\n');
    };
    const byKey = await plan(`select id from service_requests where jurisdiction_id = 'example' and idempotency_client = 'fms' and idempotency_key = 'k-1'`);
    assert.match(byKey, /service_requests_idempotency_by_client/, byKey);
    // With bound parameters, as the store asks (SQLite proves IS NOT NULL from `= ?` too).
    if (!postgres) {
      const bound = (await sql<{ detail: string }>`explain query plan select id from service_requests where jurisdiction_id = ${'example'} and idempotency_client = ${'fms'} and idempotency_key = ${'k-1'}`.execute(db)).rows;
      assert.match(bound.map((r) => r.detail).join(), /service_requests_idempotency_by_client/);
    }
    if (postgres) {
      assert.match(await plan(`select id from service_requests where token = 't-1' and jurisdiction_id = 'example'`), /service_requests_token/);
      assert.match(await plan(`select * from events where seq > 10 order by seq limit 50`), /events_seq/);
      assert.match(await plan(`select max(seq) from events`), /events_seq/);
      const defs = (await sql<{ indexdef: string }>`select indexdef from pg_indexes where indexname in ('service_requests_token', 'events_seq', 'service_requests_idempotency_by_client')`.execute(db)).rows;
      assert.equal(defs.filter((d) => /UNIQUE .* WHERE \(\w+ IS NOT NULL\)/.test(d.indexdef)).length, 3, JSON.stringify(defs));
    }
    // Down and up again: the full indexes come back, and go again.
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    assert.equal((await migrator.migrateTo('0021_shared_between_processes')).error, undefined);
    await assert.rejects(db.insertInto('service_requests').values(request({ idempotency_key: 'k-1', idempotency_client: 'fms' })).execute());
    assert.equal((await migrator.migrateToLatest()).error, undefined);
  } finally {
    await db.destroy();
    await drop();
  }
});
