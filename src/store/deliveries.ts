import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { ClaimedDelivery, Delivery, DeliveryAttempt, DeliveryOutcome, DeliveryStore } from '../core/delivery/outbox.ts';
import { requestFromRow, updateFromRow } from './rows.ts';
import { deliveryStateStore } from './delivery-state.ts';
import { insertDeadLetterEvents } from './dead-letter-events.ts';
import { openMoveStore } from './open-moves.ts';
import { pullPage } from './pull-page.ts';
import { deliveryFromRow } from './delivery-rows.ts';
import { insertAttempts, markDelivered } from './delivery-outcomes.ts';

type Row = Selectable<Database['deliveries']>;
const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);
const rowId = (id: string): number | undefined => (/^[1-9]\d{0,15}$/.test(id) ? Number(id) : undefined);

// In-process wake-up: a relay sleeping between polls hears about new jobs at once.
const listeners = new WeakMap<object, Set<() => void>>();
/** Tells this process's relays that jobs were committed on `db`. */
export function notifyQueued(db: object) {
  for (const l of listeners.get(db) ?? []) l();
}

export function deliveryStore(db: Kysely<Database>, dialect: 'sqlite' | 'postgres'): DeliveryStore {
  const state = deliveryStateStore(db);
  const attemptFromRow = (r: Selectable<Database['delivery_attempts']>): DeliveryAttempt => ({
    id: String(r.id),
    deliveryId: String(r.delivery_id),
    worker: r.worker,
    startedAt: new Date(r.started_at),
    finishedAt: new Date(r.finished_at),
    outcome: r.outcome as DeliveryAttempt['outcome'],
    error: opt(r.error),
  });
  /** Adds what adapters need (the request, the contact, the parent job's reference) to claimed rows. */
  async function hydrate(rows: Row[]): Promise<ClaimedDelivery[]> {
    if (!rows.length) return [];
    const requestIds = [...new Set(rows.map((r) => r.request_id))];
    const [requests, contacts, parents, updates] = await Promise.all([
      db.selectFrom('service_requests').selectAll().where('id', 'in', requestIds).execute(),
      db.selectFrom('request_contacts').selectAll().where('request_id', 'in', requestIds).execute(),
      rows.some((r) => r.kind !== 'request')
        ? db.selectFrom('deliveries').selectAll().where('request_id', 'in', requestIds).where('kind', '=', 'request').execute()
        : Promise.resolve([] as Row[]),
      rows.some((r) => r.update_id !== null)
        ? db.selectFrom('request_updates').selectAll().where('id', 'in', rows.flatMap((r) => (r.update_id === null ? [] : [r.update_id]))).execute()
        : Promise.resolve([]),
    ]);
    const reqById = new Map(requests.map((r) => [r.id, r]));
    const contactById = new Map(contacts.map((c) => [c.request_id, c]));
    const updateById = new Map(updates.map((u) => [u.id, u]));
    const out: ClaimedDelivery[] = [];
    for (const r of rows) {
      const req = reqById.get(r.request_id);
      if (!req) continue; // cannot happen: jobs are written with their request
      const c = contactById.get(r.request_id);
      const parent = r.kind !== 'request' ? parents.find((p) => p.request_id === r.request_id && p.backend === r.backend) : undefined;
      const u = r.update_id === null ? undefined : updateById.get(r.update_id);
      out.push({
        ...deliveryFromRow(r),
        request: requestFromRow(req),
        contact: { firstName: opt(c?.first_name ?? null), lastName: opt(c?.last_name ?? null), email: opt(c?.email ?? null), phone: opt(c?.phone ?? null) },
        update: u && updateFromRow(u),
        parentRef: opt(parent?.external_ref ?? null),
        parentState: parent ? (parent.state as Delivery['state']) : undefined,
        parentDueAt: parent ? new Date(parent.due_at) : undefined,
      });
    }
    return out;
  }

  return {
    ...state,
    ...openMoveStore(db),

    // PostgreSQL relays are kept apart by SKIP LOCKED in `claim`; SQLite has one writer, so one relay by lease.
    mayRelay: (worker, leaseMs) => (dialect === 'postgres' ? Promise.resolve(true) : state.lease('relay', worker, leaseMs)),
    stopRelaying: (worker) => (dialect === 'postgres' ? Promise.resolve() : state.releaseLease('relay', worker)),

    async claim({ worker, limit, leaseMs, skipBackends = [], now = Date.now() }) {
      const rows = await db
        .updateTable('deliveries')
        .set((eb) => ({ state: 'in_flight', attempts: eb('attempts', '+', 1), due_at: now + leaseMs, locked_by: worker }))
        .where('id', 'in', (eb) => {
          let q = eb
            .selectFrom('deliveries')
            .select('id')
            .where('state', 'in', ['pending', 'in_flight'])
            .where('due_at', '<=', now);
          if (skipBackends.length) q = q.where('backend', 'not in', skipBackends);
          q = q.orderBy('due_at').limit(limit);
          // PostgreSQL: two relays never take the same row; SQLite has one writer and a relay lease.
          return dialect === 'postgres' ? q.forUpdate().skipLocked() : q;
        })
        .returningAll()
        .execute();
      return hydrate(rows.sort((a, b) => a.id - b.id));
    },

    async complete(worker, outcomes) {
      if (!outcomes.length) return;
      await db.transaction().execute(async (trx) => {
        // The common case, delivered, in one statement per 500 jobs: a batch costs a few statements, not one per job.
        const plain = (o: DeliveryOutcome) => o.outcome === 'delivered' && !o.note && !o.suspectDuplicate;
        const recorded = await markDelivered(trx, dialect, worker, outcomes.filter(plain));
        for (const o of outcomes.filter((o) => !plain(o))) {
          const id = Number(o.deliveryId);
          const set =
            o.outcome === 'delivered'
              ? { state: 'delivered', delivered_at: o.finishedAt, external_ref: o.externalRef ?? null, last_error: null, locked_by: null, note: o.note ?? null, suspect_duplicate: o.suspectDuplicate ? 1 : 0 }
              : o.outcome === 'dead'
                ? { state: 'dead', last_error: o.error ?? null, locked_by: null }
                : { state: 'pending', due_at: o.retryAt ?? o.finishedAt, last_error: o.error ?? null, locked_by: null };
          const q = trx.updateTable('deliveries').set(set).where('id', '=', id).where('locked_by', '=', worker).where('state', '=', 'in_flight');
          // A deferral (waiting for the request job) is not an attempt.
          const r = o.outcome === 'deferred' ? await q.set((eb) => ({ attempts: eb('attempts', '-', 1) })).executeTakeFirst() : await q.executeTakeFirst();
          // A job this worker no longer holds (its lease ran out and another relay took it) is left to that relay.
          if (Number(r.numUpdatedRows) > 0 && o.outcome !== 'deferred') recorded.push(o);
        }
        await insertDeadLetterEvents(trx, recorded.filter((o) => o.outcome === 'dead'));
        await insertAttempts(trx, dialect, worker, recorded);
      });
    },

    async get(id) {
      const n = rowId(id);
      if (n === undefined) return undefined;
      const row = await db.selectFrom('deliveries').selectAll().where('id', '=', n).executeTakeFirst();
      return row && deliveryFromRow(row);
    },

    async list(f) {
      let q = db.selectFrom('deliveries').selectAll();
      if (f.state) q = q.where('state', '=', f.state);
      if (f.backend) q = q.where('backend', '=', f.backend);
      if (f.jurisdictionId) q = q.where('jurisdiction_id', '=', f.jurisdictionId);
      if (f.serviceCode) q = q.where('service_code', '=', f.serviceCode);
      if (f.requestId !== undefined) q = q.where('request_id', '=', rowId(f.requestId) ?? -1);
      return (await q.orderBy('id', 'desc').limit(f.limit).execute()).map(deliveryFromRow);
    },

    async attempts(deliveryId) {
      const n = rowId(deliveryId);
      if (n === undefined) return [];
      return (await db.selectFrom('delivery_attempts').selectAll().where('delivery_id', '=', n).orderBy('id').execute()).map(attemptFromRow);
    },

    async forRequest(requestId) {
      const n = rowId(requestId);
      if (n === undefined) return [];
      return (await db.selectFrom('deliveries').selectAll().where('request_id', '=', n).orderBy('id').execute()).map(deliveryFromRow);
    },

    async findByRef(backend, ref) {
      const row = await db
        .selectFrom('deliveries')
        .selectAll()
        .where('backend', '=', backend)
        .where('external_ref', '=', ref)
        .where('kind', '=', 'request')
        .orderBy('id')
        .executeTakeFirst();
      return row && deliveryFromRow(row);
    },

    async retry(id) {
      const n = rowId(id);
      if (n === undefined) return false;
      const r = await db.updateTable('deliveries').set({ state: 'pending', due_at: Date.now() }).where('id', '=', n).where('state', '=', 'dead').executeTakeFirst();
      if (Number(r.numUpdatedRows) > 0) notifyQueued(db);
      return Number(r.numUpdatedRows) > 0;
    },

    async retryAllDead() {
      const r = await db.updateTable('deliveries').set({ state: 'pending', due_at: Date.now() }).where('state', '=', 'dead').executeTakeFirst();
      if (Number(r.numUpdatedRows) > 0) notifyQueued(db);
      return Number(r.numUpdatedRows);
    },

    async reroute(from, to, { jurisdictionId, now }) {
      const result = await db.transaction().execute(async (trx) => {
        let q = trx.selectFrom('deliveries').selectAll().where('backend', 'in', [from, to]);
        if (jurisdictionId) q = q.where('jurisdiction_id', '=', jurisdictionId);
        // Only requests with an unfinished job at `from` matter; read their jobs at both back-ends.
        const stuck = await trx.selectFrom('deliveries').select('request_id').where('backend', '=', from).where('state', 'in', ['pending', 'dead', 'in_flight']).distinct().execute();
        if (!stuck.length) return { moved: 0, skipped: 0 };
        // In slices: a back-end down for a week can leave more requests than one statement may name.
        const rows: Row[] = [];
        for (let i = 0; i < stuck.length; i += 1000) rows.push(...(await q.where('request_id', 'in', stuck.slice(i, i + 1000).map((r) => r.request_id)).execute()));
        const move: number[] = [];
        let skipped = 0;
        const byRequest = new Map<number, Row[]>();
        for (const r of rows) byRequest.set(r.request_id, [...(byRequest.get(r.request_id) ?? []), r]);
        for (const jobs of byRequest.values()) {
          const here = jobs.filter((j) => j.backend === from && j.state !== 'delivered');
          const request = jobs.find((j) => j.backend === from && j.kind === 'request' && j.role !== 'shadow');
          const movable = !!request && request.state !== 'delivered' && !jobs.some((j) => j.backend === to);
          for (const j of here) {
            if (movable && j.role !== 'shadow' && j.state !== 'in_flight') move.push(j.id);
            else skipped++;
          }
        }
        let moved = 0;
        for (let i = 0; i < move.length; i += 500) {
          const r = await trx
            .updateTable('deliveries')
            .set({ backend: to, state: 'pending', due_at: now, attempts: 0, locked_by: null, last_error: `re-routed from ${from}` })
            .where('id', 'in', move.slice(i, i + 500))
            .where('backend', '=', from)
            .where('state', 'in', ['pending', 'dead'])
            .executeTakeFirst();
          moved += Number(r.numUpdatedRows);
        }
        // A job a relay claimed since it was read is left where it is.
        return { moved, skipped: skipped + move.length - moved };
      });
      if (result.moved) notifyQueued(db);
      return result;
    },

    async forService(jurisdictionId, serviceCode, since) {
      const rows = await db
        .selectFrom('deliveries')
        .selectAll()
        .where('jurisdiction_id', '=', jurisdictionId)
        .where('service_code', '=', serviceCode)
        .where('created_at', '>=', since.getTime())
        .orderBy('id')
        .execute();
      return rows.map(deliveryFromRow);
    },

    async backlog() {
      const rows = await db
        .selectFrom('deliveries')
        .select(['state', 'backend', (eb) => eb.fn.countAll<number>().as('count')])
        .where('state', 'in', ['pending', 'in_flight', 'dead'])
        .groupBy(['state', 'backend'])
        .execute();
      return rows.map((r) => ({ state: r.state as Delivery['state'], backend: r.backend, count: Number(r.count) }));
    },

    async unreferenced(backend, limit) {
      const rows = await db
        .selectFrom('deliveries')
        .selectAll()
        .where('backend', '=', backend)
        .where('kind', '=', 'request')
        .where('state', '=', 'delivered')
        .where('external_ref', 'is', null)
        .orderBy('id')
        .limit(limit)
        .execute();
      return hydrate(rows);
    },

    async setReference(id, reference, note, suspectDuplicate) {
      const n = rowId(id);
      if (n === undefined) return false;
      const r = await db
        .updateTable('deliveries')
        .set({ external_ref: reference, note, ...(suspectDuplicate ? { suspect_duplicate: 1 } : {}) })
        .where('id', '=', n)
        .where('external_ref', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async toCheck(backend, { limit, graceMs, now = Date.now() }) {
      // Index ranges, not a scan of the back-end's rows (pull-page.ts).
      return (await pullPage(db, backend, { limit, graceMs, now })).map(deliveryFromRow);
    },

    async markChecked(ids, at) {
      const ns = ids.flatMap((id) => (rowId(id) === undefined ? [] : [rowId(id)!]));
      for (let i = 0; i < ns.length; i += 500) await db.updateTable('deliveries').set({ checked_at: at }).where('id', 'in', ns.slice(i, i + 500)).execute();
    },

    onQueued(listener) {
      let set = listeners.get(db);
      if (!set) listeners.set(db, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}

