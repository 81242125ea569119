import type { Selectable, Transaction } from 'kysely';
import type { Database } from './schema.ts';
import type { Delivery, NewDelivery } from '../core/delivery/outbox.ts';

// Outbox rows in and out: the conversions the delivery store and the request writers share.

type Row = Selectable<Database['deliveries']>;
const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

export function deliveryFromRow(r: Row): Delivery {
  return {
    id: String(r.id),
    requestId: String(r.request_id),
    jurisdictionId: r.jurisdiction_id,
    serviceCode: r.service_code,
    backend: r.backend,
    role: r.role as Delivery['role'],
    kind: r.kind as Delivery['kind'],
    updateId: r.update_id === null ? undefined : String(r.update_id),
    idempotencyKey: r.idempotency_key,
    state: r.state as Delivery['state'],
    attempts: r.attempts,
    dueAt: new Date(r.due_at),
    lockedBy: opt(r.locked_by),
    externalRef: opt(r.external_ref),
    lastError: opt(r.last_error),
    createdAt: new Date(r.created_at),
    deliveredAt: r.delivered_at === null ? undefined : new Date(r.delivered_at),
    ...(r.note ? { note: r.note } : {}),
    ...(r.suspect_duplicate ? { suspectDuplicate: true } : {}),
    ...(r.checked_at ? { checkedAt: new Date(r.checked_at) } : {}),
  };
}

/**
 * The outbox rows of a new request (or update), as values without the request
 * id, for the writer that inserts them in the request's own transaction.
 */
export function deliveryValues(scope: { jurisdictionId: string; serviceCode: string; updateId?: number }, jobs: NewDelivery[], now: number) {
  return jobs.map((d) => ({
    jurisdiction_id: scope.jurisdictionId,
    service_code: scope.serviceCode,
    backend: d.backend,
    role: d.role,
    kind: d.kind,
    update_id: scope.updateId ?? null,
    idempotency_key: d.idempotencyKey,
    // A job done as it is written (the built-in case store) is delivered already; its reference is the request id, set by the writer.
    state: d.deliveredOnWrite ? 'delivered' : 'pending',
    attempts: 0,
    due_at: now,
    locked_by: null,
    external_ref: null,
    last_error: null,
    created_at: now,
    delivered_at: d.deliveredOnWrite ? now : null,
  }));
}

/** True when some of these jobs wait for a relay (the others were done as they were written). */
export const queuesWork = (jobs: NewDelivery[] | undefined) => !!jobs?.some((d) => !d.deliveredOnWrite);

/** Inserts the outbox rows of an update inside the update's transaction. */
export async function insertUpdateDeliveries(trx: Transaction<Database>, requestId: number, updateId: number, jobs: NewDelivery[], now: number) {
  if (!jobs.length) return;
  const req = await trx.selectFrom('service_requests').select(['jurisdiction_id', 'service_code']).where('id', '=', requestId).executeTakeFirstOrThrow();
  const values = deliveryValues({ jurisdictionId: req.jurisdiction_id, serviceCode: req.service_code, updateId }, jobs, now);
  await trx
    .insertInto('deliveries')
    .values(values.map((v) => ({ ...v, request_id: requestId, external_ref: v.state === 'delivered' ? String(requestId) : null })))
    .execute();
}

