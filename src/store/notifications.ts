import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from './schema.ts';
import type { ClaimedNotification, Notification, NotificationStore, ResidentNotice } from '../core/notifications/notification.ts';
import { requestFromRow, updateFromRow } from './rows.ts';

type Row = Selectable<Database['notifications']>;
const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);
const rowId = (id: string): number | undefined => (/^[1-9]\d{0,15}$/.test(id) ? Number(id) : undefined);
const date = (v: number | null) => (v === null ? undefined : new Date(Number(v)));

export const noticeFromRow = (r: Selectable<Database['resident_notices']>): ResidentNotice => ({
  requestId: String(r.request_id),
  language: r.language === 'cy' ? 'cy' : 'en',
  email: r.email === 1,
  sms: r.sms === 1,
  stopToken: r.stop_token,
  stoppedAt: date(r.stopped_at),
});

/** A joiner's own notice (decision 0160): like the reporter's, on their row. */
export const joinerNotice = (r: Selectable<Database['request_joiners']>): ResidentNotice => ({
  requestId: String(r.request_id),
  language: r.language === 'cy' ? 'cy' : 'en',
  email: r.email_updates === 1,
  sms: r.sms_updates === 1,
  stopToken: r.stop_token,
  stoppedAt: date(r.stopped_at),
});

export const notificationFromRow = (r: Row): Notification => ({
  id: String(r.id),
  requestId: String(r.request_id),
  jurisdictionId: r.jurisdiction_id,
  updateId: r.update_id === null ? undefined : String(r.update_id),
  kind: r.kind as Notification['kind'],
  channel: r.channel as Notification['channel'],
  idempotencyKey: r.idempotency_key,
  state: r.state as Notification['state'],
  attempts: r.attempts,
  dueAt: new Date(Number(r.due_at)),
  sender: opt(r.sender),
  externalRef: opt(r.external_ref),
  lastError: opt(r.last_error),
  receipt: opt(r.receipt),
  receiptAt: date(r.receipt_at),
  createdAt: new Date(Number(r.created_at)),
  sentAt: date(r.sent_at),
});

/** Longest error text kept per job: an SMTP server's reply can be long. */
const MAX_ERROR = 1000;

/** A joiner's stop link stops only that joiner's messages; the reporter's and other joiners' go on. */
async function stopJoiner(trx: Transaction<Database>, token: string, at: Date) {
  const j = await trx.selectFrom('request_joiners').select(['id', 'stopped_at']).where('stop_token', '=', token).executeTakeFirst();
  if (!j) return false;
  if (j.stopped_at === null) await trx.updateTable('request_joiners').set({ stopped_at: at.getTime() }).where('id', '=', j.id).execute();
  await trx.updateTable('notifications').set({ state: 'skipped', last_error: 'the resident stopped updates for this report' }).where('joiner_id', '=', Number(j.id)).where('state', '=', 'pending').execute();
  return true;
}

export function notificationStore(db: Kysely<Database>, dialect: 'sqlite' | 'postgres'): NotificationStore {
  async function hydrate(rows: Row[]): Promise<ClaimedNotification[]> {
    if (!rows.length) return [];
    const ids = [...new Set(rows.map((r) => r.request_id))];
    const updateIds = rows.flatMap((r) => (r.update_id === null ? [] : [r.update_id]));
    const joinerIds = rows.flatMap((r) => (r.joiner_id == null ? [] : [Number(r.joiner_id)]));
    const [requests, contacts, notices, updates, duplicates, joiners] = await Promise.all([
      db.selectFrom('service_requests').selectAll().where('id', 'in', ids).execute(),
      db.selectFrom('request_contacts').selectAll().where('request_id', 'in', ids).execute(),
      db.selectFrom('resident_notices').selectAll().where('request_id', 'in', ids).execute(),
      updateIds.length ? db.selectFrom('request_updates').selectAll().where('id', 'in', updateIds).execute() : Promise.resolve([]),
      rows.some((r) => r.kind === 'merged') ? db.selectFrom('request_duplicates').select(['request_id', 'original_id']).where('request_id', 'in', ids).execute() : Promise.resolve([]),
      joinerIds.length ? db.selectFrom('request_joiners').selectAll().where('id', 'in', joinerIds).execute() : Promise.resolve([]),
    ]);
    const out: ClaimedNotification[] = [];
    for (const r of rows) {
      const req = requests.find((x) => x.id === r.request_id);
      // A joiner's job goes to the joiner, with their own notice and stop link.
      const joiner = r.joiner_id == null ? undefined : joiners.find((j) => Number(j.id) === Number(r.joiner_id));
      const reporters = notices.find((x) => x.request_id === r.request_id);
      const notice = joiner ? joinerNotice(joiner) : reporters && noticeFromRow(reporters);
      if (!req || !notice) continue; // cannot happen: jobs are written with their request and notice
      const c = joiner ?? contacts.find((x) => x.request_id === r.request_id);
      const u = r.update_id === null ? undefined : updates.find((x) => x.id === r.update_id);
      out.push({
        ...notificationFromRow(r),
        request: requestFromRow(req),
        contact: { firstName: opt(c?.first_name ?? null), lastName: opt(c?.last_name ?? null), email: opt(c?.email ?? null), phone: opt(c?.phone ?? null), language: notice.language },
        notice,
        update: u && updateFromRow(u),
        ...(r.kind === 'merged' ? { duplicateOf: String(duplicates.find((d) => Number(d.request_id) === Number(r.request_id))?.original_id ?? '') || undefined } : {}),
      });
    }
    return out;
  }

  return {
    async claim({ worker, limit, leaseMs, now = Date.now() }) {
      const rows = await db
        .updateTable('notifications')
        .set((eb) => ({ state: 'in_flight', attempts: eb('attempts', '+', 1), due_at: now + leaseMs, locked_by: worker }))
        .where('id', 'in', (eb) => {
          const q = eb.selectFrom('notifications').select('id').where('state', 'in', ['pending', 'in_flight']).where('due_at', '<=', now).orderBy('due_at').limit(limit);
          // PostgreSQL: two senders never take the same job; SQLite has one writer and a sender lease.
          return dialect === 'postgres' ? q.forUpdate().skipLocked() : q;
        })
        .returningAll()
        .execute();
      return hydrate(rows.sort((a, b) => a.id - b.id));
    },

    async complete(worker, outcomes) {
      if (!outcomes.length) return;
      await db.transaction().execute(async (trx) => {
        for (const o of outcomes) {
          const error = o.error ? o.error.slice(0, MAX_ERROR) : null;
          const set =
            o.outcome === 'sent'
              ? { state: 'sent', sent_at: o.at, sender: o.sender ?? null, external_ref: o.externalRef ?? null, last_error: null, locked_by: null }
              : o.outcome === 'retry'
                ? { state: 'pending', due_at: o.retryAt ?? o.at, sender: o.sender ?? null, last_error: error, locked_by: null }
                : { state: o.outcome, sender: o.sender ?? null, last_error: error, locked_by: null };
          // A job whose lease ran out and that another sender took is left to that sender.
          await trx.updateTable('notifications').set(set).where('id', '=', Number(o.notificationId)).where('locked_by', '=', worker).where('state', '=', 'in_flight').execute();
        }
      });
    },

    async forRequest(requestId) {
      const n = rowId(requestId);
      if (n === undefined) return [];
      return (await db.selectFrom('notifications').selectAll().where('request_id', '=', n).orderBy('id').execute()).map(notificationFromRow);
    },

    async list(f) {
      let q = db.selectFrom('notifications').selectAll();
      if (f.state) q = q.where('state', '=', f.state);
      if (f.requestId !== undefined) q = q.where('request_id', '=', rowId(f.requestId) ?? -1);
      return (await q.orderBy('id', 'desc').limit(f.limit).execute()).map(notificationFromRow);
    },

    async noticeByToken(token) {
      const row = await db
        .selectFrom('resident_notices')
        .innerJoin('service_requests', 'service_requests.id', 'resident_notices.request_id')
        .selectAll('resident_notices')
        .select('service_requests.jurisdiction_id')
        .where('stop_token', '=', token)
        .executeTakeFirst();
      if (row) return { ...noticeFromRow(row), jurisdictionId: row.jurisdiction_id };
      const joiner = await db.selectFrom('request_joiners').selectAll().where('stop_token', '=', token).executeTakeFirst();
      return joiner && { ...joinerNotice(joiner), jurisdictionId: joiner.jurisdiction_id };
    },

    async stop(token, at = new Date()) {
      return db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('resident_notices').select(['request_id', 'stopped_at']).where('stop_token', '=', token).executeTakeFirst();
        if (!row) return stopJoiner(trx, token, at);
        if (row.stopped_at === null) await trx.updateTable('resident_notices').set({ stopped_at: at.getTime() }).where('request_id', '=', row.request_id).execute();
        // Messages already queued are not sent either.
        await trx
          .updateTable('notifications')
          .set({ state: 'skipped', last_error: 'the resident stopped updates for this report' })
          .where('request_id', '=', row.request_id)
          .where('joiner_id', 'is', null)
          .where('state', '=', 'pending')
          .execute();
        return true;
      });
    },

    async recordReceipt({ sender, externalRef, key, status, at }) {
      // By the job's key too: a receipt can arrive before the sender has recorded the provider's id.
      const r = await db
        .updateTable('notifications')
        .set({ receipt: status, receipt_at: at.getTime() })
        .where((eb) => (key ? eb.or([eb('idempotency_key', '=', key), eb.and([eb('sender', '=', sender), eb('external_ref', '=', externalRef)])]) : eb.and([eb('sender', '=', sender), eb('external_ref', '=', externalRef)])))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
