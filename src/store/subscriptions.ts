import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { Subscription, SubscriptionStore } from '../core/events/subscription.ts';
import { keyring as noKeys, type Keyring } from '../core/secrets.ts';

type Row = Selectable<Database['event_subscriptions']>;
const date = (v: number | null) => (v === null ? undefined : new Date(Number(v)));

const fromRow = (r: Row, keys: Keyring): Subscription => ({
  id: r.id,
  url: r.url,
  types: JSON.parse(r.types),
  councils: JSON.parse(r.councils),
  // Sealed at rest under PIPEWORK_SECRET_KEY, like back-end secrets.
  secret: keys.open(r.secret),
  state: r.state as Subscription['state'],
  cursor: Number(r.cursor),
  attempts: r.attempts,
  nextAt: new Date(Number(r.next_at)),
  failingSince: date(r.failing_since),
  lastError: r.last_error ?? undefined,
  deliveredAt: date(r.delivered_at),
  createdAt: new Date(Number(r.created_at)),
  updatedAt: new Date(Number(r.updated_at)),
});

export function subscriptionStore(db: Kysely<Database>, keys: Keyring = noKeys()): SubscriptionStore {
  const get = async (id: string) => {
    const row = await db.selectFrom('event_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && fromRow(row, keys);
  };
  return {
    async resealSecrets() {
      const rows = await db.selectFrom('event_subscriptions').select(['id', 'secret']).execute();
      for (const r of rows) await db.updateTable('event_subscriptions').set({ secret: keys.seal(keys.open(r.secret)) }).where('id', '=', r.id).execute();
      return rows.length;
    },
    get,
    async create(s) {
      const at = s.at.getTime();
      const row = await db
        .insertInto('event_subscriptions')
        .values({ id: s.id, url: s.url, types: JSON.stringify(s.types), councils: JSON.stringify(s.councils), secret: keys.seal(s.secret), state: 'validating', cursor: s.cursor, attempts: 0, next_at: at, failing_since: null, last_error: null, delivered_at: null, created_at: at, updated_at: at })
        .returningAll()
        .executeTakeFirstOrThrow();
      return fromRow(row, keys);
    },
    async list() {
      return (await db.selectFrom('event_subscriptions').selectAll().orderBy('created_at').orderBy('id').execute()).map((r) => fromRow(r, keys));
    },
    async delete(id) {
      const r = await db.deleteFrom('event_subscriptions').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    async due(now) {
      const rows = await db.selectFrom('event_subscriptions').selectAll().where('state', '!=', 'paused').where('next_at', '<=', now.getTime()).orderBy('next_at').execute();
      return rows.map((r) => fromRow(r, keys));
    },
    async update(id, c, at) {
      const set: Partial<Row> = { updated_at: at.getTime() };
      if (c.state !== undefined) set.state = c.state;
      if (c.cursor !== undefined) set.cursor = c.cursor;
      if (c.attempts !== undefined) set.attempts = c.attempts;
      if (c.nextAt !== undefined) set.next_at = c.nextAt.getTime();
      if (c.lastError !== undefined) set.last_error = c.lastError;
      if (c.deliveredAt !== undefined) set.delivered_at = c.deliveredAt.getTime();
      if (c.failingSince !== undefined) set.failing_since = c.failingSince === null ? null : c.failingSince.getTime();
      await db.updateTable('event_subscriptions').set(set).where('id', '=', id).execute();
      return get(id);
    },
  };
}
