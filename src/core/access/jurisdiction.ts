import type { Store } from '../store.ts';
import { PipeworkError } from '../errors.ts';

/**
 * GeoReport v2: jurisdiction_id "is only required if the endpoint serves
 * multiple jurisdictions". With one council it may be left out.
 */
export async function resolveJurisdiction(store: Store, requested: string | undefined): Promise<string> {
  const all = await store.jurisdictions.list();
  if (requested?.trim()) {
    const id = requested.trim();
    if (!all.some((j) => j.id === id)) throw new PipeworkError('JURISDICTION_NOT_FOUND', `jurisdiction_id "${id}" was not found`);
    return id;
  }
  if (all.length === 1) return all[0].id;
  if (all.length === 0) throw new PipeworkError('JURISDICTION_NOT_FOUND', 'No jurisdiction is configured on this server');
  throw new PipeworkError('JURISDICTION_REQUIRED', `jurisdiction_id was not provided; this server serves ${all.map((j) => j.id).join(', ')}`);
}
