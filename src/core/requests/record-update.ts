import type { Store } from '../store.ts';
import type { NewRequestUpdate, RequestUpdate } from './request.ts';
import { updateDeliveriesFor } from '../routing/decide.ts';
import { applyProcessRules, type ProcessRuleOptions } from '../process/rules.ts';

/**
 * The one way a status change or comment enters a request's history, whoever
 * sends it: staff, a back-end, an Open311 client. Process rules (service
 * patterns) are applied here so every source is treated alike: a change the
 * request's pattern version does not allow is stored with `flag` set and does
 * not move the request (from staff it is refused with TRANSITION_NOT_ALLOWED
 * instead, see `options`); an allowed one moves it and may set a new
 * expected datetime and `notifyResident`.
 */
export async function recordUpdate(store: Store, update: NewRequestUpdate, options: ProcessRuleOptions = {}): Promise<RequestUpdate> {
  const ruled = await applyProcessRules(store, update, options);
  return store.requests.addUpdate(await forwarded(store, ruled));
}

/** A resident's comment is sent on to every back-end holding the request, through the outbox (same transaction). */
async function forwarded(store: Store, update: NewRequestUpdate): Promise<NewRequestUpdate> {
  if (update.authorKind !== 'resident') return update;
  return { ...update, deliveries: updateDeliveriesFor(await store.deliveries.forRequest(update.requestId)) };
}
