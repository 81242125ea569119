import { sql, type Kysely } from 'kysely';
import { idType, isPostgres } from './dialect.ts';

/**
 * The staff console's second round: a role limited to service groups
 * (`service_groups`, a JSON list; null: every service), saved views of the
 * queue per user, duplicates linked to their original, and indexes for the
 * queue's slow filters (overdue; words in the description or address).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema.alterTable('staff_roles').addColumn('service_groups', 'text').execute();

  await db.schema
    .createTable('staff_saved_views')
    .addColumn('id', idType(db), (c) => c.primaryKey())
    .addColumn('user_id', 'bigint', (c) => c.notNull())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('staff_saved_views_name', ['user_id', 'jurisdiction_id', 'name'])
    .execute();

  // One original per duplicate (the primary key): marking twice cannot link it twice.
  await db.schema
    .createTable('request_duplicates')
    .addColumn('request_id', 'bigint', (c) => c.primaryKey())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('original_id', 'bigint', (c) => c.notNull())
    .addColumn('linked_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('request_duplicates_by_original').on('request_duplicates').columns(['original_id']).execute();

  // Overdue: only requests still open with a target, newest first, so "overdue" reads a short range.
  const tail = pg ? ['requested_at', 'id'] : ['requested_at'];
  await db.schema
    .createIndex('service_requests_open_targets')
    .on('service_requests')
    .columns(['jurisdiction_id', ...tail, 'expected_at'])
    .where(sql<boolean>`${sql.raw(`expected_at is not null and status not in (${['closed', 'fixed', 'duplicate', 'not_councils_responsibility', 'no_further_action', 'cancelled'].map((s) => `'${s}'`).join(', ')})`)}`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('service_requests_open_targets').execute();
  await db.schema.dropTable('request_duplicates').execute();
  await db.schema.dropTable('staff_saved_views').execute();
  await db.schema.alterTable('staff_roles').dropColumn('service_groups').execute();
}
