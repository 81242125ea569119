import { sql, type Kysely } from 'kysely';

/**
 * One change, once (docs/decisions/0050 to 0052). Frozen: never import application code here.
 *
 * - An Idempotency-Key belongs to the client that sent it: `idempotency_client`
 *   (the API key's id for Open311, '' when the front end names none) joins the
 *   unique index, and `submission_hash` lets a re-send with a different body be refused.
 * - A sender's update id (Open311 `update_id`, a back-end's update id) is stored
 *   once per request: a unique index on (request_id, external_id). Copies already
 *   stored twice are kept, their external id marked, so the index can be built.
 * - The built-in case store holds a request as it is written: its waiting jobs
 *   become delivered, with the request id as their reference.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_requests').addColumn('idempotency_client', 'text').execute();
  await db.schema.alterTable('service_requests').addColumn('submission_hash', 'text').execute();
  await db.updateTable('service_requests').set({ idempotency_client: '' }).where('idempotency_key', 'is not', null).execute();
  await db.schema.dropIndex('service_requests_idempotency').execute();
  await db.schema
    .createIndex('service_requests_idempotency_by_client')
    .on('service_requests')
    .columns(['jurisdiction_id', 'idempotency_client', 'idempotency_key'])
    .unique()
    .execute();

  await sql`update request_updates set external_id = external_id || ' (repeat ' || cast(id as text) || ')'
    where external_id is not null and id > (
      select min(u.id) from request_updates u where u.request_id = request_updates.request_id and u.external_id = request_updates.external_id
    )`.execute(db);
  await db.schema.createIndex('request_updates_external_once').on('request_updates').columns(['request_id', 'external_id']).unique().execute();

  await sql`update deliveries set state = 'delivered', external_ref = cast(request_id as text), delivered_at = created_at, last_error = null
    where backend = 'builtin' and state = 'pending'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('request_updates_external_once').execute();
  await db.schema.dropIndex('service_requests_idempotency_by_client').execute();
  await db.schema.createIndex('service_requests_idempotency').on('service_requests').columns(['jurisdiction_id', 'idempotency_key']).unique().execute();
  await db.schema.alterTable('service_requests').dropColumn('submission_hash').execute();
  await db.schema.alterTable('service_requests').dropColumn('idempotency_client').execute();
}
