import { sql, type Kysely } from 'kysely';

/**
 * The paged pull's page as index ranges (issue 14). Frozen: never import application code here.
 *
 * - `deliveries_to_check`: (backend, checked_at, id) over only the rows a pull reads (delivered
 *   request jobs with a reference, not moved on). The page is two ranges of it: never checked
 *   (checked_at null, by id), then the least recently checked. Replaces `deliveries_by_check`,
 *   whose ORDER BY coalesce(checked_at, 0) no index could serve.
 * - `service_requests_by_update`: (updated_at), so the pull finds the parked rows (closed beyond
 *   the grace) of requests that changed again from the recent changes, not from every parked row.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('deliveries_to_check')
    .on('deliveries')
    .columns(['backend', 'checked_at', 'id'])
    .where(sql.raw<boolean>(`kind = 'request' and state = 'delivered' and external_ref is not null and role <> 'former'`))
    .execute();
  await db.schema.dropIndex('deliveries_by_check').execute();
  await db.schema.createIndex('service_requests_by_update').on('service_requests').columns(['updated_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('service_requests_by_update').execute();
  await db.schema.createIndex('deliveries_by_check').on('deliveries').columns(['backend', 'kind', 'checked_at']).execute();
  await db.schema.dropIndex('deliveries_to_check').execute();
}
