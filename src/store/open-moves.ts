import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { OpenMove, OpenMoveItem, OpenMoveStore } from '../core/delivery/moves.ts';
import { CLOSED_STATUSES } from '../core/statuses.ts';

const moveFromRow = (r: Selectable<Database['open_moves']>): OpenMove => ({
  id: String(r.id),
  jurisdictionId: r.jurisdiction_id,
  serviceCode: r.service_code,
  toBackend: r.to_backend,
  actor: r.actor,
  createdAt: new Date(Number(r.created_at)),
  ...(r.finished_at === null ? {} : { finishedAt: new Date(Number(r.finished_at)) }),
});
const itemFromRow = (r: Selectable<Database['open_move_items']>): OpenMoveItem => ({
  moveId: String(r.move_id),
  requestId: String(r.request_id),
  fromBackend: r.from_backend,
  fromDeliveryId: String(r.from_delivery_id),
  state: r.state as OpenMoveItem['state'],
  attempts: Number(r.attempts),
  ...(r.new_delivery_id === null ? {} : { newDeliveryId: String(r.new_delivery_id) }),
  ...(r.error === null ? {} : { error: r.error }),
});

/** `routes move-open`'s state (migration 0016). */
export function openMoveStore(db: Kysely<Database>): OpenMoveStore {
  const item = (moveId: string, requestId: string) => (q: any) => q.where('move_id', '=', Number(moveId)).where('request_id', '=', Number(requestId));
  return {
    async moveCandidates(jurisdictionId, serviceCode, toBackend) {
      const rows = await db
        .selectFrom('deliveries as d')
        .innerJoin('service_requests as r', 'r.id', 'd.request_id')
        .select(['d.id', 'd.request_id', 'd.backend', 'd.state'])
        .where('d.jurisdiction_id', '=', jurisdictionId)
        .where('d.service_code', '=', serviceCode)
        .where('d.kind', '=', 'request')
        .where('d.role', 'in', ['primary', 'canary'])
        .where('d.backend', '!=', toBackend)
        .where('r.status', 'not in', [...CLOSED_STATUSES])
        .orderBy('d.request_id')
        .execute();
      return rows.map((r) => ({ requestId: String(r.request_id), fromBackend: r.backend, fromDeliveryId: String(r.id), fromState: r.state }));
    },

    async startMove(m, items) {
      return db.transaction().execute(async (trx) => {
        const now = Date.now();
        const row = await trx
          .insertInto('open_moves')
          .values({ jurisdiction_id: m.jurisdictionId, service_code: m.serviceCode, to_backend: m.toBackend, actor: m.actor, created_at: now, finished_at: null })
          .returningAll()
          .executeTakeFirstOrThrow();
        for (let i = 0; i < items.length; i += 500) {
          await trx
            .insertInto('open_move_items')
            .values(items.slice(i, i + 500).map((c) => ({ move_id: Number(row.id), request_id: Number(c.requestId), from_backend: c.fromBackend, from_delivery_id: Number(c.fromDeliveryId), state: 'pending', new_delivery_id: null, error: null, updated_at: now })))
            .execute();
        }
        return moveFromRow(row);
      });
    },

    async unfinishedMove(jurisdictionId, serviceCode) {
      const row = await db.selectFrom('open_moves').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('service_code', '=', serviceCode).where('finished_at', 'is', null).orderBy('id', 'desc').executeTakeFirst();
      return row && moveFromRow(row);
    },

    async getMove(id) {
      if (!/^[1-9]\d{0,15}$/.test(id)) return undefined;
      const row = await db.selectFrom('open_moves').selectAll().where('id', '=', Number(id)).executeTakeFirst();
      return row && moveFromRow(row);
    },

    async moveItems(moveId) {
      return (await db.selectFrom('open_move_items').selectAll().where('move_id', '=', Number(moveId)).orderBy('request_id').execute()).map(itemFromRow);
    },

    async startMoveItem(moveId, requestId) {
      await item(moveId, requestId)(db.updateTable('open_move_items').set((eb) => ({ attempts: eb('attempts', '+', 1), updated_at: Date.now() }))).execute();
      const row = await item(moveId, requestId)(db.selectFrom('open_move_items').select('attempts')).executeTakeFirst();
      return Number(row?.attempts ?? 0);
    },

    async failMoveItem(moveId, requestId, error) {
      await item(moveId, requestId)(db.updateTable('open_move_items').set({ state: 'failed', error, updated_at: Date.now() })).where('state', '!=', 'moved').execute();
    },

    async completeMoveItem(moveId, requestId, to) {
      return db.transaction().execute(async (trx) => {
        const now = Date.now();
        const it = await item(moveId, requestId)(trx.selectFrom('open_move_items').selectAll()).executeTakeFirstOrThrow();
        const from = await trx.selectFrom('deliveries').selectAll().where('id', '=', it.from_delivery_id).executeTakeFirstOrThrow();
        await trx
          .insertInto('deliveries')
          .values({
            request_id: from.request_id,
            jurisdiction_id: from.jurisdiction_id,
            service_code: from.service_code,
            backend: to.toBackend,
            role: 'primary',
            kind: 'request',
            update_id: null,
            idempotency_key: to.idempotencyKey,
            state: 'delivered',
            attempts: Number(it.attempts),
            due_at: now,
            locked_by: null,
            external_ref: to.externalRef ?? null,
            last_error: null,
            created_at: now,
            delivered_at: now,
            note: [`moved from ${from.backend} (routes move-open ${moveId})`, to.note].filter(Boolean).join('; '),
          })
          .onConflict((oc) => oc.column('idempotency_key').doNothing())
          .execute();
        const created = await trx.selectFrom('deliveries').select('id').where('idempotency_key', '=', to.idempotencyKey).executeTakeFirstOrThrow();
        await trx.updateTable('deliveries').set({ role: 'former' }).where('id', '=', from.id).where('role', 'in', ['primary', 'canary']).execute();
        await item(moveId, requestId)(trx.updateTable('open_move_items').set({ state: 'moved', new_delivery_id: Number(created.id), error: null, updated_at: now })).execute();
        return String(created.id);
      });
    },

    async finishMove(id) {
      await db.updateTable('open_moves').set({ finished_at: Date.now() }).where('id', '=', Number(id)).execute();
    },
  };
}
