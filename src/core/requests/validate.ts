import type { Service, ServiceAttribute } from '../services/service.ts';
import type { AttributeAnswers, Location } from './request.ts';
import type { FieldProblem } from '../errors.ts';

export const MAX_DESCRIPTION = 4000;

/** Client line endings vary (FixMyStreet sends CRLF); store one kind. */
export const normaliseNewlines = (s: string) => s.replace(/\r\n?/g, '\n');

// Characters XML 1.0 cannot carry (C0 controls other than tab, LF and CR, the
// two non-characters and unpaired surrogates): they are removed from input, so
// a stored text can always be written into an Open311 XML answer.
const NOT_XML = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export const removeControlChars = (s: string) => s.replace(NOT_XML, '');

/** The one normalisation of free text from any front end: controls removed, LF newlines, trimmed. */
export const normaliseText = (s: string) => normaliseNewlines(removeControlChars(s)).trim();

/** Codes that are names on every JavaScript object; as attribute codes they would break the answers map. */
const RESERVED_CODES = new Set(Object.getOwnPropertyNames(Object.prototype));

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
// ISO 8601 / W3C datetime; the time zone is optional because FixMyStreet sends datetime-local values.
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export const parseNumber = (s: string): number | undefined => (NUMBER.test(s.trim()) ? Number(s.trim()) : undefined);

/** True when `s` is a real calendar date and time (no 31 February, no 25:00). */
export function isRealDatetime(s: string): boolean {
  const m = DATETIME.exec(s.trim());
  if (!m) return false;
  const [, y, mo, d, h = '0', mi = '0', sec = '0'] = m;
  const date = new Date(Date.UTC(+y, +mo - 1, +d));
  return (
    date.getUTCFullYear() === +y &&
    date.getUTCMonth() === +mo - 1 &&
    date.getUTCDate() === +d &&
    +h < 24 &&
    +mi < 60 &&
    +sec < 60
  );
}

function checkAttribute(a: ServiceAttribute, raw: string | string[] | undefined, problems: FieldProblem[]): string | string[] | undefined {
  const field = `attribute[${a.code}]`;
  const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(normaliseText).filter((v) => v !== '');
  if (!values.length) {
    if (a.required && a.variable && a.automated !== 'server_set') problems.push({ field, message: `${field} is required: ${a.description}` });
    return undefined;
  }
  if (a.datatype === 'multivaluelist') {
    const keys = new Set((a.values ?? []).map((v) => v.key));
    const bad = values.filter((v) => !keys.has(v));
    if (bad.length) problems.push({ field, message: `${field} has ${bad.map((b) => `"${b}"`).join(', ')}, not among the allowed values (${[...keys].join(', ')})` });
    return values;
  }
  if (values.length > 1) {
    problems.push({ field, message: `${field} takes one value, got ${values.length}` });
    return undefined;
  }
  const v = values[0];
  switch (a.datatype) {
    case 'number':
      if (parseNumber(v) === undefined) problems.push({ field, message: `${field} must be a number, got "${v}"` });
      break;
    case 'datetime':
      if (!isRealDatetime(v)) problems.push({ field, message: `${field} must be a real date and time such as 2026-03-01T14:30, got "${v}"` });
      break;
    case 'singlevaluelist': {
      const keys = (a.values ?? []).map((x) => x.key);
      if (!keys.includes(v)) problems.push({ field, message: `${field} must be one of ${keys.join(', ')}, got "${v}"` });
      break;
    }
    case 'string':
      if (v.includes('\n')) problems.push({ field, message: `${field} must be one line of text` });
      break;
  }
  if (v.length > MAX_DESCRIPTION) problems.push({ field, message: `${field} must be ${MAX_DESCRIPTION} characters or fewer` });
  return v;
}

/**
 * Checks answers against a service definition. Attributes the definition does
 * not list are passed through untouched: FixMyStreet sends extras such as
 * `fixmystreet_id` and servers must not reject them (UK profile).
 */
export function validateAttributes(service: Service, answers: AttributeAnswers): { answers: AttributeAnswers; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const out: AttributeAnswers = {};
  for (const [code, value] of Object.entries(answers)) {
    if (RESERVED_CODES.has(code)) {
      problems.push({ field: `attribute[${code}]`, message: `attribute[${code}] is not an attribute code this server accepts` });
      continue;
    }
    out[code] = Array.isArray(value) ? value.map(normaliseText) : normaliseText(value);
  }
  for (const a of service.attributes) {
    const checked = checkAttribute(a, Object.hasOwn(answers, a.code) ? answers[a.code] : undefined, problems);
    if (checked === undefined) delete out[a.code];
    else out[a.code] = checked;
  }
  return { answers: out, problems };
}

/** Raw location fields as strings, from any front end. */
export interface LocationInput {
  lat?: string;
  long?: string;
  address?: string;
  addressId?: string;
  zipcode?: string;
}

/** GeoReport v2: one of lat & long, address_string or address_id must be given. */
export function validateLocation(input: LocationInput, answers: AttributeAnswers): { location: Location; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const location: Location = {};
  const hasLat = !!input.lat?.trim();
  const hasLong = !!input.long?.trim();
  if (hasLat || hasLong) {
    const lat = parseNumber(input.lat ?? '');
    const long = parseNumber(input.long ?? '');
    if (!hasLat || !hasLong) problems.push({ field: hasLat ? 'long' : 'lat', message: 'lat and long must be given together' });
    else if (lat === undefined || lat < -90 || lat > 90) problems.push({ field: 'lat', message: `lat must be a number from -90 to 90, got "${input.lat}"` });
    else if (long === undefined || long < -180 || long > 180) problems.push({ field: 'long', message: `long must be a number from -180 to 180, got "${input.long}"` });
    else Object.assign(location, { lat, long });
  }
  if (input.address && normaliseText(input.address)) location.address = normaliseText(input.address);
  if (input.addressId?.trim()) location.addressId = input.addressId.trim();
  if (input.zipcode?.trim()) location.zipcode = input.zipcode.trim();
  if (location.lat === undefined && !location.address && !location.addressId && !problems.length) {
    problems.push({ field: 'location', message: 'A location is required: lat and long, address_string or address_id' });
  }
  // UK servers define these as attributes that FixMyStreet fills; keep them as first-class location too.
  const single = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() || undefined;
  const uprn = single(answers.uprn);
  if (uprn) location.uprn = uprn;
  for (const axis of ['easting', 'northing'] as const) {
    const n = parseNumber(single(answers[axis]) ?? '');
    if (n !== undefined) location[axis] = n;
  }
  return { location, problems };
}

export function validateDescription(description: string | undefined): { description?: string; problems: FieldProblem[] } {
  // Counted after normalising, so a CRLF client gets the same 4000 characters as any other.
  const text = normaliseText(description ?? '');
  if (text === '') return { problems: [] };
  if (text.length > MAX_DESCRIPTION) {
    return { problems: [{ field: 'description', message: `description must be ${MAX_DESCRIPTION} characters or fewer, got ${text.length}` }] };
  }
  return { description: text, problems: [] };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Paging of list calls: pages from 1, at most 1000 items a page, and a page number the databases can offset by. */
export const MAX_PAGE_SIZE = 1000;
export const MAX_PAGE = 1_000_000;
export function validatePaging(page = 1, pageSize = MAX_PAGE_SIZE): { page: number; pageSize: number; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  if (!Number.isInteger(page) || page < 1 || page > MAX_PAGE) problems.push({ field: 'page', message: `page must be a whole number from 1 to ${MAX_PAGE}` });
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    problems.push({ field: 'page_size', message: `page_size must be a whole number from 1 to ${MAX_PAGE_SIZE}` });
  }
  return { page, pageSize, problems };
}

export function validateEmail(email: string | undefined, field = 'email'): FieldProblem[] {
  if (!email?.trim() || EMAIL.test(email.trim())) return [];
  return [{ field, message: `${field} must be an email address such as name@example.com, got "${email}"` }];
}
