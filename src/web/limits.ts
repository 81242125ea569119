import { MAX_DESCRIPTION } from '../core/requests/validate.ts';

/**
 * The longest answer each web page keeps in a draft. Description and
 * attribute text are the core's own limit (MAX_DESCRIPTION, checked by its
 * validators on each page). The core sets none yet on names, email, phone,
 * address or postcode; these are what a real one needs (an email address is at
 * most 254 characters by RFC 5321, a UK postcode 8), so a draft never holds
 * more than a final send should accept, and a session row stays small.
 */
export const WEB_LIMITS = {
  description: MAX_DESCRIPTION,
  attribute: MAX_DESCRIPTION,
  address: 500,
  postcode: 10,
  lat: 32,
  long: 32,
  firstName: 100,
  lastName: 100,
  email: 254,
  phone: 30,
} as const;

export type LimitedField = keyof typeof WEB_LIMITS;

/** The fields in `values` longer than their limit, in the order given. */
export const overLimit = (values: Partial<Record<LimitedField, string>>): LimitedField[] =>
  (Object.keys(values) as LimitedField[]).filter((k) => (values[k] ?? '').length > WEB_LIMITS[k]);
