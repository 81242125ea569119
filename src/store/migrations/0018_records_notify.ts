import { type Kysely } from 'kysely';
import { idType } from './dialect.ts';

// Erasure sent on (each back-end's and subscriber's acknowledgement of an
// erasure), a council's own retention rule for a service, and the council's
// own words for residents' messages, per service and language.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('erasure_acks')
    .addColumn('id', idType(db), (c) => c.primaryKey())
    .addColumn('access_id', 'bigint', (c) => c.notNull())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('delivery_id', 'bigint')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('acked_at', 'bigint')
    .execute();
  await db.schema.createIndex('erasure_acks_target').on('erasure_acks').columns(['access_id', 'target', 'name', 'request_id']).unique().execute();
  await db.schema.createIndex('erasure_acks_delivery').on('erasure_acks').column('delivery_id').execute();
  await db.schema
    .createTable('retention_overrides')
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('contact_after_closure', 'text')
    .addColumn('anonymise_after_closure', 'text')
    .addColumn('reason', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('retention_overrides_pk', ['jurisdiction_id', 'service_code'])
    .execute();
  await db.schema
    .createTable('notification_templates')
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    // '' for every service of the council.
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_templates_pk', ['jurisdiction_id', 'service_code', 'kind', 'channel', 'language'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notification_templates').execute();
  await db.schema.dropTable('retention_overrides').execute();
  await db.schema.dropTable('erasure_acks').execute();
}
