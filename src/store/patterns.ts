import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { PatternStore, StoredPattern } from '../core/patterns/stored.ts';
import { updateFromRow } from './rows.ts';

const fromRow = (r: Selectable<Database['service_patterns']>): StoredPattern => ({
  jurisdictionId: r.jurisdiction_id,
  id: r.id,
  version: r.version,
  lifecycle: r.lifecycle as StoredPattern['lifecycle'],
  document: JSON.parse(r.document),
  createdAt: new Date(r.created_at),
  publishedAt: r.published_at === null ? undefined : new Date(r.published_at),
});

export function patternStore(db: Kysely<Database>): PatternStore {
  return {
    async get(jurisdictionId, id, version) {
      const row = await db
        .selectFrom('service_patterns')
        .selectAll()
        .where('jurisdiction_id', '=', jurisdictionId)
        .where('id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst();
      return row && fromRow(row);
    },
    async versions(jurisdictionId, id) {
      const rows = await db.selectFrom('service_patterns').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('id', '=', id).execute();
      return rows.map(fromRow);
    },
    async list(jurisdictionId) {
      const rows = await db.selectFrom('service_patterns').selectAll().where('jurisdiction_id', '=', jurisdictionId).orderBy('id').execute();
      return rows.map(fromRow);
    },
    async save(p) {
      const row = {
        jurisdiction_id: p.jurisdictionId,
        id: p.id,
        version: p.version,
        lifecycle: p.lifecycle,
        name: p.document.name,
        document: JSON.stringify(p.document),
        created_at: p.createdAt.getTime(),
        published_at: p.publishedAt?.getTime() ?? null,
      };
      await db
        .insertInto('service_patterns')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['jurisdiction_id', 'id', 'version']).doUpdateSet({ lifecycle: row.lifecycle, name: row.name, document: row.document, published_at: row.published_at }),
        )
        .execute();
    },
    async flaggedUpdates(jurisdictionId, limit) {
      const rows = await db
        .selectFrom('request_updates')
        .selectAll()
        .where('jurisdiction_id', '=', jurisdictionId)
        .where('flag', 'is not', null)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(updateFromRow);
    },
  };
}
