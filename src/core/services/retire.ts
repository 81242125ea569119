import type { Store } from '../store.ts';
import { PipeworkError } from '../errors.ts';
import type { Service } from './service.ts';

/**
 * Stops (or restarts) a service taking new requests: residents no longer see
 * it and Open311 refuses new reports, while requests already made carry on.
 * Gives back the service before and after, for the audit log.
 */
export async function setServiceActive(store: Store, jurisdictionId: string, code: string, active: boolean): Promise<{ before: Service; after: Service }> {
  const before = await store.services.get(jurisdictionId, code);
  if (!before) throw new PipeworkError('SERVICE_NOT_FOUND', `service_code "${code}" was not found in ${jurisdictionId}`);
  const after = { ...before, active };
  if (before.active !== active) await store.services.upsert(after);
  return { before, after };
}
