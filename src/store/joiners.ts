import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { Joiner, JoinerStore } from '../core/requests/join.ts';
import { PHONE_DIGITS } from './records.ts';
import { notificationValues } from './request-effects.ts';

const opt = (v: string | null) => (v === null ? undefined : v);
const rowId = (id: string): number | undefined => (/^[1-9]\d{0,15}$/.test(id) ? Number(id) : undefined);

const joinerFromRow = (r: Selectable<Database['request_joiners']>): Joiner => ({
  id: String(r.id),
  requestId: String(r.request_id),
  contact: { firstName: opt(r.first_name), lastName: opt(r.last_name), email: opt(r.email), phone: opt(r.phone), language: r.language === 'cy' ? 'cy' : 'en', emailUpdates: r.email_updates === 1, textUpdates: r.sms_updates === 1 },
  joinedAt: new Date(Number(r.joined_at)),
});

export function joinerStore(db: Kysely<Database>): JoinerStore {
  return {
    async join(j, closed) {
      const id = rowId(j.requestId);
      if (id === undefined) return undefined;
      return db.transaction().execute(async (trx) => {
        // The same key again (a double click, a second tab): the first join stands.
        const seen = await trx.selectFrom('request_joiners').select('request_id').where('join_key', '=', j.key).executeTakeFirst();
        if (seen) return { requestId: String(seen.request_id), joined: false };
        let open = trx.selectFrom('service_requests').select('id').where('id', '=', id).where('jurisdiction_id', '=', j.jurisdictionId).where('anonymised_at', 'is', null);
        if (closed.length) open = open.where('status', 'not in', closed);
        if (!(await open.executeTakeFirst())) return undefined;
        const at = j.at.getTime();
        const c = j.contact;
        const row = await trx
          .insertInto('request_joiners')
          .values({
            request_id: id, jurisdiction_id: j.jurisdictionId, first_name: c.firstName ?? null, last_name: c.lastName ?? null, email: c.email ?? null, phone: c.phone ?? null,
            language: j.notice.language, email_updates: j.notice.email ? 1 : 0, sms_updates: j.notice.sms ? 1 : 0, stop_token: j.notice.stopToken, stopped_at: null, join_key: j.key, joined_at: at,
          })
          // Two sends at once both pass the look-up above: the key's unique index keeps one.
          .onConflict((oc) => oc.column('join_key').doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!row) return { requestId: String(id), joined: false };
        if (j.jobs.length) await trx.insertInto('notifications').values(j.jobs.map((n) => ({ ...notificationValues(j.jurisdictionId, null, n, at), request_id: id, joiner_id: Number(row.id) }))).execute();
        return { requestId: String(id), joined: true };
      });
    },
    async of(requestId) {
      const id = rowId(requestId);
      if (id === undefined) return [];
      const rows = await db.selectFrom('request_joiners').selectAll().where('request_id', '=', id).orderBy('id').execute();
      return rows.map(joinerFromRow);
    },
    async byPerson(jurisdictionId, q) {
      if (!q.email && !q.phone) return [];
      const rows = await db.selectFrom('request_joiners').selectAll().where('jurisdiction_id', '=', jurisdictionId)
        .where((eb) => eb.or([...(q.email ? [eb(sql<string>`lower(email)`, '=', q.email)] : []), ...(q.phone ? [eb(PHONE_DIGITS, '=', q.phone)] : [])]))
        .orderBy('id').execute();
      return rows.map(joinerFromRow);
    },
    async erase(jurisdictionId, joinerIds, at) {
      const list = joinerIds.map(rowId).filter((n): n is number => n !== undefined);
      if (!list.length) return 0;
      const r = await db.updateTable('request_joiners').set({ first_name: null, last_name: null, email: null, phone: null, stopped_at: at.getTime() }).where('id', 'in', list).where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
      await db.updateTable('notifications').set({ state: 'skipped', last_error: 'the resident\'s details were erased' }).where('joiner_id', 'in', list).where('state', '=', 'pending').execute();
      return Number(r.numUpdatedRows);
    },
    async counts(requestIds) {
      const ids = requestIds.map(rowId).filter((n): n is number => n !== undefined);
      if (!ids.length) return new Map();
      const rows = await db.selectFrom('request_joiners').select('request_id').select((eb) => eb.fn.countAll<string | number>().as('n')).where('request_id', 'in', ids).groupBy('request_id').execute();
      return new Map(rows.map((r) => [String(r.request_id), Number(r.n)]));
    },
  };
}
