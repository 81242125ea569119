/**
 * The directory's records (Open Referral UK 3.0, the UK profile of HSDS).
 *
 * HSDS is itself the vocabulary people who run directories speak, so a
 * record keeps the standard's fields as given (`fields`, snake_case, without
 * the nested collections, which are records of their own) and adds only the
 * links between records, camelCase. An import therefore exports again with
 * every field it had (decision 0090).
 */
export type Fields = Record<string, unknown>;

export interface OrganizationRecord {
  id: string;
  fields: Fields;
}

export interface ServiceRecord {
  id: string;
  organizationId?: string;
  fields: Fields;
}

export interface LocationRecord {
  id: string;
  fields: Fields;
}

export interface ServiceAtLocationRecord {
  id: string;
  serviceId: string;
  locationId?: string;
  fields: Fields;
}

export interface ContactRecord {
  id: string;
  serviceId: string;
  fields: Fields;
}

export interface ScheduleRecord {
  id: string;
  serviceId?: string;
  serviceAtLocationId?: string;
  fields: Fields;
}

export interface TaxonomyRecord {
  id: string;
  fields: Fields;
}

export interface TaxonomyTermRecord {
  id: string;
  taxonomyId?: string;
  fields: Fields;
}

/** Links a taxonomy term to a service (`link_id`). */
export interface AttributeRecord {
  id: string;
  linkId: string;
  taxonomyTermId?: string;
  fields: Fields;
}

/** A set of records: what an import brings, or what one page needs to render its services in full. */
export interface DirectoryRecords {
  organizations: OrganizationRecord[];
  services: ServiceRecord[];
  locations: LocationRecord[];
  serviceAtLocations: ServiceAtLocationRecord[];
  contacts: ContactRecord[];
  schedules: ScheduleRecord[];
  taxonomies: TaxonomyRecord[];
  taxonomyTerms: TaxonomyTermRecord[];
  attributes: AttributeRecord[];
}

export const emptyRecords = (): DirectoryRecords => ({
  organizations: [],
  services: [],
  locations: [],
  serviceAtLocations: [],
  contacts: [],
  schedules: [],
  taxonomies: [],
  taxonomyTerms: [],
  attributes: [],
});

/** When a service last changed: its `last_modified`, else never (epoch 0). */
export function modifiedAt(service: ServiceRecord): number {
  const t = Date.parse(String(service.fields.last_modified ?? ''));
  return Number.isFinite(t) ? t : 0;
}

/** The words a text search looks in: name, description and the other free-text fields of a service. */
export function searchTextOf(service: ServiceRecord): string {
  const f = service.fields;
  return [f.name, f.description, f.alert, f.fees, f.accreditations]
    .filter((v): v is string => typeof v === 'string')
    .join(' ')
    .toLowerCase();
}

/** A UK postcode in its one spelling (upper case, one space before the inward code), or undefined when it is not one. */
export function normalPostcode(text: string): string | undefined {
  const m = /^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$/.exec(text.trim().toUpperCase());
  return m ? `${m[1]} ${m[2]}` : undefined;
}

/** The postcode district (outward code): `SW1A 1AA` → `SW1A`. */
export const postcodeDistrict = (postcode: string) => postcode.split(' ')[0];

/** A location's first address postcode, normalised, if it has a UK one. */
export function locationPostcode(location: LocationRecord): string | undefined {
  const addresses = location.fields.addresses;
  if (!Array.isArray(addresses)) return undefined;
  for (const a of addresses) {
    const p = typeof a?.postal_code === 'string' ? normalPostcode(a.postal_code) : undefined;
    if (p) return p;
  }
  return undefined;
}

/** A location's point, when it has both coordinates. */
export function locationPoint(location: LocationRecord): { lat: number; long: number } | undefined {
  const { latitude, longitude } = location.fields;
  return typeof latitude === 'number' && typeof longitude === 'number' ? { lat: latitude, long: longitude } : undefined;
}
