import { invalid, type FieldProblem } from '../../core/errors.ts';
import { normalPostcode, postcodeDistrict } from '../../core/directory/records.ts';
import type { DirectoryQuery } from '../../core/directory/port.ts';

export const MAX_PER_PAGE = 500;
export const DEFAULT_PER_PAGE = 50;
const MAX_PROXIMITY_METRES = 100_000;

type Query = Record<string, string | string[] | undefined>;
// Profile filters this directory does not apply: refused by name rather than silently ignored.
const UNSUPPORTED = ['minimum_age', 'maximum_age', 'start_time', 'end_time', 'day', 'minimal', 'full', 'full_service', 'format'];

export interface ListParams extends Omit<DirectoryQuery, 'near'> {
  page: number;
  perPage: number;
  /** `postcode` with `proximity`: the point is found later (it needs the store). */
  nearPostcode?: { postcode: string; metres: number };
}

function one(q: Query, name: string, problems: FieldProblem[]): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) {
    problems.push({ field: name, message: `${name} was given ${v.length} times: give it once` });
    return undefined;
  }
  return v === undefined || v === '' ? undefined : v;
}

function wholeNumber(q: Query, name: string, fallback: number, max: number, problems: FieldProblem[]): number {
  const v = one(q, name, problems);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) {
    problems.push({ field: name, message: `${name} must be a whole number from 1 to ${max}, not "${v}"` });
    return fallback;
  }
  return Number(v);
}

/**
 * The query of a list: `page`, `per_page` and, for services and
 * service_at_locations, the profile's filters. Every problem is named at
 * once; the error says what to send instead.
 */
export function listParams(q: Query, allowed: 'paging' | 'services' | 'service_at_locations' | 'taxonomy_terms'): ListParams {
  const problems: FieldProblem[] = [];
  const page = wholeNumber(q, 'page', 1, 1_000_000, problems);
  const perPage = wholeNumber(q, 'per_page', DEFAULT_PER_PAGE, MAX_PER_PAGE, problems);
  const out: ListParams = { page, perPage, offset: 0, limit: perPage };
  if (allowed === 'taxonomy_terms') {
    const taxonomyId = one(q, 'taxonomy_id', problems);
    if (taxonomyId) out.taxonomyId = taxonomyId;
  }
  if (allowed === 'services' || allowed === 'service_at_locations') {
    for (const name of UNSUPPORTED) if (q[name] !== undefined) problems.push({ field: name, message: `${name} is not a filter this directory supports` });
    const text = one(q, 'search', problems);
    if (text) out.text = text;
    const term = one(q, 'taxonomy_term_id', problems);
    if (term) out.taxonomyTermId = term;
    const taxonomy = one(q, 'taxonomy_id', problems);
    if (taxonomy) out.taxonomyId = taxonomy;
    const org = one(q, 'organization_id', problems);
    if (org) out.organizationId = org;
    const since = one(q, 'modified_after', problems);
    if (since) {
      const t = Date.parse(since);
      if (!/^\d{4}-\d{2}-\d{2}/.test(since) || !Number.isFinite(t)) problems.push({ field: 'modified_after', message: `modified_after must be a date or a date and time, such as 2026-01-31T09:00:00Z, not "${since}"` });
      else out.modifiedAfter = new Date(t);
    }
    const postcodeText = one(q, 'postcode', problems);
    const proximityText = one(q, 'proximity', problems);
    if ((postcodeText || proximityText) && allowed === 'services') {
      problems.push({ field: postcodeText ? 'postcode' : 'proximity', message: 'postcode and proximity filter /service_at_locations, where services have a place' });
    } else if (postcodeText || proximityText) {
      const postcode = postcodeText && normalPostcode(postcodeText);
      if (!postcodeText) problems.push({ field: 'proximity', message: 'proximity needs a postcode to measure from' });
      else if (!postcode) problems.push({ field: 'postcode', message: `postcode must be a UK postcode, such as SW1A 1AA, not "${postcodeText}"` });
      let metres: number | undefined;
      if (proximityText) {
        metres = Number(proximityText);
        if (!/^\d+(\.\d+)?$/.test(proximityText) || metres <= 0 || metres > MAX_PROXIMITY_METRES) {
          problems.push({ field: 'proximity', message: `proximity must be a distance in metres from 1 to ${MAX_PROXIMITY_METRES}, not "${proximityText}"` });
          metres = undefined;
        }
      }
      if (postcode && metres) out.nearPostcode = { postcode, metres };
      else if (postcode && !proximityText) out.postcodeDistrict = postcodeDistrict(postcode);
    }
  }
  if (problems.length) throw invalid(problems);
  out.offset = (page - 1) * perPage;
  return out;
}
