import { sql, type Kysely } from 'kysely';
import { idType, isPostgres } from './dialect.ts';

/**
 * The staff console's last round: a case may be assigned to a team
 * (`request_assignments.team`, with `user_id` now optional: a team with
 * nobody yet), and councils keep reply templates for the public reply.
 *
 * SQLite cannot drop a NOT NULL, so `request_assignments` is rebuilt there
 * (in a transaction of its own).
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`alter table request_assignments alter column user_id drop not null`.execute(db);
    await db.schema.alterTable('request_assignments').addColumn('team', 'text').execute();
  } else {
    // Kysely runs SQLite migrations outside a transaction: the rebuild is one of its own, so a crash leaves the old table.
    await sql`begin`.execute(db);
    try {
      await rebuildAssignments(db);
      await sql`commit`.execute(db);
    } catch (err) {
      await sql`rollback`.execute(db);
      throw err;
    }
  }
  await db.schema.createIndex('request_assignments_by_team').on('request_assignments').columns(['jurisdiction_id', 'team']).execute();

  await db.schema
    .createTable('reply_templates')
    .addColumn('id', idType(db), (c) => c.primaryKey())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('body_cy', 'text')
    // JSON lists; empty: fits every service / every status.
    .addColumn('service_codes', 'text', (c) => c.notNull())
    .addColumn('statuses', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('reply_templates_name', ['jurisdiction_id', 'name'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('reply_templates').execute();
  await db.schema.dropIndex('request_assignments_by_team').execute();
  await sql`delete from request_assignments where user_id is null`.execute(db);
  await db.schema.alterTable('request_assignments').dropColumn('team').execute();
  if (isPostgres(db)) await sql`alter table request_assignments alter column user_id set not null`.execute(db);
}

/** SQLite: the table again with `user_id` optional and `team`, rows copied, index remade. */
async function rebuildAssignments(db: Kysely<any>) {
  await db.schema
    .createTable('request_assignments_new')
    .addColumn('request_id', 'bigint', (c) => c.primaryKey())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'bigint')
    .addColumn('assigned_at', 'bigint', (c) => c.notNull())
    .addColumn('team', 'text')
    .execute();
  await sql`insert into request_assignments_new (request_id, jurisdiction_id, user_id, assigned_at) select request_id, jurisdiction_id, user_id, assigned_at from request_assignments`.execute(db);
  await db.schema.dropTable('request_assignments').execute();
  await sql`alter table request_assignments_new rename to request_assignments`.execute(db);
  await db.schema.createIndex('request_assignments_by_user').on('request_assignments').columns(['jurisdiction_id', 'user_id']).execute();
}
