import type { Kysely } from 'kysely';

// Council set-up without the command line (issue 12): each council's settings,
// the web addresses that serve it, the install's first-run state and set-up
// tokens, keys bound to a council and rotated with a grace period, and staff
// teams and last sign-in.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('jurisdictions').addColumn('welsh_name', 'text').execute();
  // Contact, discovery, look, emergency text, accessibility and privacy: JSON, validated by the core.
  await db.schema.alterTable('jurisdictions').addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}')).execute();
  // Bumped by every change: an edit made on a stale form is refused, not lost over another.
  await db.schema.alterTable('jurisdictions').addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  // One host serves one council: the primary key says so even when two admins save at once.
  await db.schema
    .createTable('council_hosts')
    .addColumn('host', 'text', (c) => c.primaryKey())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('council_hosts_by_council').on('council_hosts').column('jurisdiction_id').execute();
  // One row once the first council has been made on the first-run page: a second attempt at once fails on the key.
  await db.schema
    .createTable('install_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('first_council_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // Only the SHA-256 of a first-run set-up token is kept.
  await db.schema
    .createTable('setup_tokens')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('api_keys').addColumn('jurisdiction_id', 'text').execute();
  // A rotated key keeps working until then (the grace period).
  await db.schema.alterTable('api_keys').addColumn('expires_at', 'bigint').execute();
  await db.schema.alterTable('api_keys').addColumn('replaced_by', 'bigint').execute();
  // The first key of a rotation chain: a client keeps one identity (its Idempotency-Keys) across rotations.
  await db.schema.alterTable('api_keys').addColumn('family_id', 'bigint').execute();
  await db.schema.alterTable('staff_users').addColumn('last_sign_in_at', 'bigint').execute();
  await db.schema.alterTable('staff_roles').addColumn('team', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('staff_roles').dropColumn('team').execute();
  await db.schema.alterTable('staff_users').dropColumn('last_sign_in_at').execute();
  for (const c of ['family_id', 'replaced_by', 'expires_at', 'jurisdiction_id']) await db.schema.alterTable('api_keys').dropColumn(c).execute();
  await db.schema.dropTable('setup_tokens').execute();
  await db.schema.dropTable('install_state').execute();
  await db.schema.dropTable('council_hosts').execute();
  for (const c of ['version', 'settings', 'welsh_name']) await db.schema.alterTable('jurisdictions').dropColumn(c).execute();
}
