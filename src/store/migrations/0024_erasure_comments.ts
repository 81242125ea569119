import { type Kysely } from 'kysely';

// An erasure also reaches the back-ends that were sent the person's comments on
// other people's reports: one acknowledgement per comment, so the comment's id
// joins the key ('' for an acknowledgement about a whole request).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('erasure_acks').addColumn('update_id', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.dropIndex('erasure_acks_target').execute();
  await db.schema.createIndex('erasure_acks_target').on('erasure_acks').columns(['access_id', 'target', 'name', 'request_id', 'update_id']).unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('erasure_acks_target').execute();
  await db.deleteFrom('erasure_acks').where('update_id', '!=', '').execute();
  await db.schema.createIndex('erasure_acks_target').on('erasure_acks').columns(['access_id', 'target', 'name', 'request_id']).unique().execute();
  await db.schema.alterTable('erasure_acks').dropColumn('update_id').execute();
}
