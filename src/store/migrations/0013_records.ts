import { sql, type Kysely } from 'kysely';
import { idType } from './dialect.ts';

// Records (UK GDPR): legal holds and what retention has done to each request,
// each retention run, and subject-access and erasure requests with their due dates.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_requests').addColumn('legal_hold', 'text').execute();
  await db.schema.alterTable('service_requests').addColumn('contact_erased_at', 'bigint').execute();
  await db.schema.alterTable('service_requests').addColumn('anonymised_at', 'bigint').execute();
  await db.schema
    .createTable('retention_runs')
    .addColumn('id', idType(db), (c) => c.primaryKey())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('access_requests')
    .addColumn('id', idType(db), (c) => c.primaryKey())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('request_ids', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('request_contacts_email').on('request_contacts').expression(sql`lower(email)`).execute();
  await db.schema.createIndex('request_contacts_phone').on('request_contacts').expression(sql`replace(replace(replace(replace(phone, ' ', ''), '-', ''), '(', ''), ')', '')`).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('request_contacts_phone').execute();
  await db.schema.dropIndex('request_contacts_email').execute();
  await db.schema.dropTable('access_requests').execute();
  await db.schema.dropTable('retention_runs').execute();
  for (const c of ['anonymised_at', 'contact_erased_at', 'legal_hold']) await db.schema.alterTable('service_requests').dropColumn(c).execute();
}
