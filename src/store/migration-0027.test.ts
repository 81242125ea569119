import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Migrator } from 'kysely';
import { migrations } from './migrations/index.ts';
import { freshDatabaseUrl } from '../../test/support/db.ts';
import { connect } from './connect.ts';

// Migration 0027 (decision 0178): an existing back-end goes to the one council that routes to it; shared or unrouted ones stay install-wide.
test('0027: a back-end routed to by exactly one council becomes its; the others stay install-wide', async () => {
  const { url, drop } = await freshDatabaseUrl();
  const { db } = connect(url);
  try {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    assert.equal((await migrator.migrateTo('0026_request_joiners')).error, undefined);
    const backend = (name: string) => ({ name, kind: 'webhook', config: '{}', created_at: 1, updated_at: 1, updated_by: 'cli:ops' });
    await (db as any).insertInto('backends').values(['east-crm', 'shared', 'unused', 'west-canary', 'west-crm'].map(backend)).execute();
    const route = (jurisdiction_id: string, service_code: string, primary_backend: string, shadow_backend: string | null = null, canary_backend: string | null = null) =>
      ({ jurisdiction_id, service_code, primary_backend, shadow_backend, canary_backend, canary_percent: canary_backend ? 10 : 0, updated_at: 1, updated_by: 'cli:ops' });
    await (db as any).insertInto('routes').values([
      route('eastshire', 'pothole', 'east-crm'),
      route('eastshire', '*', 'east-crm', 'shared'),
      route('westshire', 'pothole', 'west-crm', null, 'west-canary'),
      route('westshire', 'bins', 'shared'),
    ]).execute();
    assert.equal((await migrator.migrateToLatest()).error, undefined);
    const rows = await db.selectFrom('backends').select(['name', 'jurisdiction_id']).orderBy('name').execute();
    assert.deepEqual(rows.map((r) => [r.name, r.jurisdiction_id]), [
      ['east-crm', 'eastshire'],
      ['shared', null],
      ['unused', null],
      ['west-canary', 'westshire'],
      ['west-crm', 'westshire'],
    ]);
  } finally {
    await db.destroy();
    await drop();
  }
});
