import type { Store } from '../store.ts';
import type { NewRequestUpdate, RequestUpdate } from './request.ts';

/**
 * The one way a status change or comment enters a request's history, whoever
 * sends it: staff, a back-end, an Open311 client. Process rules (service
 * patterns) are applied here so every source is treated alike.
 */
export async function recordUpdate(store: Store, update: NewRequestUpdate): Promise<RequestUpdate> {
  return store.requests.addUpdate(update);
}
