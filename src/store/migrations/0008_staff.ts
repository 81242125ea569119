import { sql, type Kysely } from 'kysely';
import { idType, isPostgres } from './dialect.ts';

/**
 * The staff console (src/staff/): staff users and their roles per council,
 * database sessions, the append-only audit log, who each request is assigned
 * to, and the `internal` mark on request updates (internal notes, never shown
 * to residents or Open311 clients). Times are epoch ms.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('staff_users')
    .addColumn('id', idType(db), (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('totp_secret', 'text')
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'bigint')
    .addColumn('setup_token_hash', 'text', (c) => c.unique())
    .addColumn('setup_expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('disabled_at', 'bigint')
    .execute();

  await db.schema
    .createTable('staff_roles')
    .addColumn('user_id', 'bigint', (c) => c.notNull())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('granted_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('staff_roles_pk', ['user_id', 'jurisdiction_id'])
    .execute();
  await db.schema.createIndex('staff_roles_by_council').on('staff_roles').columns(['jurisdiction_id', 'role']).execute();

  // The id is the SHA-256 of the cookie's token: a copy of the table signs no one in.
  await db.schema
    .createTable('staff_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'bigint')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('staff_sessions_by_expiry').on('staff_sessions').column('expires_at').execute();
  await db.schema.createIndex('staff_sessions_by_user').on('staff_sessions').column('user_id').execute();

  await db.schema
    .createTable('staff_audit')
    .addColumn('id', idType(db), (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('jurisdiction_id', 'text')
    .addColumn('user_id', 'bigint')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('request_id', 'bigint')
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .addColumn('reason', 'text')
    .execute();
  await db.schema.createIndex('staff_audit_by_council').on('staff_audit').columns(['jurisdiction_id', 'id']).execute();
  await db.schema.createIndex('staff_audit_by_request').on('staff_audit').columns(['request_id', 'id']).execute();

  // Append-only in the database itself, not only in the code that writes it.
  if (isPostgres(db)) {
    await sql`create function staff_audit_append_only() returns trigger language plpgsql as $$ begin raise exception 'staff_audit is append-only'; end $$`.execute(db);
    await sql`create trigger staff_audit_no_change before update or delete on staff_audit for each row execute function staff_audit_append_only()`.execute(db);
  } else {
    await sql`create trigger staff_audit_no_update before update on staff_audit begin select raise(abort, 'staff_audit is append-only'); end`.execute(db);
    await sql`create trigger staff_audit_no_delete before delete on staff_audit begin select raise(abort, 'staff_audit is append-only'); end`.execute(db);
  }

  await db.schema
    .createTable('request_assignments')
    .addColumn('request_id', 'bigint', (c) => c.primaryKey())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'bigint', (c) => c.notNull())
    .addColumn('assigned_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('request_assignments_by_user').on('request_assignments').columns(['jurisdiction_id', 'user_id']).execute();

  await db.schema.alterTable('request_updates').addColumn('internal', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('request_updates').dropColumn('internal').execute();
  await db.schema.dropTable('request_assignments').execute();
  await db.schema.dropTable('staff_audit').execute();
  if (isPostgres(db)) await sql`drop function if exists staff_audit_append_only()`.execute(db);
  await db.schema.dropTable('staff_sessions').execute();
  await db.schema.dropTable('staff_roles').execute();
  await db.schema.dropTable('staff_users').execute();
}
