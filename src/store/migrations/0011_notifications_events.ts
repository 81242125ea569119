import { sql, type Kysely } from 'kysely';
import { idType, isPostgres } from './dialect.ts';

/**
 * The event log and resident notifications. Frozen: never import application code here.
 *
 * - `events`: one row per change, written in the change's own transaction. `seq`
 *   is empty when written and given afterwards, in commit order, by the
 *   sequencer (docs/decisions/0080): readers only see sequenced rows, so a
 *   reader polling `after=SEQ` never skips an event committed later.
 * - `resident_notices`: per request, how its resident may be told (language,
 *   email, texts) and the token of the "stop updates" link.
 * - `notifications`: the residents' outbox, one job per message and channel,
 *   written with the change that causes it.
 * - `event_subscriptions`: other systems' push subscriptions, each with its
 *   own cursor into `events` (the last sequence number it has received).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const id = idType(db);
  const autoId = (c: any) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable('events')
    .addColumn('id', id, autoId)
    .addColumn('seq', 'bigint', (c) => c.unique())
    .addColumn('event_id', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text')
    .addColumn('request_id', 'bigint')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .execute();
  // The sequencer's work list: small, because rows leave it as soon as they are sequenced.
  await db.schema.createIndex('events_unsequenced').on('events').column('id').where(sql.ref('seq'), 'is', null).execute();

  await db.schema
    .createTable('resident_notices')
    .addColumn('request_id', 'bigint', (c) => c.primaryKey())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('email', 'integer', (c) => c.notNull())
    .addColumn('sms', 'integer', (c) => c.notNull())
    .addColumn('stop_token', 'text', (c) => c.notNull().unique())
    .addColumn('stopped_at', 'bigint')
    .execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', id, autoId)
    .addColumn('request_id', 'bigint', (c) => c.notNull())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('update_id', 'bigint')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('sender', 'text')
    .addColumn('external_ref', 'text')
    .addColumn('last_error', 'text')
    .addColumn('receipt', 'text')
    .addColumn('receipt_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .execute();
  await db.schema.createIndex('notifications_due').on('notifications').columns(['state', 'due_at']).execute();
  await db.schema.createIndex('notifications_by_request').on('notifications').columns(['request_id']).execute();
  await db.schema.createIndex('notifications_by_ref').on('notifications').columns(['external_ref']).execute();

  await db.schema
    .createTable('event_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('types', 'text', (c) => c.notNull())
    .addColumn('councils', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('cursor', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_at', 'bigint', (c) => c.notNull())
    .addColumn('failing_since', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['event_subscriptions', 'notifications', 'resident_notices', 'events']) await db.schema.dropTable(t).execute();
}
