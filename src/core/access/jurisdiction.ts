import type { Store } from '../store.ts';
import { PipeworkError } from '../errors.ts';

/**
 * Which council a call is about, decided once for every edge. GeoReport v2:
 * jurisdiction_id "is only required if the endpoint serves multiple
 * jurisdictions", so with one council it may be left out.
 *
 * @example pickJurisdiction(['example'], undefined) // { id: 'example' }
 */
export type JurisdictionChoice =
  | { id: string }
  | { problem: 'unknown' | 'required' | 'none'; requested?: string; known: string[] };

export function pickJurisdiction(known: string[], requested: string | undefined): JurisdictionChoice {
  const id = requested?.trim();
  if (id) return known.includes(id) ? { id } : { problem: 'unknown', requested: id, known };
  if (known.length === 1) return { id: known[0] };
  return { problem: known.length ? 'required' : 'none', known };
}

/** The same choice against the store; an edge that speaks JSON or XML renders the error it throws. */
export async function chooseJurisdiction(store: Store, requested: string | undefined): Promise<JurisdictionChoice> {
  return pickJurisdiction((await store.jurisdictions.list()).map((j) => j.id), requested);
}

/** Throws JURISDICTION_NOT_FOUND or JURISDICTION_REQUIRED, worded for API clients (the field is jurisdiction_id). */
export async function resolveJurisdiction(store: Store, requested: string | undefined): Promise<string> {
  const c = await chooseJurisdiction(store, requested);
  if ('id' in c) return c.id;
  if (c.problem === 'unknown') throw new PipeworkError('JURISDICTION_NOT_FOUND', `jurisdiction_id "${c.requested}" was not found`);
  if (c.problem === 'none') throw new PipeworkError('JURISDICTION_NOT_FOUND', 'No jurisdiction is configured on this server');
  throw new PipeworkError('JURISDICTION_REQUIRED', `jurisdiction_id was not provided; this server serves ${c.known.join(', ')}`);
}
