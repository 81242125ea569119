import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { Store } from '../core/store.ts';
import type { NewServiceRequest } from '../core/requests/request.ts';
import { requestFromRow, updateFromRow } from './rows.ts';
import { newRequestWriter, type LinkedRow, type NewRequestRows } from './request-writer.ts';
import { searchRows } from './request-search.ts';
import { deliveryValues, insertUpdateDeliveries, notifyQueued } from './deliveries.ts';

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
  for (const values of deliveryValues(input, input.deliveries ?? [], now)) linked.push({ table: 'deliveries', idColumn: 'request_id', values });
  return {
    request: {
      jurisdiction_id: input.jurisdictionId,
      service_code: input.serviceCode,
      token: input.token ?? null,
      idempotency_key: input.idempotencyKey ?? null,
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
      requested_at: now,
      updated_at: now,
      expected_at: input.expectedAt?.getTime() ?? null,
      pattern_id: input.pattern?.id ?? null,
      pattern_version: input.pattern?.version ?? null,
    },
    linked,
  };
}

export function requestStore(db: Kysely<Database>): Store['requests'] {
  const write = newRequestWriter(db);
  return {
    async create(input) {
      const row = await write(newRequestRows(input, Date.now()));
      if (input.deliveries?.length) notifyQueued(db);
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

    async getByIdempotencyKey(jurisdictionId, key) {
      const row = await db
        .selectFrom('service_requests')
        .selectAll()
        .where('jurisdiction_id', '=', jurisdictionId)
        .where('idempotency_key', '=', key)
        .executeTakeFirst();
      return row && requestFromRow(row);
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
      const at = (u.updatedAt ?? new Date()).getTime();
      const requestId = rowId(u.requestId);
      if (requestId === undefined) throw new Error(`not a request id: ${u.requestId}`);
      const saved = await db.transaction().execute(async (trx) => {
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
          .returningAll()
          .executeTakeFirstOrThrow();
        // A resident's comment travels on to the back-ends through the outbox, in this same transaction.
        await insertUpdateDeliveries(trx, requestId, row.id, u.deliveries ?? [], Date.now());
        // A flagged update (the service pattern does not allow its change) is history only: the request stays put.
        // An internal note leaves the request's public row (and its updated_datetime) alone.
        if (u.internal) return updateFromRow(row);
        const change =
          u.status === 'unchanged' || u.flag
            ? { updated_at: at }
            : { updated_at: at, status: u.status, status_notes: u.description || null, ...(u.expectedAt ? { expected_at: u.expectedAt.getTime() } : {}) };
        await trx.updateTable('service_requests').set(change).where('id', '=', requestId).execute();
        return updateFromRow(row);
      });
      if (u.deliveries?.length) notifyQueued(db);
      return saved;
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
}
