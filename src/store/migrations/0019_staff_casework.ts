import { sql, type Kysely } from 'kysely';
import { idType, isPostgres } from './dialect.ts';

/**
 * The staff console's second round: a role limited to service groups
 * (`service_groups`, a JSON list; null: every service), saved views of the
 * queue per user, duplicates linked to their original, and indexes for the
 * queue's slow filters (overdue; words in the description or address).
 *
 * Words: a trigram index over description and address, so a rare word is
 * found without reading every row (SQLite: a contentless FTS5 table with the
 * trigram tokenizer, filled up to the newest row by each search and kept in
 * step on change by triggers, erasure included; PostgreSQL:
 * a pg_trgm GIN index, where the extension can be created; without it the
 * queue still works, by scanning).
 */
/** The newest request the SQLite word index holds. */
const INDEXED_UP_TO = 'coalesce((select rowid from service_requests_text order by rowid desc limit 1), 0)';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema.alterTable('staff_roles').addColumn('service_groups', 'text').execute();

  await db.schema
    .createTable('staff_saved_views')
    .addColumn('id', idType(db), (c) => c.primaryKey())
    .addColumn('user_id', 'bigint', (c) => c.notNull())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('staff_saved_views_name', ['user_id', 'jurisdiction_id', 'name'])
    .execute();

  // One original per duplicate (the primary key): marking twice cannot link it twice.
  await db.schema
    .createTable('request_duplicates')
    .addColumn('request_id', 'bigint', (c) => c.primaryKey())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('original_id', 'bigint', (c) => c.notNull())
    .addColumn('linked_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('request_duplicates_by_original').on('request_duplicates').columns(['original_id']).execute();

  // Overdue: only requests still open with a target, newest first, so "overdue" reads a short range.
  const tail = pg ? ['requested_at', 'id'] : ['requested_at'];
  await db.schema
    .createIndex('service_requests_open_targets')
    .on('service_requests')
    .columns(['jurisdiction_id', ...tail, 'expected_at'])
    .where(sql<boolean>`${sql.raw(`expected_at is not null and status not in (${['closed', 'fixed', 'duplicate', 'not_councils_responsibility', 'no_further_action', 'cancelled'].map((s) => `'${s}'`).join(', ')})`)}`)
    .execute();

  if (pg) {
    const allowed = await sql<{ ok: boolean }>`select exists (select 1 from pg_available_extensions where name = 'pg_trgm') and (select rolsuper or rolcreatedb from pg_roles where rolname = current_user) as ok`.execute(db);
    if (allowed.rows[0]?.ok) {
      await sql`create extension if not exists pg_trgm`.execute(db);
      await sql`create index service_requests_words on service_requests using gin ((lower(coalesce(description, '') || ' ' || coalesce(address, ''))) gin_trgm_ops)`.execute(db);
    }
  } else {
    const body = (r: string) => `coalesce(${r}.description, '') || ' ' || coalesce(${r}.address, '')`;
    await sql.raw(`create virtual table service_requests_text using fts5(body, tokenize = 'trigram', content = '', contentless_delete = 1)`).execute(db);
    await sql.raw(`insert into service_requests_text (rowid, body) select id, ${body('service_requests')} from service_requests`).execute(db);
    // New rows are indexed by the search that first needs them (src/store/staff-queue.ts), not by the insert: a
    // report's commit does not pay for the index. A changed row is indexed again only if it was indexed already.
    await sql.raw(`create trigger service_requests_text_update after update of description, address on service_requests when old.id <= ${INDEXED_UP_TO} begin delete from service_requests_text where rowid = old.id; insert into service_requests_text (rowid, body) values (new.id, ${body('new')}); end`).execute(db);
    await sql.raw(`create trigger service_requests_text_delete after delete on service_requests begin delete from service_requests_text where rowid = old.id; end`).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) await sql`drop index if exists service_requests_words`.execute(db);
  else {
    for (const t of ['update', 'delete']) await sql.raw(`drop trigger if exists service_requests_text_${t}`).execute(db);
    await sql.raw('drop table if exists service_requests_text').execute(db);
  }
  await db.schema.dropIndex('service_requests_open_targets').execute();
  await db.schema.dropTable('request_duplicates').execute();
  await db.schema.dropTable('staff_saved_views').execute();
  await db.schema.alterTable('staff_roles').dropColumn('service_groups').execute();
}
