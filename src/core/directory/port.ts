import type { DirectoryRecords, OrganizationRecord, ServiceAtLocationRecord, ServiceRecord, TaxonomyRecord, TaxonomyTermRecord } from './records.ts';

/** The filters Open Referral UK lists take (the profile's query parameters), already parsed. */
export interface DirectoryQuery {
  /** Every word must appear in the service's text (`search`). */
  text?: string;
  taxonomyTermId?: string;
  taxonomyId?: string;
  organizationId?: string;
  /** Services whose `last_modified` is on or after this time (`modified_after`). */
  modifiedAfter?: Date;
  /** service_at_locations only: locations within `metres` of a point (`postcode` with `proximity`). */
  near?: { lat: number; long: number; metres: number };
  /** service_at_locations only: locations in this postcode district (`postcode` alone). */
  postcodeDistrict?: string;
  offset: number;
  limit: number;
}

export interface Page<T> {
  total: number;
  items: T[];
}

export interface SaveCounts {
  organizations: number;
  services: number;
  locations: number;
  taxonomies: number;
  taxonomyTerms: number;
}

/**
 * The directory's storage port; `src/store/directory.ts` implements it on
 * both databases.
 *
 * @example
 *   await store.directory.save(records);            // upsert by id, one transaction
 *   const page = await store.directory.services({ text: 'food bank', offset: 0, limit: 50 });
 *   const full = await store.directory.related(page.items.map((s) => s.id));
 */
export interface DirectoryStore {
  /**
   * Upserts every record by id in one transaction. A service saved again has
   * its contacts, schedules, attributes and service-at-locations replaced by
   * the new ones, so an import run twice leaves one copy of each.
   */
  save(records: DirectoryRecords): Promise<SaveCounts>;
  services(query: DirectoryQuery): Promise<Page<ServiceRecord>>;
  serviceAtLocations(query: DirectoryQuery): Promise<Page<ServiceAtLocationRecord>>;
  organizations(query: Pick<DirectoryQuery, 'offset' | 'limit'>): Promise<Page<OrganizationRecord>>;
  taxonomies(query: Pick<DirectoryQuery, 'offset' | 'limit'>): Promise<Page<TaxonomyRecord>>;
  taxonomyTerms(query: Pick<DirectoryQuery, 'offset' | 'limit' | 'taxonomyId'>): Promise<Page<TaxonomyTermRecord>>;
  /** Everything needed to render these services in full: them, their organisations, contacts, schedules, attributes and terms, locations. */
  related(serviceIds: string[]): Promise<DirectoryRecords>;
  /** The services an organisation provides, by id. */
  serviceIdsOf(organizationId: string): Promise<string[]>;
  organization(id: string): Promise<OrganizationRecord | undefined>;
  taxonomy(id: string): Promise<TaxonomyRecord | undefined>;
  taxonomyTerm(id: string): Promise<TaxonomyTermRecord | undefined>;
  serviceAtLocation(id: string): Promise<ServiceAtLocationRecord | undefined>;
  /** Where a postcode is, from the directory's own located addresses (the postcode, else its sector); undefined when unknown. */
  locatePostcode(postcode: string): Promise<{ lat: number; long: number } | undefined>;
  /** When each Open311 service of a council (by code) last changed, for the entries the catalogue gives the directory. */
  catalogueChangedAt(jurisdictionId: string): Promise<Map<string, Date>>;
}
