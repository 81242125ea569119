import type { Store } from '../store.ts';
import type { NewRequestUpdate, RequestUpdate } from './request.ts';
import { updateDeliveriesFor } from '../../routing/decide.ts';

/**
 * The one way a status change or comment enters a request's history, whoever
 * sends it: staff, a back-end, an Open311 client. Process rules (service
 * patterns) are applied here so every source is treated alike.
 */
export async function recordUpdate(store: Store, update: NewRequestUpdate): Promise<RequestUpdate> {
  return store.requests.addUpdate(await forwarded(store, update));
}

/** A resident's comment is sent on to every back-end holding the request, through the outbox (same transaction). */
async function forwarded(store: Store, update: NewRequestUpdate): Promise<NewRequestUpdate> {
  if (update.authorKind !== 'resident') return update;
  return { ...update, deliveries: updateDeliveriesFor(await store.deliveries.forRequest(update.requestId)) };
}
