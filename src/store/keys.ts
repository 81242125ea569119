import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { ApiKey, Store } from '../core/store.ts';

const keyFromRow = (r: Selectable<Database['api_keys']>): ApiKey => ({
  id: Number(r.id),
  name: r.name,
  prefix: r.prefix,
  scope: r.scope as ApiKey['scope'],
  createdAt: new Date(Number(r.created_at)),
  revokedAt: r.revoked_at === null ? undefined : new Date(Number(r.revoked_at)),
  jurisdictionId: r.jurisdiction_id ?? undefined,
  expiresAt: r.expires_at === null || r.expires_at === undefined ? undefined : new Date(Number(r.expires_at)),
  replacedBy: r.replaced_by === null || r.replaced_by === undefined ? undefined : Number(r.replaced_by),
  familyId: Number(r.family_id ?? r.id),
});

export function apiKeyStore(db: Kysely<Database>): Store['apiKeys'] {
  return {
    async create(k) {
      const row = await db
        .insertInto('api_keys')
        .values({ name: k.name, hash: k.hash, prefix: k.prefix, scope: k.scope, jurisdiction_id: k.jurisdictionId ?? null, created_at: Date.now(), revoked_at: null })
        .returningAll()
        .executeTakeFirstOrThrow();
      return keyFromRow(row);
    },
    async findActiveByHash(hash, now = new Date()) {
      const row = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('hash', '=', hash)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now.getTime())]))
        .executeTakeFirst();
      return row && keyFromRow(row);
    },
    async get(id) {
      const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return row && keyFromRow(row);
    },
    async rotate(id, next, oldUntil, now) {
      return db.transaction().execute(async (trx) => {
        // Claim the old key first: of two rotations at once, one finds it already replaced.
        const claimed = await trx
          .updateTable('api_keys')
          .set({ replaced_by: -1 })
          .where('id', '=', id)
          .where('revoked_at', 'is', null)
          .where('replaced_by', 'is', null)
          .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now.getTime())]))
          .returningAll()
          .executeTakeFirst();
        if (!claimed) return undefined;
        const key = await trx
          .insertInto('api_keys')
          .values({ name: claimed.name, hash: next.hash, prefix: next.prefix, scope: claimed.scope, jurisdiction_id: claimed.jurisdiction_id, family_id: claimed.family_id ?? claimed.id, created_at: now.getTime(), revoked_at: null })
          .returningAll()
          .executeTakeFirstOrThrow();
        const old = await trx
          .updateTable('api_keys')
          .set(oldUntil > now ? { replaced_by: key.id, expires_at: oldUntil.getTime() } : { replaced_by: key.id, revoked_at: now.getTime() })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return { old: keyFromRow(old), key: keyFromRow(key) };
      });
    },
    async list() {
      return (await db.selectFrom('api_keys').selectAll().orderBy('id').execute()).map(keyFromRow);
    },
    async revoke(id) {
      const result = await db
        .updateTable('api_keys')
        .set({ revoked_at: Date.now() })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

export function mediaStore(db: Kysely<Database>): Store['media'] {
  return {
    async put(m) {
      await db
        .insertInto('media')
        .values({ id: m.id, content_type: m.contentType, bytes: m.bytes, created_at: Date.now() })
        .execute();
    },
    async get(id) {
      const row = await db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst();
      return row && { id: row.id, contentType: row.content_type, bytes: Buffer.from(row.bytes) };
    },
  };
}
