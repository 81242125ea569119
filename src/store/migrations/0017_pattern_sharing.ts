import type { Kysely } from 'kysely';

// Pattern sharing between installs (decisions 0120–0124): each council's
// signing key, its subscriptions to other feeds, every version seen in them
// (kept, never replaced), and what fetches refused.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('pattern_keys')
    .addColumn('jurisdiction_id', 'text', (c) => c.primaryKey())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('private_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('pattern_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('publishers', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_fetched_at', 'bigint')
    .addColumn('last_ok_at', 'bigint')
    .addColumn('last_error', 'text')
    .addUniqueConstraint('pattern_subscriptions_url', ['jurisdiction_id', 'url'])
    .execute();
  await db.schema
    .createTable('pattern_seen_versions')
    .addColumn('subscription_id', 'text', (c) => c.notNull())
    .addColumn('publisher_id', 'text', (c) => c.notNull())
    .addColumn('publisher_name', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('licence', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('running', 'integer', (c) => c.notNull())
    .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('pattern_seen_versions_pk', ['subscription_id', 'publisher_id', 'id', 'version'])
    .execute();
  await db.schema
    .createTable('pattern_feed_refusals')
    .addColumn('subscription_id', 'text', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('first_at', 'bigint', (c) => c.notNull())
    .addColumn('last_at', 'bigint', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('pattern_feed_refusals_pk', ['subscription_id', 'ref', 'reason'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['pattern_feed_refusals', 'pattern_seen_versions', 'pattern_subscriptions', 'pattern_keys']) await db.schema.dropTable(t).execute();
}
