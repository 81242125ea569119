import type { Kysely } from 'kysely';

// A client's Idempotency-Key on POST requests: a retry after a lost reply finds the first request.
// NULLs are distinct in a unique index on both dialects, so requests without a key are unaffected.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_requests').addColumn('idempotency_key', 'text').execute();
  await db.schema
    .createIndex('service_requests_idempotency')
    .on('service_requests')
    .columns(['jurisdiction_id', 'idempotency_key'])
    .unique()
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('service_requests_idempotency').execute();
  await db.schema.alterTable('service_requests').dropColumn('idempotency_key').execute();
}
