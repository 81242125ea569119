import type { Kysely } from 'kysely';
import { idType, isPostgres } from './dialect.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const id = idType(db);
  const autoId = (c: any) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable('jurisdictions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('services')
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull().references('jurisdictions.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('groups', 'text', (c) => c.notNull())
    .addColumn('keywords', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('lgsl_code', 'integer')
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('agency_responsible', 'text')
    .addColumn('service_notice', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('services_pk', ['jurisdiction_id', 'code'])
    .execute();

  await db.schema
    .createTable('service_requests')
    .addColumn('id', id, autoId)
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_notes', 'text')
    .addColumn('description', 'text')
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addColumn('lat', 'double precision')
    .addColumn('long', 'double precision')
    .addColumn('address', 'text')
    .addColumn('address_id', 'text')
    .addColumn('zipcode', 'text')
    .addColumn('uprn', 'text')
    .addColumn('easting', 'double precision')
    .addColumn('northing', 'double precision')
    .addColumn('account_id', 'text')
    .addColumn('device_id', 'text')
    .addColumn('media_urls', 'text', (c) => c.notNull())
    .addColumn('agency_responsible', 'text')
    .addColumn('service_notice', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('expected_at', 'bigint')
    .execute();
  // The default listing is "newest first within a date window"; filters narrow it.
  await db.schema
    .createIndex('service_requests_by_time')
    .on('service_requests')
    .columns(['jurisdiction_id', 'requested_at'])
    .execute();
  await db.schema
    .createIndex('service_requests_by_service')
    .on('service_requests')
    .columns(['jurisdiction_id', 'service_code', 'requested_at'])
    .execute();

  await db.schema
    .createTable('request_contacts')
    .addColumn('request_id', 'bigint', (c) => c.primaryKey())
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .execute();

  await db.schema
    .createTable('request_updates')
    .addColumn('id', id, autoId)
    .addColumn('request_id', 'bigint', (c) => c.notNull())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('media_urls', 'text', (c) => c.notNull())
    .addColumn('external_status_code', 'text')
    .addColumn('external_id', 'text')
    .addColumn('author_kind', 'text', (c) => c.notNull())
    .addColumn('contact', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('request_updates_by_request').on('request_updates').columns(['request_id', 'id']).execute();
  await db.schema
    .createIndex('request_updates_by_time')
    .on('request_updates')
    .columns(['jurisdiction_id', 'updated_at'])
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', id, autoId)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull().defaultTo('client'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();

  await db.schema
    .createTable('media')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('bytes', pg ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['media', 'api_keys', 'request_updates', 'request_contacts', 'service_requests', 'services', 'jurisdictions']) {
    await db.schema.dropTable(t).execute();
  }
}
