import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { ApiKey, Store } from '../core/store.ts';

const keyFromRow = (r: Selectable<Database['api_keys']>): ApiKey => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  scope: r.scope as ApiKey['scope'],
  createdAt: new Date(r.created_at),
  revokedAt: r.revoked_at === null ? undefined : new Date(r.revoked_at),
});

export function apiKeyStore(db: Kysely<Database>): Store['apiKeys'] {
  return {
    async create(name, hash, prefix, scope) {
      const row = await db
        .insertInto('api_keys')
        .values({ name, hash, prefix, scope, created_at: Date.now(), revoked_at: null })
        .returningAll()
        .executeTakeFirstOrThrow();
      return keyFromRow(row);
    },
    async findActiveByHash(hash) {
      const row = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('hash', '=', hash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return row && keyFromRow(row);
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
