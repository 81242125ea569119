import type { Kysely } from 'kysely';
import { isPostgres } from './dialect.ts';

/**
 * Indexes for GET requests at national scale (docs/decisions/0042). Every
 * filtered search becomes one or more ranges of an index whose equality
 * columns match the filter and whose order is "newest first", so a page is
 * read without sorting. SQLite's indexes end with the rowid (the request id)
 * already; PostgreSQL's need `id` spelled out to give the same order, so its
 * two original indexes are rebuilt with it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const tail = pg ? ['requested_at', 'id'] : ['requested_at'];
  if (pg) {
    await db.schema.dropIndex('service_requests_by_time').execute();
    await db.schema.dropIndex('service_requests_by_service').execute();
    await db.schema.createIndex('service_requests_by_time').on('service_requests').columns(['jurisdiction_id', ...tail]).execute();
    await db.schema.createIndex('service_requests_by_service').on('service_requests').columns(['jurisdiction_id', 'service_code', ...tail]).execute();
  }
  await db.schema.createIndex('service_requests_by_status').on('service_requests').columns(['jurisdiction_id', 'status', ...tail]).execute();
  await db.schema
    .createIndex('service_requests_by_service_status')
    .on('service_requests')
    .columns(['jurisdiction_id', 'service_code', 'status', ...tail])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('service_requests_by_service_status').execute();
  await db.schema.dropIndex('service_requests_by_status').execute();
}
