import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { Store } from '../core/store.ts';
import type { NewServiceRequest, RequestUpdate } from '../core/requests/request.ts';
import { requestFromRow, updateFromRow } from './rows.ts';
import { newRequestWriter, type LinkedRow, type NewRequestRows } from './request-writer.ts';
import { searchRows } from './request-search.ts';
import { notifyQueued } from './deliveries.ts';
import { deliveryValues, insertUpdateDeliveries, queuesWork } from './delivery-rows.ts';
import { insertUpdateEffects, newRequestEffectRows } from './request-effects.ts';

/** Parses a public request id; anything that is not a positive integer matches no row. */
const rowId = (id: string): number | undefined => (/^[1-9]\d{0,15}$/.test(id) ? Number(id) : undefined);

/**
 * Everything a new request writes, in one place. Both durable writers use this
 * (the SQLite group commit and the PostgreSQL single statement, see
 * request-writer.ts), so a row that must commit with the request — its contact
 * details, a delivery job — is added to `linked` here and nowhere else.
 */
export function newRequestRows(input: NewServiceRequest, now: number): NewRequestRows {
  const linked: LinkedRow[] = [];
  const c = input.contact;
  if (c.firstName || c.lastName || c.email || c.phone) {
    linked.push({
      table: 'request_contacts',
      idColumn: 'request_id',
      values: { first_name: c.firstName ?? null, last_name: c.lastName ?? null, email: c.email ?? null, phone: c.phone ?? null },
    });
  }
  // The outbox: delivery jobs commit with the request or not at all.
  for (const values of deliveryValues(input, input.deliveries ?? [], now)) {
    linked.push({ table: 'deliveries', idColumn: 'request_id', ...(values.state === 'delivered' ? { idTextColumn: 'external_ref' } : {}), values });
  }
  // Its event and the resident's confirmation commit with it too.
  linked.push(...newRequestEffectRows(input, now));
  const requestedAt = input.requestedAt?.getTime() ?? now;
  return {
    request: {
      jurisdiction_id: input.jurisdictionId,
      service_code: input.serviceCode,
      token: input.token ?? null,
      idempotency_key: input.idempotencyKey ?? null,
      idempotency_client: input.idempotencyKey ? (input.idempotencyClientId ?? '') : null,
      submission_hash: input.idempotencyKey ? (input.submissionHash ?? null) : null,
      status: 'open',
      status_notes: null,
      description: input.description ?? null,
      attributes: JSON.stringify(input.attributes),
      lat: input.location.lat ?? null,
      long: input.location.long ?? null,
      address: input.location.address ?? null,
      address_id: input.location.addressId ?? null,
      zipcode: input.location.zipcode ?? null,
      uprn: input.location.uprn ?? null,
      easting: input.location.easting ?? null,
      northing: input.location.northing ?? null,
      account_id: input.accountId ?? null,
      device_id: input.deviceId ?? null,
      media_urls: JSON.stringify(input.mediaUrls),
      agency_responsible: input.agencyResponsible ?? null,
      service_notice: input.serviceNotice ?? null,
      source: input.source,
      requested_at: requestedAt,
      updated_at: requestedAt,
      expected_at: input.expectedAt?.getTime() ?? null,
      pattern_id: input.pattern?.id ?? null,
      pattern_version: input.pattern?.version ?? null,
    },
    linked,
  };
}

/** Thrown inside a transaction to roll it back when the sender's update id is already stored. */
class AlreadyStored extends Error {}

/** `write`: how new requests are written, when not through `db` (the SQLite writer thread). */
export function requestStore(db: Kysely<Database>, write = newRequestWriter(db)): Store['requests'] {
  const requests: Store['requests'] = {
    async create(input) {
      const row = await write(newRequestRows(input, Date.now()));
      if (queuesWork(input.deliveries)) notifyQueued(db);
      return requestFromRow(row);
    },

    async get(jurisdictionId, id) {
      const n = rowId(id);
      if (n === undefined) return undefined;
      const row = await db
        .selectFrom('service_requests')
        .selectAll()
        .where('id', '=', n)
        .where('jurisdiction_id', '=', jurisdictionId)
        .executeTakeFirst();
      return row && requestFromRow(row);
    },

    async getByIdempotencyKey(jurisdictionId, key, clientId = '') {
      return (await requests.findByIdempotencyKey({ jurisdictionId, clientId, key }))?.request;
    },

    async findByIdempotencyKey({ jurisdictionId, clientId, key }) {
      const row = await db
        .selectFrom('service_requests')
        .selectAll()
        .where('jurisdiction_id', '=', jurisdictionId)
        .where('idempotency_client', '=', clientId)
        .where('idempotency_key', '=', key)
        .executeTakeFirst();
      return row && { request: requestFromRow(row), submissionHash: row.submission_hash ?? undefined };
    },

    async getByToken(jurisdictionId, token) {
      const row = await db
        .selectFrom('service_requests')
        .selectAll()
        .where('token', '=', token)
        .where('jurisdiction_id', '=', jurisdictionId)
        .executeTakeFirst();
      return row && requestFromRow(row);
    },

    async contact(jurisdictionId, id) {
      const n = rowId(id);
      if (n === undefined) return undefined;
      const row = await db
        .selectFrom('request_contacts')
        .innerJoin('service_requests', 'service_requests.id', 'request_contacts.request_id')
        .select(['first_name', 'last_name', 'email', 'phone'])
        .where('request_contacts.request_id', '=', n)
        .where('service_requests.jurisdiction_id', '=', jurisdictionId)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        firstName: row.first_name ?? undefined,
        lastName: row.last_name ?? undefined,
        email: row.email ?? undefined,
        phone: row.phone ?? undefined,
      };
    },

    async search(q) {
      // Index ranges merged newest first, so every filter combination stays fast at millions of rows.
      return (await searchRows(db, q)).map(requestFromRow);
    },

    async addUpdate(u) {
      const r = await requests.writeUpdate(u);
      if (r.outcome === 'conflict') throw new Error(`request ${u.requestId} was not found in ${u.jurisdictionId}`);
      return r.update;
    },

    async writeUpdate(u, expect) {
      const requestId = rowId(u.requestId);
      if (requestId === undefined) return { outcome: 'conflict' };
      const now = Date.now();
      const at = u.updatedAt?.getTime() ?? now;
      const requestAt = u.requestUpdatedAt?.getTime() ?? at;
      let written: RequestUpdate | undefined;
      try {
        written = await db.transaction().execute(async (trx) => {
          // The request row first: this takes its row lock, so updates of one request queue here, and
          // `expect` is checked against the status as committed (PostgreSQL re-reads the row after the wait).
          // What the request was at before this change, for its events and the resident's messages.
          const changes = !(u.status === 'unchanged' || u.flag);
          const previousStatus = expect?.status ?? (changes ? (await trx.selectFrom('service_requests').select('status').where('id', '=', requestId).executeTakeFirst())?.status : undefined);
          const change =
            u.status === 'unchanged' || u.flag
              ? { updated_at: requestAt }
              : { updated_at: requestAt, status: u.status, status_notes: u.description || null, ...(u.expectedAt ? { expected_at: u.expectedAt.getTime() } : {}) };
          if (u.internal) {
            // An internal note leaves the request's public row (and its updated_datetime) alone.
            const exists = await trx.selectFrom('service_requests').select('id').where('id', '=', requestId).where('jurisdiction_id', '=', u.jurisdictionId).executeTakeFirst();
            if (!exists) return undefined;
          } else {
            let q = trx.updateTable('service_requests').set(change).where('id', '=', requestId).where('jurisdiction_id', '=', u.jurisdictionId);
            if (expect) q = q.where('status', '=', expect.status);
            const moved = await q.executeTakeFirst();
            if (Number(moved.numUpdatedRows) === 0) return undefined;
          }
          // The unique index on (request_id, external_id) keeps a sender's update once, however many copies race.
          const row = await trx
            .insertInto('request_updates')
            .values({
              request_id: requestId,
              jurisdiction_id: u.jurisdictionId,
              status: u.status,
              description: u.description,
              media_urls: JSON.stringify(u.mediaUrls),
              external_status_code: u.externalStatusCode ?? null,
              external_id: u.externalId ?? null,
              author_kind: u.authorKind,
              contact: JSON.stringify(u.contact),
              updated_at: at,
              flag: u.flag ?? null,
              notify_resident: u.notifyResident ? 1 : null,
              internal: u.internal ? 1 : null,
            })
            .onConflict((oc) => oc.columns(['request_id', 'external_id']).doNothing())
            .returningAll()
            .executeTakeFirst();
          // Already stored: undo the request's change too, and give back the first update below.
          if (!row) throw new AlreadyStored();
          // A resident's comment travels on to the back-ends through the outbox, in this same transaction.
          await insertUpdateDeliveries(trx, requestId, row.id, u.deliveries ?? [], now);
          // Its events and the resident's messages, decided from the request as it stood before the change.
          await insertUpdateEffects(trx, requestId, row.id, u, at, previousStatus);
          return updateFromRow(row);
        });
      } catch (err) {
        if (!(err instanceof AlreadyStored)) throw err;
        const first = await requests.findUpdateByExternalId(u.jurisdictionId, u.requestId, u.externalId!);
        if (!first) throw new Error(`update "${u.externalId}" on request ${u.requestId} conflicted but cannot be read`);
        return { outcome: 'duplicate', update: first };
      }
      if (!written) return { outcome: 'conflict' };
      if (queuesWork(u.deliveries)) notifyQueued(db);
      return { outcome: 'written', update: written };
    },

    async findUpdateByExternalId(jurisdictionId, requestId, externalId) {
      const n = rowId(requestId);
      if (n === undefined) return undefined;
      const row = await db
        .selectFrom('request_updates')
        .selectAll()
        .where('request_id', '=', n)
        .where('jurisdiction_id', '=', jurisdictionId)
        .where('external_id', '=', externalId)
        .executeTakeFirst();
      return row && updateFromRow(row);
    },

    async updates(q) {
      // Flagged updates were not applied, so clients polling for updates must not see them as status changes.
      let query = db.selectFrom('request_updates').selectAll().where('jurisdiction_id', '=', q.jurisdictionId).where('flag', 'is', null).where('internal', 'is', null);
      if (q.authorKinds) query = query.where('author_kind', 'in', q.authorKinds);
      const rows = await query
        .where('updated_at', '>=', q.from.getTime())
        .where('updated_at', '<=', q.to.getTime())
        .orderBy('updated_at')
        .orderBy('id')
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute();
      return rows.map(updateFromRow);
    },

    async history(jurisdictionId, requestId, options = {}) {
      const n = rowId(requestId);
      if (n === undefined) return [];
      let query = db.selectFrom('request_updates').selectAll().where('request_id', '=', n).where('jurisdiction_id', '=', jurisdictionId);
      // Public paths (/track, Open311) never read internal notes: they are filtered here, not by each caller.
      if (!options.internal) query = query.where('internal', 'is', null);
      const rows = await query.orderBy('id').execute();
      return rows.map(updateFromRow);
    },
  };
  return requests;
}
