import type { RequestJob } from '../port.ts';

/**
 * The form fields of POST requests, spelt as GeoReport v2 says (strict
 * writing: whatever the upstream answers, Pipework sends the spec).
 */
export function requestFields(job: RequestJob, serviceCode: string, common: [string, string][]): [string, string][] {
  const r = job.request;
  const fields: [string, string][] = [...common, ['service_code', serviceCode]];
  const add = (k: string, v: unknown) => v !== undefined && v !== null && v !== '' && fields.push([k, String(v)]);
  add('description', r.description);
  add('lat', r.location.lat);
  add('long', r.location.long);
  add('address_string', r.location.address);
  add('address_id', r.location.addressId);
  add('zipcode', r.location.zipcode);
  add('email', job.contact.email);
  add('first_name', job.contact.firstName);
  add('last_name', job.contact.lastName);
  add('phone', job.contact.phone);
  add('account_id', r.accountId);
  add('device_id', r.deviceId);
  add('media_url', r.mediaUrls[0]);
  for (const [code, value] of Object.entries(r.attributes)) for (const v of [value].flat()) add(`attribute[${code}]`, v);
  return fields;
}

const norm = (v: unknown) => String(v ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
const near = (a: unknown, b: unknown) => {
  const x = Number(a);
  const y = Number(b);
  // Upstreams round coordinates (often to 6 places, some to 4): about 10 m.
  return Number.isFinite(x) && Number.isFinite(y) && Math.abs(x - y) < 1e-4;
};

/**
 * Does a case the upstream lists look like the one this job sent? Matched on
 * the fields Pipework sent and GET requests gives back: service code,
 * description, and the location (coordinates, else the address).
 */
export function sameCase(sent: [string, string][], found: Record<string, unknown>): boolean {
  const f = new Map(sent);
  if (norm(found.service_code) && norm(found.service_code) !== norm(f.get('service_code'))) return false;
  if (norm(found.description) !== norm(f.get('description'))) return false;
  if (f.has('lat') && found.lat !== undefined && found.lat !== null && found.lat !== '') return near(found.lat, f.get('lat')) && near(found.long, f.get('long'));
  if (f.has('address_string') && found.address) return norm(found.address) === norm(f.get('address_string'));
  return true;
}
