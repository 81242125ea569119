import type { Kysely } from 'kysely';

/**
 * Service patterns (src/patterns/): each council's library of pattern
 * versions, the version a service is bound to, the version a request was
 * created under, and flags on updates whose status change the pattern does
 * not allow (kept in history for staff, not applied).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('service_patterns')
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('lifecycle', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('published_at', 'bigint')
    .addPrimaryKeyConstraint('service_patterns_pk', ['jurisdiction_id', 'id', 'version'])
    .execute();

  // SQLite adds one column per ALTER TABLE.
  const add = async (table: string, column: string, type: 'text' | 'integer') => {
    await db.schema.alterTable(table).addColumn(column, type).execute();
  };
  await add('services', 'pattern_id', 'text');
  await add('services', 'pattern_version', 'text');
  await add('services', 'status_labels', 'text');
  await add('service_requests', 'pattern_id', 'text');
  await add('service_requests', 'pattern_version', 'text');
  await add('request_updates', 'flag', 'text');
  await add('request_updates', 'notify_resident', 'integer');
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table, column] of [
    ['request_updates', 'notify_resident'],
    ['request_updates', 'flag'],
    ['service_requests', 'pattern_version'],
    ['service_requests', 'pattern_id'],
    ['services', 'status_labels'],
    ['services', 'pattern_version'],
    ['services', 'pattern_id'],
  ]) {
    await db.schema.alterTable(table).dropColumn(column).execute();
  }
  await db.schema.dropTable('service_patterns').execute();
}
