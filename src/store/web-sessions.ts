import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { Store } from '../core/store.ts';

/** Resident web sessions (migration 0004): JSON text by random id, with an expiry. */
export function webSessionStore(db: Kysely<Database>): Store['webSessions'] {
  return {
    async get(id) {
      const row = await db
        .selectFrom('web_sessions')
        .select(['data', 'expires_at'])
        .where('id', '=', id)
        .where('expires_at', '>', Date.now())
        .executeTakeFirst();
      return row && { data: JSON.parse(row.data) as Record<string, unknown>, expiresAt: new Date(row.expires_at) };
    },
    async put(id, data, expiresAt) {
      const values = { id, data: JSON.stringify(data), expires_at: expiresAt.getTime() };
      await db
        .insertInto('web_sessions')
        .values(values)
        .onConflict((oc) => oc.column('id').doUpdateSet({ data: values.data, expires_at: values.expires_at }))
        .execute();
    },
    async delete(id) {
      await db.deleteFrom('web_sessions').where('id', '=', id).execute();
    },
    async purgeExpired(now = new Date()) {
      const result = await db.deleteFrom('web_sessions').where('expires_at', '<=', now.getTime()).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
