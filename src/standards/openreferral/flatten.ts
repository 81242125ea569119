import { emptyRecords, type DirectoryRecords, type Fields } from '../../core/directory/records.ts';

/** Keys of a nested ORUK service that are records of their own, not fields of the service. */
const SERVICE_PARTS = ['organization', 'contacts', 'schedules', 'service_at_locations', 'attributes'];

const without = (o: Fields, keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
const list = (v: unknown): Fields[] => (Array.isArray(v) ? v.filter((x): x is Fields => !!x && typeof x === 'object') : []);
const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/**
 * Fully nested ORUK services (as `/services/{id}` gives them) split into the
 * directory's records, keeping every field of each as given. Ids link them:
 * a nested part without `service_id` belongs to the service it sits in.
 */
export function flattenServices(services: Fields[]): DirectoryRecords {
  const out = emptyRecords();
  for (const s of services) {
    const id = String(s.id);
    const org = s.organization && typeof s.organization === 'object' ? (s.organization as Fields) : undefined;
    const organizationId = str(s.organization_id) ?? str(org?.id);
    if (org?.id) out.organizations.push({ id: String(org.id), fields: without(org, ['services']) });
    out.services.push({ id, ...(organizationId ? { organizationId } : {}), fields: without(s, SERVICE_PARTS) });
    for (const c of list(s.contacts)) out.contacts.push({ id: String(c.id), serviceId: id, fields: c });
    for (const x of list(s.schedules)) out.schedules.push({ id: String(x.id), serviceId: id, fields: x });
    for (const sal of list(s.service_at_locations)) {
      const salId = String(sal.id);
      const location = sal.location && typeof sal.location === 'object' ? (sal.location as Fields) : undefined;
      const locationId = str(sal.location_id) ?? str(location?.id);
      if (location?.id) out.locations.push({ id: String(location.id), fields: location });
      out.serviceAtLocations.push({ id: salId, serviceId: id, ...(locationId ? { locationId } : {}), fields: without(sal, ['location', 'schedules', 'service']) });
      for (const x of list(sal.schedules)) out.schedules.push({ id: String(x.id), serviceAtLocationId: salId, fields: x });
    }
    for (const a of list(s.attributes)) {
      const term = a.taxonomy_term && typeof a.taxonomy_term === 'object' ? (a.taxonomy_term as Fields) : undefined;
      const termId = str(a.taxonomy_term_id) ?? str(term?.id);
      if (term?.id) {
        const taxonomyId = str(term.taxonomy_id);
        out.taxonomyTerms.push({ id: String(term.id), ...(taxonomyId ? { taxonomyId } : {}), fields: without(term, ['taxonomy_detail']) });
        const detail = term.taxonomy_detail && typeof term.taxonomy_detail === 'object' ? (term.taxonomy_detail as Fields) : undefined;
        if (detail?.id) out.taxonomies.push({ id: String(detail.id), fields: without(detail, ['taxonomy_terms']) });
      }
      out.attributes.push({ id: String(a.id), linkId: id, ...(termId ? { taxonomyTermId: termId } : {}), fields: without(a, ['taxonomy_term']) });
    }
  }
  return out;
}
