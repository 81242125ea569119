import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.ts';
import type { AccessRequest, RecordsStore } from '../core/records/port.ts';
import { updateFromRow } from './rows.ts';

const ids = (list: string[]) => list.map(Number).filter((n) => Number.isSafeInteger(n) && n > 0);
/** `/media/ID` (or a full URL ending so) → ID. */
const mediaId = (url: string) => /\/media\/([\w.-]+)$/.exec(url)?.[1];
const round = (v: number | null, step: number) => (v === null ? null : Number((Math.round(v / step) * step).toFixed(Math.max(0, -Math.floor(Math.log10(step))))));
/** Phone numbers as people write them ("07700 900123", "(01632) 960-001") compare by their digits. */
export const PHONE_DIGITS = sql<string>`replace(replace(replace(replace(phone, ' ', ''), '-', ''), '(', ''), ')', '')`;

async function eraseContactIn(trx: Transaction<Database>, jurisdictionId: string, list: number[], at: number): Promise<number> {
  if (!list.length) return 0;
  await trx.deleteFrom('request_contacts').where('request_id', 'in', (eb) => eb.selectFrom('service_requests').select('id').where('id', 'in', list).where('jurisdiction_id', '=', jurisdictionId)).execute();
  await trx.updateTable('request_updates').set({ contact: '{}' }).where('request_id', 'in', list).where('jurisdiction_id', '=', jurisdictionId).execute();
  // Residents who joined the report (decision 0160) lose their details with the reporter's; they stay counted, and are told nothing more.
  await trx.updateTable('request_joiners').set({ first_name: null, last_name: null, email: null, phone: null, stopped_at: at }).where('request_id', 'in', list).where('jurisdiction_id', '=', jurisdictionId).execute();
  const r = await trx
    .updateTable('service_requests')
    .set({ contact_erased_at: at, account_id: null, device_id: null })
    .where('id', 'in', list)
    .where('jurisdiction_id', '=', jurisdictionId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function recordsStore(db: Kysely<Database>): RecordsStore {
  return {
    async due(q) {
      const done = q.stage === 'contact' ? 'contact_erased_at' : 'anonymised_at';
      const rows = await db
        .selectFrom('service_requests')
        .select('id')
        .where('jurisdiction_id', '=', q.jurisdictionId)
        .where('service_code', '=', q.serviceCode)
        .where('status', 'in', q.statuses.length ? q.statuses : ['-'])
        .where('updated_at', '<', q.before.getTime())
        .where('legal_hold', 'is', null)
        .where(done, 'is', null)
        .orderBy('id')
        .limit(q.limit)
        .execute();
      return rows.map((r) => String(r.id));
    },

    eraseContact: (jurisdictionId, list, at) => db.transaction().execute((trx) => eraseContactIn(trx, jurisdictionId, ids(list), at.getTime())),

    async anonymise(jurisdictionId, list, keepAnswers, at) {
      const wanted = ids(list);
      if (!wanted.length) return 0;
      return db.transaction().execute(async (trx) => {
        await eraseContactIn(trx, jurisdictionId, wanted, at.getTime());
        const rows = await trx.selectFrom('service_requests').selectAll().where('id', 'in', wanted).where('jurisdiction_id', '=', jurisdictionId).execute();
        const updates = await trx.selectFrom('request_updates').select(['media_urls']).where('request_id', 'in', wanted).execute();
        const media = [...rows, ...updates].flatMap((r) => (JSON.parse(r.media_urls) as string[]).map(mediaId)).filter((m): m is string => !!m);
        for (let i = 0; i < media.length; i += 500) await trx.deleteFrom('media').where('id', 'in', media.slice(i, i + 500)).execute();
        for (const r of rows) {
          const keep = keepAnswers(r.service_code);
          const answers = Object.fromEntries(Object.entries(JSON.parse(r.attributes) as Record<string, unknown>).filter(([code]) => keep.has(code)));
          await trx
            .updateTable('service_requests')
            .set({
              description: null,
              status_notes: null,
              attributes: JSON.stringify(answers),
              media_urls: '[]',
              address: null,
              address_id: null,
              zipcode: null,
              uprn: null,
              // About 100 m: enough for statistics by area, not enough to find a house.
              lat: round(r.lat, 0.001),
              long: round(r.long, 0.001),
              easting: round(r.easting, 100),
              northing: round(r.northing, 100),
              anonymised_at: at.getTime(),
            })
            .where('id', '=', r.id)
            .execute();
        }
        await trx.updateTable('request_updates').set({ description: '', media_urls: '[]' }).where('request_id', 'in', wanted).where('jurisdiction_id', '=', jurisdictionId).execute();
        return rows.length;
      });
    },

    async setHold(jurisdictionId, id, reason) {
      const [n] = ids([id]);
      if (!n) return false;
      const r = await db.updateTable('service_requests').set({ legal_hold: reason ?? null }).where('id', '=', n).where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async findPerson(jurisdictionId, q) {
      const byContact = await db
        .selectFrom('request_contacts')
        .innerJoin('service_requests', 'service_requests.id', 'request_contacts.request_id')
        .select('service_requests.id')
        .where('service_requests.jurisdiction_id', '=', jurisdictionId)
        .where((eb) => eb.or([...(q.email ? [eb(sql<string>`lower(email)`, '=', q.email)] : []), ...(q.phone ? [eb(PHONE_DIGITS, '=', q.phone)] : [])]))
        .orderBy('service_requests.id')
        .execute();
      return byContact.map((r) => String(r.id));
    },

    async commentsBy(jurisdictionId, q) {
      // The contact is JSON on the update: narrow with LIKE, then compare exactly.
      const needle = (q.email ?? q.phone!).replace(/[%_\\]/g, '');
      const rows = await db
        .selectFrom('request_updates')
        .selectAll()
        .where('jurisdiction_id', '=', jurisdictionId)
        .where('contact', '!=', '{}')
        .where(sql<string>`lower(contact)`, 'like', `%${needle.toLowerCase()}%`)
        .orderBy('id')
        .execute();
      return rows.map(updateFromRow).filter((u) => (q.email && u.contact.email?.trim().toLowerCase() === q.email) || (q.phone && u.contact.phone?.replace(/[^\d+]/g, '') === q.phone));
    },

    async eraseComments(jurisdictionId, updateIds) {
      const list = ids(updateIds);
      if (!list.length) return 0;
      const r = await db.updateTable('request_updates').set({ description: '', media_urls: '[]', contact: '{}' }).where('id', 'in', list).where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    async recordAccess(r) {
      const row = await db
        .insertInto('access_requests')
        .values({
          jurisdiction_id: r.jurisdictionId,
          kind: r.kind,
          email: r.email ?? null,
          phone: r.phone ?? null,
          request_ids: JSON.stringify(r.requestIds),
          received_at: r.receivedAt.getTime(),
          due_at: r.dueAt.getTime(),
          by: r.by,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { ...r, id: String(row.id) };
    },

    async accessRequests(jurisdictionId) {
      const rows = await db.selectFrom('access_requests').selectAll().where('jurisdiction_id', '=', jurisdictionId).orderBy('id', 'desc').execute();
      return rows.map(
        (r): AccessRequest => ({
          id: String(r.id),
          jurisdictionId: r.jurisdiction_id,
          kind: r.kind as AccessRequest['kind'],
          email: r.email ?? undefined,
          phone: r.phone ?? undefined,
          requestIds: JSON.parse(r.request_ids),
          receivedAt: new Date(r.received_at),
          dueAt: new Date(r.due_at),
          by: r.by,
        }),
      );
    },

    async logRun(run) {
      await db
        .insertInto('retention_runs')
        .values({ jurisdiction_id: run.jurisdictionId, started_at: run.startedAt.getTime(), finished_at: run.finishedAt.getTime(), dry_run: run.dryRun ? 1 : 0, summary: JSON.stringify(run.summary) })
        .execute();
    },
  };
}
