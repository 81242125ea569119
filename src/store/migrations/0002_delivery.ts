import type { Kysely } from 'kysely';
import { idType, isPostgres } from './dialect.ts';

/**
 * Back-ends, routing and the delivery outbox. Frozen: never import application code here.
 *
 * - `backends`: configured back-end instances (kind + JSON config).
 * - `routes` / `route_changes`: per service and jurisdiction, with a log of who changed what, when.
 * - `deliveries`: the outbox, written in the same transaction as the request or update it carries.
 * - `delivery_attempts`: one row per attempt, kept for operators.
 * - `backend_events`: every status report a back-end sent, mapped or not, primary or shadow.
 * - `relay_leases`: named leases (the single SQLite relay, per back-end pull schedules).
 * - `pull_cursors`: how far each pulling back-end has been read.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const id = idType(db);
  const autoId = (c: any) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable('backends')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('routes')
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    // '*' is the jurisdiction's default for services without a route of their own.
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('primary_backend', 'text', (c) => c.notNull())
    .addColumn('shadow_backend', 'text')
    .addColumn('canary_backend', 'text')
    .addColumn('canary_percent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('routes_pk', ['jurisdiction_id', 'service_code'])
    .execute();

  await db.schema
    .createTable('route_changes')
    .addColumn('id', id, autoId)
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('route_changes_by_service').on('route_changes').columns(['jurisdiction_id', 'service_code', 'id']).execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', id, autoId)
    .addColumn('request_id', 'bigint', (c) => c.notNull())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('backend', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('update_id', 'bigint')
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    // When the job is next due: for a pending job its next try, for an in-flight one its lease expiry.
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('external_ref', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('delivered_at', 'bigint')
    .execute();
  await db.schema.createIndex('deliveries_due').on('deliveries').columns(['state', 'due_at']).execute();
  await db.schema.createIndex('deliveries_by_request').on('deliveries').columns(['request_id']).execute();
  await db.schema.createIndex('deliveries_by_ref').on('deliveries').columns(['backend', 'external_ref']).execute();
  await db.schema.createIndex('deliveries_by_service').on('deliveries').columns(['jurisdiction_id', 'service_code', 'created_at']).execute();

  await db.schema
    .createTable('delivery_attempts')
    .addColumn('id', id, autoId)
    .addColumn('delivery_id', 'bigint', (c) => c.notNull())
    .addColumn('worker', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('delivery_attempts_by_delivery').on('delivery_attempts').columns(['delivery_id', 'id']).execute();

  await db.schema
    .createTable('backend_events')
    .addColumn('id', id, autoId)
    .addColumn('request_id', 'bigint', (c) => c.notNull())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('backend', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('external_code', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('known', 'integer', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('backend_events_once', ['backend', 'external_id'])
    .execute();
  await db.schema.createIndex('backend_events_by_request').on('backend_events').columns(['request_id', 'id']).execute();

  await db.schema
    .createTable('relay_leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('pull_cursors')
    .addColumn('backend', 'text', (c) => c.primaryKey())
    .addColumn('cursor', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['pull_cursors', 'relay_leases', 'backend_events', 'delivery_attempts', 'deliveries', 'route_changes', 'routes', 'backends']) {
    await db.schema.dropTable(t).execute();
  }
}
