import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { ErasureAck, ErasureStore, RetentionOverride } from '../core/records/port.ts';
import { notifyQueued } from './deliveries.ts';
import { deliveryValues } from './delivery-rows.ts';
import { insertEvents } from './events.ts';

type AckRow = Selectable<Database['erasure_acks']>;
const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

const ackFromRow = (r: AckRow): ErasureAck => ({
  accessId: String(r.access_id),
  target: r.target as ErasureAck['target'],
  name: r.name,
  requestId: r.request_id || undefined,
  updateId: r.update_id || undefined,
  state: r.state as ErasureAck['state'],
  detail: opt(r.detail),
  createdAt: new Date(Number(r.created_at)),
  ackedAt: r.acked_at === null ? undefined : new Date(Number(r.acked_at)),
});

/** Erasures sent on, their acknowledgements, and councils' retention overrides. */
export function erasureStore(db: Kysely<Database>): ErasureStore {
  return {
    async send(plan) {
      const at = plan.at.getTime();
      const access = Number(plan.accessId);
      await db.transaction().execute(async (trx) => {
        for (const job of plan.jobs) {
          const [values] = deliveryValues({ jurisdictionId: plan.jurisdictionId, serviceCode: job.serviceCode, updateId: job.updateId ? Number(job.updateId) : undefined }, [{ backend: job.backend, role: job.role, kind: 'erasure', idempotencyKey: job.idempotencyKey }], at);
          const row = await trx.insertInto('deliveries').values({ ...values, request_id: Number(job.requestId) }).returning('id').executeTakeFirstOrThrow();
          await trx
            .insertInto('erasure_acks')
            .values({ access_id: access, jurisdiction_id: plan.jurisdictionId, target: 'backend', name: job.backend, request_id: job.requestId, update_id: job.updateId ?? '', delivery_id: Number(row.id), state: 'pending', detail: null, created_at: at, acked_at: null })
            .execute();
        }
        if (plan.acks.length) {
          await trx
            .insertInto('erasure_acks')
            .values(
              plan.acks.map((a) => ({
                access_id: access,
                jurisdiction_id: plan.jurisdictionId,
                target: a.target,
                name: a.name,
                request_id: a.requestId ?? '',
                update_id: a.updateId ?? '',
                delivery_id: null,
                state: a.state,
                detail: a.detail ?? null,
                created_at: at,
                acked_at: a.state === 'pending' ? null : at,
              })),
            )
            .execute();
        }
        await insertEvents(trx, plan.events);
      });
      if (plan.jobs.length) notifyQueued(db);
    },

    async acknowledge(a) {
      const set = { state: a.state, detail: a.detail ?? null, acked_at: a.at.getTime() };
      if (a.target === 'backend') {
        if (!/^[1-9]\d{0,15}$/.test(a.deliveryId)) return;
        await db.updateTable('erasure_acks').set(set).where('delivery_id', '=', Number(a.deliveryId)).execute();
      } else {
        if (!/^[1-9]\d{0,15}$/.test(a.accessId)) return;
        await db.updateTable('erasure_acks').set(set).where('access_id', '=', Number(a.accessId)).where('target', '=', 'subscriber').where('name', '=', a.name).execute();
      }
    },

    async acks(accessId) {
      if (!/^[1-9]\d{0,15}$/.test(accessId)) return [];
      const rows = await db.selectFrom('erasure_acks').selectAll().where('access_id', '=', Number(accessId)).orderBy('target').orderBy('name').orderBy('request_id').orderBy('update_id').execute();
      return rows.map(ackFromRow);
    },

    async overrides(jurisdictionId) {
      const rows = await db.selectFrom('retention_overrides').selectAll().where('jurisdiction_id', '=', jurisdictionId).orderBy('service_code').execute();
      return rows.map(
        (r): RetentionOverride => ({
          jurisdictionId: r.jurisdiction_id,
          serviceCode: r.service_code,
          contactAfterClosure: opt(r.contact_after_closure),
          anonymiseAfterClosure: opt(r.anonymise_after_closure),
          reason: opt(r.reason),
          updatedAt: new Date(Number(r.updated_at)),
          by: r.by,
        }),
      );
    },

    async setOverride(o) {
      const values = {
        contact_after_closure: o.contactAfterClosure ?? null,
        anonymise_after_closure: o.anonymiseAfterClosure ?? null,
        reason: o.reason ?? null,
        updated_at: o.updatedAt.getTime(),
        by: o.by,
      };
      await db
        .insertInto('retention_overrides')
        .values({ jurisdiction_id: o.jurisdictionId, service_code: o.serviceCode, ...values })
        .onConflict((oc) => oc.columns(['jurisdiction_id', 'service_code']).doUpdateSet(values))
        .execute();
    },

    async clearOverride(jurisdictionId, serviceCode) {
      const r = await db.deleteFrom('retention_overrides').where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', serviceCode).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}
