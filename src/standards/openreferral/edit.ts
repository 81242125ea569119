import { randomUUID } from 'node:crypto';
import type { DirectoryStore, SaveCounts } from '../../core/directory/port.ts';
import type { Fields } from '../../core/directory/records.ts';
import { flattenServices } from './flatten.ts';
import { problemsOf, type SchemaProblem } from './schemas.ts';
import { serviceFull } from './wire.ts';
import { normalPostcode } from '../../core/directory/records.ts';

/** The ORUK 3.0 service statuses (service.json `status`). */
export const SERVICE_STATUSES = ['active', 'inactive', 'defunct', 'temporarily closed'] as const;

/** What the staff console's form edits of one service; everything else the entry holds is kept. */
export interface ServiceEdit {
  name: string;
  description: string;
  url: string;
  email: string;
  status: string;
  organizationId: string;
  contacts: { id?: string; name: string; title: string }[];
  locations: { salId?: string; locationId?: string; addressId?: string; name: string; address1: string; city: string; county: string; postcode: string }[];
}

const blank = (o: Record<string, string | undefined>, keys: string[]) => keys.every((k) => !(o[k] ?? '').trim());
const set = (o: Fields, key: string, value: string) => {
  if (value.trim()) o[key] = value.trim();
  else delete o[key];
};

/** A directory service as the form shows it (an absent id: a new, empty one). */
export async function serviceForEditing(directory: DirectoryStore, id: string): Promise<Fields | undefined> {
  const related = await directory.related([id]);
  const s = related.services.find((x) => x.id === id);
  return s && serviceFull(s, related);
}

export function editOf(full: Fields | undefined): ServiceEdit {
  const f = full ?? {};
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const list = (v: unknown) => (Array.isArray(v) ? (v as Fields[]) : []);
  return {
    name: str(f.name),
    description: str(f.description),
    url: str(f.url),
    email: str(f.email),
    status: str(f.status) || 'active',
    organizationId: str(f.organization_id) || str((f.organization as Fields | undefined)?.id),
    contacts: list(f.contacts).map((c) => ({ id: str(c.id), name: str(c.name), title: str(c.title) })),
    locations: list(f.service_at_locations).map((sal) => {
      const loc = (sal.location as Fields | undefined) ?? {};
      const a = list(loc.addresses)[0] ?? {};
      return { salId: str(sal.id), locationId: str(loc.id), addressId: str(a.id), name: str(loc.name), address1: str(a.address_1), city: str(a.city), county: str(a.state_province), postcode: str(a.postal_code) };
    }),
  };
}

/**
 * Applies a form's edit to the service as stored (every field the form does
 * not show is kept as imported), then checks and saves it the way
 * `directory import` does: the whole service against the ORUK schema, and an
 * upsert by id that replaces its contacts and service-at-locations. Rows left
 * blank are removed. Nothing is saved when there is a problem.
 */
export async function saveServiceEdit(directory: DirectoryStore, id: string | undefined, edit: ServiceEdit, now: Date): Promise<{ id: string; problems: (SchemaProblem & { row?: { list: 'contacts' | 'locations'; index: number; key: string } })[]; saved?: SaveCounts }> {
  const existing = id ? await serviceForEditing(directory, id) : undefined;
  const serviceId = existing ? String(existing.id) : randomUUID();
  const doc: Fields = { ...(existing ?? {}), id: serviceId };
  delete doc.organization;
  set(doc, 'name', edit.name);
  set(doc, 'description', edit.description);
  set(doc, 'url', edit.url);
  set(doc, 'email', edit.email);
  set(doc, 'status', edit.status);
  set(doc, 'organization_id', edit.organizationId);
  doc.last_modified = now.toISOString();
  const before = new Map(((existing?.contacts as Fields[] | undefined) ?? []).map((c) => [String(c.id), c]));
  const contactRows = edit.contacts.map((c, i) => ({ c, i })).filter(({ c }) => !blank(c, ['name', 'title']));
  doc.contacts = contactRows
    .map(({ c }) => {
      const out: Fields = { ...(c.id ? before.get(c.id) ?? {} : {}), id: c.id && before.has(c.id) ? c.id : randomUUID(), service_id: serviceId };
      set(out, 'name', c.name);
      set(out, 'title', c.title);
      return out;
    });
  const sals = new Map(((existing?.service_at_locations as Fields[] | undefined) ?? []).map((s) => [String(s.id), s]));
  const locationRows = edit.locations.map((l, i) => ({ l, i })).filter(({ l }) => !blank(l, ['name', 'address1', 'city', 'county', 'postcode']));
  doc.service_at_locations = locationRows
    .map(({ l }) => {
      const old = l.salId ? sals.get(l.salId) : undefined;
      const oldLoc = (old?.location as Fields | undefined) ?? {};
      const oldAddr = ((oldLoc.addresses as Fields[] | undefined) ?? [])[0] ?? {};
      const locationId = String(oldLoc.id ?? randomUUID());
      const address: Fields = { country: 'GB', address_type: 'physical', ...oldAddr, id: String(oldAddr.id ?? randomUUID()), location_id: locationId };
      set(address, 'address_1', l.address1);
      set(address, 'city', l.city);
      set(address, 'state_province', l.county);
      // A UK postcode in its one spelling, so postcode searches find the place.
      set(address, 'postal_code', normalPostcode(l.postcode) ?? l.postcode);
      const location: Fields = { location_type: 'physical', ...oldLoc, id: locationId, addresses: [address, ...((oldLoc.addresses as Fields[] | undefined) ?? []).slice(1)] };
      set(location, 'name', l.name);
      return { ...(old ?? {}), id: String(old?.id ?? randomUUID()), service_id: serviceId, location_id: locationId, location };
    });
  // Each problem of a contact or a place names the form's row, as the person filling it in counts them.
  const badPostcodes = locationRows.flatMap(({ l }, k) => (l.postcode.trim() && !normalPostcode(l.postcode) ? [{ path: `$.service_at_locations[${k}].location.addresses[0].postal_code`, message: 'must be a UK postcode, such as SW1A 1AA' }] : []));
  const problems = [...problemsOf('service', doc), ...badPostcodes].map((p) => {
    const c = /^\$\.contacts\[(\d+)\]\.(\w+)/.exec(p.path);
    if (c) return { ...p, row: { list: 'contacts' as const, index: contactRows[Number(c[1])]?.i ?? 0, key: c[2] } };
    const l = /^\$\.service_at_locations\[(\d+)\]\.location(?:\.addresses\[0\])?\.(\w+)/.exec(p.path);
    if (l) return { ...p, row: { list: 'locations' as const, index: locationRows[Number(l[1])]?.i ?? 0, key: l[2] } };
    return p;
  });
  if (problems.length) return { id: serviceId, problems };
  return { id: serviceId, problems, saved: await directory.save(flattenServices([doc])) };
}
