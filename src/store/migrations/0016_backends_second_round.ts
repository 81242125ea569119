import type { Kysely } from 'kysely';
import { idType } from './dialect.ts';

/**
 * Back-ends, second round (issue 14). Frozen: never import application code here.
 *
 * - `deliveries.note`: what was off about a delivery that still succeeded (a non-spec reply,
 *   a reference not yet known, a case adopted after a lookup, a comment kept in Pipework).
 * - `deliveries.suspect_duplicate`: 1 when the upstream may hold two cases for this request.
 * - `deliveries.checked_at`: when a pulling back-end last read this request's status (null: never),
 *   so each pull takes the least recently checked first and none starves.
 * - `open_moves` / `open_move_items`: `routes move-open`, one row per open case, so a move
 *   killed half-way resumes where it stopped.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('deliveries').addColumn('note', 'text').execute();
  await db.schema.alterTable('deliveries').addColumn('suspect_duplicate', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('deliveries').addColumn('checked_at', 'bigint').execute();
  await db.schema.createIndex('deliveries_by_check').on('deliveries').columns(['backend', 'kind', 'checked_at']).execute();

  await db.schema
    .createTable('open_moves')
    .addColumn('id', idType(db), (c) => c.primaryKey())
    .addColumn('jurisdiction_id', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('to_backend', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema
    .createTable('open_move_items')
    .addColumn('move_id', 'bigint', (c) => c.notNull())
    .addColumn('request_id', 'bigint', (c) => c.notNull())
    .addColumn('from_backend', 'text', (c) => c.notNull())
    .addColumn('from_delivery_id', 'bigint', (c) => c.notNull())
    // pending → moved | failed (a failed one is tried again when the move is resumed)
    .addColumn('state', 'text', (c) => c.notNull())
    // Counted before each send: a move resumed after a crash knows the case may have arrived already.
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('new_delivery_id', 'bigint')
    .addColumn('error', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('open_move_items_pk', ['move_id', 'request_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('open_move_items').execute();
  await db.schema.dropTable('open_moves').execute();
  await db.schema.dropIndex('deliveries_by_check').execute();
  for (const c of ['checked_at', 'suspect_duplicate', 'note']) await db.schema.alterTable('deliveries').dropColumn(c).execute();
}
