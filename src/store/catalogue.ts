import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { Store } from '../core/store.ts';
import { serviceFromRow, serviceToRow } from './rows.ts';

export function jurisdictionStore(db: Kysely<Database>): Store['jurisdictions'] {
  return {
    async list() {
      return db.selectFrom('jurisdictions').select(['id', 'name']).orderBy('id').execute();
    },
    async upsert(j) {
      await db
        .insertInto('jurisdictions')
        .values({ id: j.id, name: j.name, created_at: Date.now() })
        .onConflict((oc) => oc.column('id').doUpdateSet({ name: j.name }))
        .execute();
    },
  };
}

export function serviceStore(db: Kysely<Database>): Store['services'] {
  return {
    async list(jurisdictionId) {
      const rows = await db
        .selectFrom('services')
        .selectAll()
        .where('jurisdiction_id', '=', jurisdictionId)
        .orderBy('name')
        .execute();
      return rows.map(serviceFromRow);
    },
    async get(jurisdictionId, code) {
      const row = await db
        .selectFrom('services')
        .selectAll()
        .where('jurisdiction_id', '=', jurisdictionId)
        .where('code', '=', code)
        .executeTakeFirst();
      return row && serviceFromRow(row);
    },
    async upsert(service) {
      const row = serviceToRow(service, Date.now());
      const { jurisdiction_id, code, ...rest } = row;
      await db
        .insertInto('services')
        .values(row)
        .onConflict((oc) => oc.columns(['jurisdiction_id', 'code']).doUpdateSet(rest))
        .execute();
    },
  };
}
