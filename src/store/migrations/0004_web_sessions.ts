import type { Kysely } from 'kysely';

/**
 * Resident web sessions: a person's answers between pages, their language
 * and the CSRF secret. Kept in the database so a restart or a second server
 * does not lose a half-finished report. `data` is JSON text; `expires_at` is
 * epoch ms, indexed so expired rows can be swept cheaply.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('web_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('web_sessions_by_expiry').on('web_sessions').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('web_sessions').execute();
}
