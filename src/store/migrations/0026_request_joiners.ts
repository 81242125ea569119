import type { Kysely } from 'kysely';
import { idType, isPostgres } from './dialect.ts';

/**
 * Residents who join an existing report ("I'm reporting this too", decision 0160).
 * Frozen: never import application code here.
 *
 * - `request_joiners`: one row per joining resident per request, with their
 *   contact details and their own notice (language, channels, stop token). The
 *   reporter's notice stays in `resident_notices`; the web's draft key is unique,
 *   so a repeated "join" writes one row.
 * - `notifications.joiner_id`: which joiner a job tells; empty for the reporter.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .createTable('request_joiners')
    .addColumn('id', idType(db), (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('request_id', 'bigint', (c) => c.notNull())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('email_updates', 'integer', (c) => c.notNull())
    .addColumn('sms_updates', 'integer', (c) => c.notNull())
    .addColumn('stop_token', 'text', (c) => c.notNull().unique())
    .addColumn('stopped_at', 'bigint')
    .addColumn('join_key', 'text', (c) => c.notNull().unique())
    .addColumn('joined_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('request_joiners_by_request').on('request_joiners').column('request_id').execute();
  await db.schema.alterTable('notifications').addColumn('joiner_id', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notifications').dropColumn('joiner_id').execute();
  await db.schema.dropTable('request_joiners').execute();
}
