import type { Transaction } from 'kysely';
import type { Database } from './schema.ts';
import type { LinkedRow } from './request-writer.ts';
import type { NewRequestUpdate, NewServiceRequest } from '../core/requests/request.ts';
import type { NewNotification } from '../core/notifications/notification.ts';
import { requestCreatedEvents, updateEvents } from '../core/events/decide.ts';
import { confirmationNotifications, noticeForContact, updateNotifications } from '../core/notifications/decide.ts';
import { eventValues, insertEvents } from './events.ts';
import { joinerNotice, noticeFromRow } from './notifications.ts';
import type { ResidentNotice } from '../core/notifications/notification.ts';

// What a change causes besides itself — its events, the resident's notice and
// messages — written in the change's own transaction. The core decides; these
// only read what it needs inside the transaction and write what it decided.

export const notificationValues = (jurisdictionId: string, updateId: number | null, n: NewNotification, now: number) => ({
  jurisdiction_id: jurisdictionId,
  update_id: updateId,
  kind: n.kind,
  channel: n.channel,
  idempotency_key: n.idempotencyKey,
  state: 'pending',
  attempts: 0,
  due_at: now,
  locked_by: null,
  sender: null,
  external_ref: null,
  last_error: null,
  receipt: null,
  receipt_at: null,
  created_at: now,
  sent_at: null,
});

/** The linked rows of a new request: its `created` event, and its resident's notice and confirmation. */
export function newRequestEffectRows(input: NewServiceRequest, now: number): LinkedRow[] {
  const rows: LinkedRow[] = requestCreatedEvents(input, new Date(now)).map((e) => ({ table: 'events', idColumn: 'request_id', values: eventValues(e) }));
  const notice = noticeForContact(input.contact, input.source);
  if (!notice) return rows;
  rows.push({
    table: 'resident_notices',
    idColumn: 'request_id',
    values: { language: notice.language, email: notice.email ? 1 : 0, sms: notice.sms ? 1 : 0, stop_token: notice.stopToken, stopped_at: null },
  });
  for (const n of confirmationNotifications(notice)) rows.push({ table: 'notifications', idColumn: 'request_id', values: notificationValues(input.jurisdictionId, null, n, now) });
  return rows;
}

/**
 * Inside an update's transaction: decides the events and messages from the
 * request's status before the change (`previousStatus`; when absent, the
 * status as it stands, which a comment does not move), and writes them.
 */
export async function insertUpdateEffects(trx: Transaction<Database>, requestId: number, updateId: number, u: NewRequestUpdate, at: number, previousStatus?: string) {
  const [req, notice, joiners] = await Promise.all([
    trx.selectFrom('service_requests').select(['status', 'service_code', 'pattern_id']).where('id', '=', requestId).executeTakeFirstOrThrow(),
    trx.selectFrom('resident_notices').selectAll().where('request_id', '=', requestId).executeTakeFirst(),
    trx.selectFrom('request_joiners').selectAll().where('request_id', '=', requestId).execute(),
  ]);
  const update = { ...u, id: String(updateId) };
  const moved = u.status !== 'unchanged' && u.status !== (previousStatus ?? req.status);
  // Linked with the change that closes it, so a duplicate never lacks its original (nor is linked twice).
  if (u.duplicateOf && moved) {
    await trx.insertInto('request_duplicates').values({ request_id: requestId, jurisdiction_id: u.jurisdictionId, original_id: Number(u.duplicateOf), linked_at: at }).onConflict((oc) => oc.column('request_id').doNothing()).execute();
  }
  await insertEvents(trx, updateEvents({ update, serviceCode: req.service_code, previousStatus: previousStatus ?? req.status, at: new Date(at) }));
  const decide = (n: ResidentNotice | undefined) => updateNotifications({ update, previousStatus: previousStatus ?? req.status, hasPattern: !!req.pattern_id, notice: n });
  const now = Date.now();
  // The reporter, then each resident who joined (decision 0160), each by their own notice.
  const jobs = [
    ...decide(notice && noticeFromRow(notice)).map((n) => ({ ...notificationValues(u.jurisdictionId, updateId, n, now), request_id: requestId, joiner_id: null })),
    ...joiners.flatMap((j) => decide(joinerNotice(j)).map((n) => ({ ...notificationValues(u.jurisdictionId, updateId, n, now), request_id: requestId, joiner_id: Number(j.id) }))),
  ];
  if (jobs.length) await trx.insertInto('notifications').values(jobs).execute();
}
