import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { BackendEvent, DeliveryStore } from '../core/delivery/outbox.ts';

const rowId = (id: string): number | undefined => (/^[1-9]\d{0,15}$/.test(id) ? Number(id) : undefined);

/** The delivery store's side tables: back-end status events, named leases, pull cursors. */
export function deliveryStateStore(db: Kysely<Database>): Pick<DeliveryStore, 'recordEvent' | 'remapEvent' | 'events' | 'lease' | 'releaseLease' | 'cursor' | 'setCursor'> {
  const eventFromRow = (r: Selectable<Database['backend_events']>): BackendEvent => ({
    id: String(r.id),
    requestId: String(r.request_id),
    jurisdictionId: r.jurisdiction_id,
    backend: r.backend,
    role: r.role as BackendEvent['role'],
    externalCode: r.external_code,
    status: r.status,
    known: r.known === 1,
    externalId: r.external_id,
    description: r.description,
    at: new Date(r.at),
    receivedAt: new Date(r.received_at),
  });

  return {
    async recordEvent(e) {
      const row = await db
        .insertInto('backend_events')
        .values({
          request_id: Number(e.requestId),
          jurisdiction_id: e.jurisdictionId,
          backend: e.backend,
          role: e.role,
          external_code: e.externalCode,
          status: e.status,
          known: e.known ? 1 : 0,
          external_id: e.externalId,
          description: e.description,
          at: e.at.getTime(),
          received_at: e.receivedAt.getTime(),
        })
        .onConflict((oc) => oc.columns(['backend', 'external_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return { duplicate: !row };
    },

    async remapEvent(id, status, known) {
      await db.updateTable('backend_events').set({ status, known: known ? 1 : 0 }).where('id', '=', rowId(id) ?? -1).execute();
    },

    async events(f) {
      let q = db.selectFrom('backend_events').selectAll();
      if (f.requestIds) q = q.where('request_id', 'in', f.requestIds.map((id) => rowId(id) ?? -1).concat(-1));
      if (f.backend) q = q.where('backend', '=', f.backend);
      if (f.unknownOnly) q = q.where('known', '=', 0);
      return (await q.orderBy('id').limit(f.limit).execute()).map(eventFromRow);
    },

    async lease(name, holder, ms) {
      const now = Date.now();
      const row = await db
        .insertInto('relay_leases')
        .values({ name, holder, expires_at: now + ms })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet({ holder, expires_at: now + ms })
            .where((eb) => eb.or([eb('relay_leases.holder', '=', holder), eb('relay_leases.expires_at', '<', now)])),
        )
        .returning('holder')
        .executeTakeFirst();
      return row?.holder === holder;
    },

    async releaseLease(name, holder) {
      await db.deleteFrom('relay_leases').where('name', '=', name).where('holder', '=', holder).execute();
    },

    async cursor(backend) {
      return (await db.selectFrom('pull_cursors').select('cursor').where('backend', '=', backend).executeTakeFirst())?.cursor;
    },

    async setCursor(backend, cursor) {
      const now = Date.now();
      await db
        .insertInto('pull_cursors')
        .values({ backend, cursor, updated_at: now })
        .onConflict((oc) => oc.column('backend').doUpdateSet({ cursor, updated_at: now }))
        .execute();
    },

  };
}
