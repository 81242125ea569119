import { sql, type Kysely, type SelectQueryBuilder, type Transaction } from 'kysely';
import type { Database } from './schema.ts';
import type { DirectoryQuery, DirectoryStore, Page } from '../core/directory/port.ts';
import {
  emptyRecords,
  locationPoint,
  locationPostcode,
  modifiedAt,
  normalPostcode,
  postcodeDistrict,
  searchTextOf,
  type DirectoryRecords,
  type Fields,
} from '../core/directory/records.ts';

type Db = Kysely<Database> | Transaction<Database>;
const parse = (text: string) => JSON.parse(text) as Fields;
const json = (fields: Fields) => JSON.stringify(fields);
const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);
// Well inside both SQLite's and PostgreSQL's limits on bound parameters per statement.
const CHUNK = 200;
const chunks = <T>(items: T[]) => Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));
const METRES_PER_DEGREE = 111_320;

/** The directory port (src/core/directory/port.ts) on either database. */
export function directoryStore(db: Kysely<Database>): DirectoryStore {
  return {
    async save(records) {
      await db.transaction().execute((trx) => saveAll(trx, records));
      return {
        organizations: uniqueById(records.organizations).length,
        services: uniqueById(records.services).length,
        locations: uniqueById(records.locations).length,
        taxonomies: uniqueById(records.taxonomies).length,
        taxonomyTerms: uniqueById(records.taxonomyTerms).length,
      };
    },

    async services(q) {
      const base = serviceFilters(db.selectFrom('directory_services as s'), q);
      const [{ n }] = await base.select((eb) => eb.fn.countAll<number>().as('n')).execute();
      if (q.limit <= 0) return { total: Number(n), items: [] };
      const rows = await base.select(['s.id', 's.organization_id', 's.fields']).orderBy('s.name').orderBy('s.id').offset(q.offset).limit(q.limit).execute();
      return { total: Number(n), items: rows.map((r) => ({ id: r.id, organizationId: opt(r.organization_id), fields: parse(r.fields) })) };
    },

    async serviceAtLocations(q) {
      let base = serviceFilters(
        db.selectFrom('directory_service_at_locations as sal').innerJoin('directory_services as s', 's.id', 'sal.service_id').leftJoin('directory_locations as l', 'l.id', 'sal.location_id'),
        q,
      );
      const distance = q.near && sql<number>`((l.latitude - ${q.near.lat}) * (l.latitude - ${q.near.lat}) + (l.longitude - ${q.near.long}) * (l.longitude - ${q.near.long}) * ${Math.cos((q.near.lat * Math.PI) / 180) ** 2})`;
      if (q.near && distance) base = base.where('l.latitude', 'is not', null).where('l.longitude', 'is not', null).where(distance, '<=', (q.near.metres / METRES_PER_DEGREE) ** 2);
      if (q.postcodeDistrict) base = base.where('l.postcode_district', '=', q.postcodeDistrict);
      const [{ n }] = await base.select((eb) => eb.fn.countAll<number>().as('n')).execute();
      if (q.limit <= 0) return { total: Number(n), items: [] };
      let rows = base.select(['sal.id', 'sal.service_id', 'sal.location_id', 'sal.fields']);
      rows = distance ? rows.orderBy(distance).orderBy('sal.id') : rows.orderBy('s.name').orderBy('sal.id');
      const found = await rows.offset(q.offset).limit(q.limit).execute();
      return { total: Number(n), items: found.map((r) => ({ id: r.id, serviceId: r.service_id, locationId: opt(r.location_id), fields: parse(r.fields) })) };
    },

    organizations: (q) => simplePage(db, 'directory_organizations', q),
    taxonomies: (q) => simplePage(db, 'directory_taxonomies', q),
    async taxonomyTerms(q) {
      let base = db.selectFrom('directory_taxonomy_terms');
      if (q.taxonomyId) base = base.where('taxonomy_id', '=', q.taxonomyId);
      const [{ n }] = await base.select((eb) => eb.fn.countAll<number>().as('n')).execute();
      if (q.limit <= 0) return { total: Number(n), items: [] };
      const rows = await base.select(['id', 'taxonomy_id', 'fields']).orderBy('id').offset(q.offset).limit(q.limit).execute();
      return { total: Number(n), items: rows.map((r) => ({ id: r.id, taxonomyId: opt(r.taxonomy_id), fields: parse(r.fields) })) };
    },

    async related(serviceIds) {
      return related(db, serviceIds);
    },
    async serviceIdsOf(organizationId) {
      const rows = await db.selectFrom('directory_services').select('id').where('organization_id', '=', organizationId).orderBy('name').orderBy('id').execute();
      return rows.map((r) => r.id);
    },
    async organization(id) {
      const r = await db.selectFrom('directory_organizations').select(['id', 'fields']).where('id', '=', id).executeTakeFirst();
      return r && { id: r.id, fields: parse(r.fields) };
    },
    async taxonomy(id) {
      const r = await db.selectFrom('directory_taxonomies').select(['id', 'fields']).where('id', '=', id).executeTakeFirst();
      return r && { id: r.id, fields: parse(r.fields) };
    },
    async taxonomyTerm(id) {
      const r = await db.selectFrom('directory_taxonomy_terms').select(['id', 'taxonomy_id', 'fields']).where('id', '=', id).executeTakeFirst();
      return r && { id: r.id, taxonomyId: opt(r.taxonomy_id), fields: parse(r.fields) };
    },
    async serviceAtLocation(id) {
      const r = await db.selectFrom('directory_service_at_locations').select(['id', 'service_id', 'location_id', 'fields']).where('id', '=', id).executeTakeFirst();
      return r && { id: r.id, serviceId: r.service_id, locationId: opt(r.location_id), fields: parse(r.fields) };
    },

    async locatePostcode(text) {
      const postcode = normalPostcode(text);
      if (!postcode) return undefined;
      const centroid = (where: (qb: SelectQueryBuilder<Database, 'directory_locations', object>) => SelectQueryBuilder<Database, 'directory_locations', object>) =>
        where(db.selectFrom('directory_locations').where('latitude', 'is not', null).where('longitude', 'is not', null))
          .select((eb) => [eb.fn.avg<number>('latitude').as('lat'), eb.fn.avg<number>('longitude').as('long'), eb.fn.countAll<number>().as('n')])
          .executeTakeFirstOrThrow();
      const exact = await centroid((qb) => qb.where('postcode', '=', postcode));
      if (Number(exact.n) > 0) return { lat: Number(exact.lat), long: Number(exact.long) };
      // The postcode sector (outward code and the inward digit) is a few hundred addresses: near enough for "within N metres".
      const sector = await centroid((qb) => qb.where('postcode', 'like', `${postcode.slice(0, -2)}%`));
      return Number(sector.n) > 0 ? { lat: Number(sector.lat), long: Number(sector.long) } : undefined;
    },

    async catalogueChangedAt(jurisdictionId) {
      const rows = await db.selectFrom('services').select(['code', 'updated_at']).where('jurisdiction_id', '=', jurisdictionId).execute();
      return new Map(rows.map((r) => [r.code, new Date(Number(r.updated_at))]));
    },
  };
}

/** The service filters every list shares; `s` is directory_services. */
function serviceFilters<QB extends SelectQueryBuilder<any, any, any>>(qb: QB, q: DirectoryQuery): QB {
  let out = qb as SelectQueryBuilder<any, any, any>;
  for (const word of (q.text ?? '').toLowerCase().split(/\s+/).filter(Boolean)) {
    out = out.where(sql<boolean>`s.search_text like ${`%${word.replace(/[!%_]/g, '!$&')}%`} escape '!'`);
  }
  if (q.taxonomyTermId) {
    const term = q.taxonomyTermId;
    out = out.where((eb) => eb.exists(eb.selectFrom('directory_attributes as a').select('a.id').whereRef('a.link_id', '=', 's.id').where('a.taxonomy_term_id', '=', term)));
  }
  if (q.taxonomyId) {
    const taxonomy = q.taxonomyId;
    out = out.where((eb) =>
      eb.exists(
        eb
          .selectFrom('directory_attributes as a')
          .innerJoin('directory_taxonomy_terms as t', 't.id', 'a.taxonomy_term_id')
          .select('a.id')
          .whereRef('a.link_id', '=', 's.id')
          .where('t.taxonomy_id', '=', taxonomy),
      ),
    );
  }
  if (q.organizationId) out = out.where('s.organization_id', '=', q.organizationId);
  if (q.modifiedAfter) out = out.where('s.modified_at', '>=', q.modifiedAfter.getTime());
  return out as QB;
}

async function simplePage(db: Kysely<Database>, table: 'directory_organizations' | 'directory_taxonomies', q: { offset: number; limit: number }): Promise<Page<{ id: string; fields: Fields }>> {
  const [{ n }] = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).execute();
  if (q.limit <= 0) return { total: Number(n), items: [] };
  const rows = await db.selectFrom(table).select(['id', 'fields']).orderBy('id').offset(q.offset).limit(q.limit).execute();
  return { total: Number(n), items: rows.map((r) => ({ id: r.id, fields: parse(r.fields) })) };
}

async function related(db: Kysely<Database>, serviceIds: string[]): Promise<DirectoryRecords> {
  const out = emptyRecords();
  if (!serviceIds.length) return out;
  const ids = [...new Set(serviceIds)];
  const services = await db.selectFrom('directory_services').select(['id', 'organization_id', 'fields']).where('id', 'in', ids).execute();
  out.services = services.map((r) => ({ id: r.id, organizationId: opt(r.organization_id), fields: parse(r.fields) }));
  const orgIds = [...new Set(services.map((s) => s.organization_id).filter((v): v is string => !!v))];
  const [orgs, contacts, sals, attributes] = await Promise.all([
    orgIds.length ? db.selectFrom('directory_organizations').select(['id', 'fields']).where('id', 'in', orgIds).execute() : [],
    db.selectFrom('directory_contacts').select(['id', 'service_id', 'fields']).where('service_id', 'in', ids).orderBy('id').execute(),
    db.selectFrom('directory_service_at_locations').select(['id', 'service_id', 'location_id', 'fields']).where('service_id', 'in', ids).orderBy('id').execute(),
    db.selectFrom('directory_attributes').select(['id', 'link_id', 'taxonomy_term_id', 'fields']).where('link_id', 'in', ids).orderBy('id').execute(),
  ]);
  out.organizations = orgs.map((r) => ({ id: r.id, fields: parse(r.fields) }));
  out.contacts = contacts.map((r) => ({ id: r.id, serviceId: r.service_id, fields: parse(r.fields) }));
  out.serviceAtLocations = sals.map((r) => ({ id: r.id, serviceId: r.service_id, locationId: opt(r.location_id), fields: parse(r.fields) }));
  out.attributes = attributes.map((r) => ({ id: r.id, linkId: r.link_id, taxonomyTermId: opt(r.taxonomy_term_id), fields: parse(r.fields) }));
  const salIds = sals.map((s) => s.id);
  const locationIds = [...new Set(sals.map((s) => s.location_id).filter((v): v is string => !!v))];
  const termIds = [...new Set(attributes.map((a) => a.taxonomy_term_id).filter((v): v is string => !!v))];
  const [schedules, locations, terms] = await Promise.all([
    db
      .selectFrom('directory_schedules')
      .select(['id', 'service_id', 'service_at_location_id', 'fields'])
      .where((eb) => (salIds.length ? eb.or([eb('service_id', 'in', ids), eb('service_at_location_id', 'in', salIds)]) : eb('service_id', 'in', ids)))
      .orderBy('id')
      .execute(),
    locationIds.length ? db.selectFrom('directory_locations').select(['id', 'fields']).where('id', 'in', locationIds).execute() : [],
    termIds.length ? db.selectFrom('directory_taxonomy_terms').select(['id', 'taxonomy_id', 'fields']).where('id', 'in', termIds).execute() : [],
  ]);
  out.schedules = schedules.map((r) => ({ id: r.id, serviceId: opt(r.service_id), serviceAtLocationId: opt(r.service_at_location_id), fields: parse(r.fields) }));
  out.locations = locations.map((r) => ({ id: r.id, fields: parse(r.fields) }));
  out.taxonomyTerms = terms.map((r) => ({ id: r.id, taxonomyId: opt(r.taxonomy_id), fields: parse(r.fields) }));
  return out;
}

async function saveAll(trx: Transaction<Database>, r: DirectoryRecords): Promise<void> {
  await upsert(trx, 'directory_organizations', r.organizations.map((o) => ({ id: o.id, fields: json(o.fields) })));
  await upsert(trx, 'directory_taxonomies', r.taxonomies.map((t) => ({ id: t.id, fields: json(t.fields) })));
  await upsert(trx, 'directory_taxonomy_terms', r.taxonomyTerms.map((t) => ({ id: t.id, taxonomy_id: t.taxonomyId ?? null, fields: json(t.fields) })));
  await upsert(
    trx,
    'directory_locations',
    r.locations.map((l) => {
      const point = locationPoint(l);
      const postcode = locationPostcode(l);
      return { id: l.id, latitude: point?.lat ?? null, longitude: point?.long ?? null, postcode: postcode ?? null, postcode_district: postcode ? postcodeDistrict(postcode) : null, fields: json(l.fields) };
    }),
  );
  await upsert(
    trx,
    'directory_services',
    r.services.map((s) => ({ id: s.id, organization_id: s.organizationId ?? null, name: String(s.fields.name ?? ''), search_text: searchTextOf(s), modified_at: modifiedAt(s), fields: json(s.fields) })),
  );
  // A service saved again brings all of its parts: the old ones go, so nothing is duplicated or left behind.
  for (const ids of chunks(r.services.map((s) => s.id))) {
    const oldSals = trx.selectFrom('directory_service_at_locations').select('id').where('service_id', 'in', ids);
    await trx.deleteFrom('directory_schedules').where((eb) => eb.or([eb('service_id', 'in', ids), eb('service_at_location_id', 'in', oldSals)])).execute();
    await trx.deleteFrom('directory_service_at_locations').where('service_id', 'in', ids).execute();
    await trx.deleteFrom('directory_contacts').where('service_id', 'in', ids).execute();
    await trx.deleteFrom('directory_attributes').where('link_id', 'in', ids).execute();
  }
  await upsert(trx, 'directory_service_at_locations', r.serviceAtLocations.map((s) => ({ id: s.id, service_id: s.serviceId, location_id: s.locationId ?? null, fields: json(s.fields) })));
  await upsert(trx, 'directory_contacts', r.contacts.map((c) => ({ id: c.id, service_id: c.serviceId, fields: json(c.fields) })));
  await upsert(trx, 'directory_schedules', r.schedules.map((s) => ({ id: s.id, service_id: s.serviceId ?? null, service_at_location_id: s.serviceAtLocationId ?? null, fields: json(s.fields) })));
  await upsert(trx, 'directory_attributes', r.attributes.map((a) => ({ id: a.id, link_id: a.linkId, taxonomy_term_id: a.taxonomyTermId ?? null, fields: json(a.fields) })));
}

/** One row per id, the last given winning: PostgreSQL refuses to upsert one row twice in a statement. */
const uniqueById = <R extends { id: string }>(rows: R[]) => [...new Map(rows.map((r) => [r.id, r])).values()];

async function upsert<T extends keyof Database & `directory_${string}`>(trx: Db, table: T, rows: (Database[T] & { id: string })[]): Promise<void> {
  for (const part of chunks(uniqueById(rows))) {
    const columns = Object.keys(part[0]).filter((c) => c !== 'id');
    await trx
      .insertInto(table)
      .values(part as any)
      .onConflict((oc) => oc.column('id' as any).doUpdateSet(Object.fromEntries(columns.map((c) => [c, (eb: any) => eb.ref(`excluded.${c}`)])) as any))
      .execute();
  }
}
