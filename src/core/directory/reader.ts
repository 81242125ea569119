import type { DirectoryQuery, DirectoryStore, Page } from './port.ts';
import { emptyRecords, modifiedAt, searchTextOf, type DirectoryRecords, type ServiceRecord } from './records.ts';

/**
 * What the directory says: the councils' own requestable services (from the
 * Open311 catalogue, `catalogue()`) first, then the imported records, as one
 * list that pages as if it were one table.
 */
export class DirectoryReader {
  constructor(
    private readonly store: DirectoryStore,
    private readonly catalogue: () => Promise<DirectoryRecords>,
  ) {}

  async services(q: DirectoryQuery): Promise<Page<ServiceRecord>> {
    const own = q.near || q.postcodeDistrict ? [] : matching(await this.catalogue(), q);
    return merged(own, q, (offset, limit) => this.store.services({ ...q, offset, limit }));
  }

  // Catalogue services have no location, so service_at_locations are the imported ones alone.
  serviceAtLocations = (q: DirectoryQuery) => this.store.serviceAtLocations(q);

  async organizations(q: { offset: number; limit: number }) {
    const own = (await this.catalogue()).organizations;
    return merged(own, q, (offset, limit) => this.store.organizations({ offset, limit }));
  }

  async taxonomies(q: { offset: number; limit: number }) {
    const own = (await this.catalogue()).taxonomies;
    return merged(own, q, (offset, limit) => this.store.taxonomies({ offset, limit }));
  }

  async taxonomyTerms(q: { offset: number; limit: number; taxonomyId?: string }) {
    const own = (await this.catalogue()).taxonomyTerms.filter((t) => !q.taxonomyId || t.taxonomyId === q.taxonomyId);
    return merged(own, q, (offset, limit) => this.store.taxonomyTerms({ ...q, offset, limit }));
  }

  /** Everything needed to render these services in full. */
  async related(serviceIds: string[]): Promise<DirectoryRecords> {
    const own = await this.catalogue();
    const ours = new Set(own.services.map((s) => s.id));
    const stored = await this.store.related(serviceIds.filter((id) => !ours.has(id)));
    const wanted = new Set(serviceIds.filter((id) => ours.has(id)));
    if (!wanted.size) return stored;
    const services = own.services.filter((s) => wanted.has(s.id));
    const orgIds = new Set(services.map((s) => s.organizationId));
    const attributes = own.attributes.filter((a) => wanted.has(a.linkId));
    const termIds = new Set(attributes.map((a) => a.taxonomyTermId));
    return combine(stored, {
      ...emptyRecords(),
      services,
      organizations: own.organizations.filter((o) => orgIds.has(o.id)),
      attributes,
      taxonomyTerms: own.taxonomyTerms.filter((t) => termIds.has(t.id)),
    });
  }

  async serviceIdsOf(organizationId: string): Promise<string[]> {
    const own = (await this.catalogue()).services.filter((s) => s.organizationId === organizationId).map((s) => s.id);
    return own.length ? own : this.store.serviceIdsOf(organizationId);
  }

  async organization(id: string) {
    return (await this.catalogue()).organizations.find((o) => o.id === id) ?? this.store.organization(id);
  }

  async taxonomy(id: string) {
    return (await this.catalogue()).taxonomies.find((t) => t.id === id) ?? this.store.taxonomy(id);
  }

  async taxonomyTerm(id: string) {
    return (await this.catalogue()).taxonomyTerms.find((t) => t.id === id) ?? this.store.taxonomyTerm(id);
  }

  /** The terms of a taxonomy, for rendering it in full. */
  async termsOf(taxonomyId: string) {
    const own = (await this.catalogue()).taxonomyTerms.filter((t) => t.taxonomyId === taxonomyId);
    if (own.length) return own;
    return (await this.store.taxonomyTerms({ taxonomyId, offset: 0, limit: 10_000 })).items;
  }

  serviceAtLocation = (id: string) => this.store.serviceAtLocation(id);
  locatePostcode = (postcode: string) => this.store.locatePostcode(postcode);
}

/** The catalogue's services that pass the same filters the store applies. */
function matching(own: DirectoryRecords, q: DirectoryQuery): ServiceRecord[] {
  const words = (q.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const termsOf = (serviceId: string) => own.attributes.filter((a) => a.linkId === serviceId).map((a) => a.taxonomyTermId);
  const taxonomyOf = new Map(own.taxonomyTerms.map((t) => [t.id, t.taxonomyId]));
  return own.services
    .filter((s) => words.every((w) => searchTextOf(s).includes(w)))
    .filter((s) => !q.taxonomyTermId || termsOf(s.id).includes(q.taxonomyTermId))
    .filter((s) => !q.taxonomyId || termsOf(s.id).some((t) => t && taxonomyOf.get(t) === q.taxonomyId))
    .filter((s) => !q.organizationId || s.organizationId === q.organizationId)
    .filter((s) => !q.modifiedAfter || modifiedAt(s) >= q.modifiedAfter.getTime());
}

/** One page across the catalogue's items (first) and the store's. */
async function merged<T>(own: T[], q: { offset: number; limit: number }, stored: (offset: number, limit: number) => Promise<Page<T>>): Promise<Page<T>> {
  const head = own.slice(q.offset, q.offset + q.limit);
  const rest = await stored(Math.max(0, q.offset - own.length), q.limit - head.length);
  return { total: own.length + rest.total, items: [...head, ...rest.items] };
}

function combine(a: DirectoryRecords, b: DirectoryRecords): DirectoryRecords {
  const out = emptyRecords();
  for (const key of Object.keys(out) as (keyof DirectoryRecords)[]) (out[key] as unknown[]) = [...a[key], ...b[key]];
  return out;
}
