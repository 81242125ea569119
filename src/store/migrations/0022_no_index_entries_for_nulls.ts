import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.ts';

// Unique indexes over columns that are NULL on most new rows become partial (WHERE … IS NOT NULL),
// so an Open311 POST without a token, an idempotency key or an event number writes no index
// entry for them (decision 0141). NULLs were never compared for uniqueness, so the guarantee is the
// same; every lookup (`col = $1`, `seq > $1`, max(seq)) implies IS NOT NULL and still uses the index.
// On SQLite, token and seq are column constraints (not droppable without rebuilding the table): only the idempotency index changes there.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('service_requests_idempotency_by_client').execute();
  await db.schema
    .createIndex('service_requests_idempotency_by_client')
    .on('service_requests')
    .columns(['jurisdiction_id', 'idempotency_client', 'idempotency_key'])
    .unique()
    .where(sql.ref('idempotency_key'), 'is not', null)
    .execute();
  if (!isPostgres(db)) return;
  await sql`ALTER TABLE service_requests DROP CONSTRAINT service_requests_token_key`.execute(db);
  await sql`CREATE UNIQUE INDEX service_requests_token ON service_requests (token) WHERE token IS NOT NULL`.execute(db);
  await sql`ALTER TABLE events DROP CONSTRAINT events_seq_key`.execute(db);
  await sql`CREATE UNIQUE INDEX events_seq ON events (seq) WHERE seq IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('service_requests_idempotency_by_client').execute();
  await db.schema
    .createIndex('service_requests_idempotency_by_client')
    .on('service_requests')
    .columns(['jurisdiction_id', 'idempotency_client', 'idempotency_key'])
    .unique()
    .execute();
  if (!isPostgres(db)) return;
  await sql`DROP INDEX service_requests_token`.execute(db);
  await sql`ALTER TABLE service_requests ADD CONSTRAINT service_requests_token_key UNIQUE (token)`.execute(db);
  await sql`DROP INDEX events_seq`.execute(db);
  await sql`ALTER TABLE events ADD CONSTRAINT events_seq_key UNIQUE (seq)`.execute(db);
}
