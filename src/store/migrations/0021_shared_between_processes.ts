import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.ts';

// What several Pipework processes (PIPEWORK_WORKERS, or several machines) must share on PostgreSQL:
// rate-limit windows counted in the database, and a notice on every catalogue change so each
// process's cache of councils, services, routes and back-ends is cleared at once (decision 0140).
const CATALOGUE = ['jurisdictions', 'services', 'routes', 'backends'];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rate_limit_windows')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_limit_windows_start').on('rate_limit_windows').column('window_start').execute();
  if (!isPostgres(db)) return;
  await sql`CREATE FUNCTION pipework_catalogue_changed() RETURNS trigger AS $$
    BEGIN PERFORM pg_notify('pipework_catalogue', TG_TABLE_NAME); RETURN NULL; END $$ LANGUAGE plpgsql`.execute(db);
  for (const table of CATALOGUE) {
    await sql`CREATE TRIGGER ${sql.raw(`${table}_changed`)} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${sql.table(table)}
      FOR EACH STATEMENT EXECUTE FUNCTION pipework_catalogue_changed()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    for (const table of CATALOGUE) await sql`DROP TRIGGER ${sql.raw(`${table}_changed`)} ON ${sql.table(table)}`.execute(db);
    await sql`DROP FUNCTION pipework_catalogue_changed()`.execute(db);
  }
  await db.schema.dropTable('rate_limit_windows').execute();
}
