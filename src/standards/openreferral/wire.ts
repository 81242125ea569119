import type { DirectoryRecords, Fields, LocationRecord, OrganizationRecord, ServiceAtLocationRecord, ServiceRecord, TaxonomyRecord, TaxonomyTermRecord } from '../../core/directory/records.ts';

/**
 * Records rendered as ORUK 3.0 wire objects: full (fully nested, as
 * `/services/{id}` returns) or list (one-to-one fields, as list pages carry).
 * A field that has no value is left out, never sent as null.
 */

/** The fields as given, without nulls and (for list shapes) without arrays. */
function present(fields: Fields, { arrays = true } = {}): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === null || v === undefined) continue;
    if (!arrays && Array.isArray(v)) continue;
    out[k] = v;
  }
  return out;
}

export const organizationList = (o: OrganizationRecord) => present(o.fields, { arrays: false });
export const organizationFull = (o: OrganizationRecord) => present(o.fields);
export const taxonomyWire = (t: TaxonomyRecord) => present(t.fields);
export const termWire = (t: TaxonomyTermRecord) => present(t.fields);

/** A service with its organisation, as `/services` lists it. */
export function serviceList(s: ServiceRecord, related: DirectoryRecords): Fields {
  const org = s.organizationId ? related.organizations.find((o) => o.id === s.organizationId) : undefined;
  return { ...present(s.fields, { arrays: false }), ...(org ? { organization: organizationList(org) } : {}) };
}

/** A service with everything about it nested, as `/services/{id}` returns it. */
export function serviceFull(s: ServiceRecord, related: DirectoryRecords): Fields {
  const org = s.organizationId ? related.organizations.find((o) => o.id === s.organizationId) : undefined;
  const sals = related.serviceAtLocations.filter((x) => x.serviceId === s.id);
  return {
    ...present(s.fields),
    ...(org ? { organization: organizationFull(org) } : {}),
    contacts: related.contacts.filter((c) => c.serviceId === s.id).map((c) => present(c.fields)),
    schedules: related.schedules.filter((x) => x.serviceId === s.id && !x.serviceAtLocationId).map((x) => present(x.fields)),
    service_at_locations: sals.map((sal) => salNested(sal, related)),
    attributes: attributesOf(s.id, related),
  };
}

function attributesOf(linkId: string, related: DirectoryRecords): Fields[] {
  return related.attributes
    .filter((a) => a.linkId === linkId)
    .map((a) => {
      const term = a.taxonomyTermId ? related.taxonomyTerms.find((t) => t.id === a.taxonomyTermId) : undefined;
      return { ...present(a.fields), ...(term ? { taxonomy_term: termWire(term) } : {}) };
    });
}

/** A service-at-location inside its service: its location in full and its own schedules. */
function salNested(sal: ServiceAtLocationRecord, related: DirectoryRecords): Fields {
  const location = sal.locationId ? related.locations.find((l) => l.id === sal.locationId) : undefined;
  const schedules = related.schedules.filter((x) => x.serviceAtLocationId === sal.id).map((x) => present(x.fields));
  return { ...present(sal.fields), ...(location ? { location: present(location.fields) } : {}), ...(schedules.length ? { schedules } : {}) };
}

/** As `/service_at_locations` lists it: the location's and the service's one-to-one fields. */
export function salList(sal: ServiceAtLocationRecord, related: DirectoryRecords): Fields {
  const location = sal.locationId ? related.locations.find((l) => l.id === sal.locationId) : undefined;
  const service = related.services.find((s) => s.id === sal.serviceId);
  return {
    ...present(sal.fields),
    service_id: sal.serviceId,
    ...(sal.locationId ? { location_id: sal.locationId } : {}),
    ...(location ? { location: present(location.fields, { arrays: false }) } : {}),
    ...(service ? { service: serviceList(service, related) } : {}),
  };
}

/** As `/service_at_locations/{id}` returns it (service_at_location.json): location and service in full. */
export function salFull(sal: ServiceAtLocationRecord, related: DirectoryRecords): Fields {
  const location: LocationRecord | undefined = sal.locationId ? related.locations.find((l) => l.id === sal.locationId) : undefined;
  const service = related.services.find((s) => s.id === sal.serviceId);
  return {
    ...present(sal.fields),
    service_id: sal.serviceId,
    ...(sal.locationId ? { location_id: sal.locationId } : {}),
    ...(location ? { location: present(location.fields) } : {}),
    ...(service ? { service: serviceFull(service, related) } : {}),
  };
}

/** The page envelope every list carries (the OpenAPI file's `Page`). */
export function pageOf(contents: Fields[], total: number, page: number, perPage: number) {
  const totalPages = Math.ceil(total / perPage);
  return {
    total_items: total,
    total_pages: totalPages,
    page_number: page,
    size: contents.length,
    first_page: page === 1,
    last_page: page >= totalPages,
    empty: contents.length === 0,
    contents,
  };
}
