import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Migrator } from 'kysely';
import { migrations } from './migrations/index.ts';
import { freshDatabaseUrl } from '../../test/support/db.ts';
import { connect } from './connect.ts';

// Migration 0025: assignments made before it keep their officer (SQLite rebuilds the table); a team alone may then be stored.
test('0025: existing assignments survive; an assignment may then be a team with no officer', async () => {
  const { url, drop } = await freshDatabaseUrl();
  const { db } = connect(url);
  try {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    assert.equal((await migrator.migrateTo('0022_no_index_entries_for_nulls')).error, undefined);
    await (db as any).insertInto('request_assignments').values({ request_id: 7, jurisdiction_id: 'example', user_id: 3, assigned_at: 1000 }).execute();
    assert.equal((await migrator.migrateToLatest()).error, undefined);
    const rows = await db.selectFrom('request_assignments').selectAll().execute();
    assert.deepEqual(rows.map((r) => [Number(r.request_id), r.jurisdiction_id, Number(r.user_id), r.team, Number(r.assigned_at)]), [[7, 'example', 3, null, 1000]]);
    await db.insertInto('request_assignments').values({ request_id: 8, jurisdiction_id: 'example', user_id: null, team: 'Highways', assigned_at: 2000 }).execute();
    await assert.rejects(db.insertInto('request_assignments').values({ request_id: 8, jurisdiction_id: 'example', user_id: 1, team: null, assigned_at: 3000 }).execute(), 'one assignment per request');
    await db.insertInto('reply_templates').values({ jurisdiction_id: 'example', name: 'A', body: 'x', body_cy: null, service_codes: '[]', statuses: '[]', updated_at: 1 }).execute();
    await assert.rejects(db.insertInto('reply_templates').values({ jurisdiction_id: 'example', name: 'A', body: 'y', body_cy: null, service_codes: '[]', statuses: '[]', updated_at: 2 }).execute(), 'one name per council');
  } finally {
    await db.destroy();
    await drop();
  }
});
