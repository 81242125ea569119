import type { Store } from '../store.ts';
import type { NewRequestUpdate, RequestUpdate } from './request.ts';
import type { Status } from '../statuses.ts';
import { systemClock, type Clock } from '../clock.ts';
import { PipeworkError } from '../errors.ts';
import { updateDeliveriesFor } from '../routing/decide.ts';
import { decideUpdate, processFor, type ProcessRuleOptions } from '../process/rules.ts';

export interface RecordUpdateOptions extends ProcessRuleOptions {
  clock?: Clock;
}

/** What recordUpdateOnce did: the stored update, and whether it was stored before (a re-send). */
export interface RecordedUpdate {
  update: RequestUpdate;
  duplicate: boolean;
}

/**
 * Each lost race means another change to this request committed, so a writer
 * only loses again while others keep winning; past this many it gives up with
 * UNAVAILABLE (the sender tries again) rather than spin.
 */
const MAX_ATTEMPTS = 50;

/**
 * The one way a status change or comment enters a request's history, whoever
 * sends it: staff, a back-end, an Open311 client. See recordUpdateOnce.
 */
export async function recordUpdate(store: Store, update: NewRequestUpdate, options: RecordUpdateOptions = {}): Promise<RequestUpdate> {
  return (await recordUpdateOnce(store, update, options)).update;
}

/**
 * Records an update, deciding it in one place:
 * - de-duplication: an update whose sender's id (`externalId`: an Open311
 *   `update_id`, a back-end's update id) this request already has is not
 *   stored again; the first one is given back (`duplicate`), also when the
 *   copies arrive at the same moment (a unique index backs it);
 * - process rules (decideUpdate): a change the request's pattern version does
 *   not allow is stored flagged and does not move the request, or from staff
 *   is refused with TRANSITION_NOT_ALLOWED;
 * - concurrency: the change is written only if the request is still at the
 *   status it was decided on (compare-and-set); otherwise the request is read
 *   again and the change decided again against its new status (also when
 *   it has moved from the `seenStatus` the sender chose the change on);
 * - time: the sender's `updatedAt` is kept on the update as their claim; the
 *   request's own updated time is that claim kept between the request's
 *   creation and now, by the core's clock.
 * Throws REQUEST_NOT_FOUND when the request is not there.
 */
export async function recordUpdateOnce(store: Store, update: NewRequestUpdate, options: RecordUpdateOptions = {}): Promise<RecordedUpdate> {
  const clock = options.clock ?? systemClock;
  if (update.externalId) {
    const first = await store.requests.findUpdateByExternalId(update.jurisdictionId, update.requestId, update.externalId);
    if (first) return { update: first, duplicate: true };
  }
  const claimed = update.updatedAt ?? clock.now();
  const deliveries = await forwardedTo(store, update);
  let seenFirst: Status | undefined = update.seenStatus;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0 && update.externalId) {
      // The change that beat this one may have been a copy of it.
      const first = await store.requests.findUpdateByExternalId(update.jurisdictionId, update.requestId, update.externalId);
      if (first) return { update: first, duplicate: true };
    }
    const request = await store.requests.get(update.jurisdictionId, update.requestId);
    if (!request) throw new PipeworkError('REQUEST_NOT_FOUND', `service_request_id "${update.requestId}" was not found`);
    const enteredAt = new Date(Math.max(request.requestedAt.getTime(), Math.min(claimed.getTime(), clock.now().getTime())));
    const process = request.pattern && (await processFor(store, request.jurisdictionId, request.pattern));
    const decided = decideUpdate(request, process || undefined, { ...update, updatedAt: claimed }, { ...options, enteredAt, seenFirst });
    seenFirst ??= request.status;
    // A comment does not depend on the status, so it needs no compare-and-set; a change and a flag do.
    const expect = decided.status === 'unchanged' && !decided.flag ? undefined : { status: request.status };
    const written = await store.requests.writeUpdate({ ...decided, requestUpdatedAt: enteredAt, deliveries }, expect);
    if (written.outcome === 'written') return { update: written.update, duplicate: false };
    if (written.outcome === 'duplicate') return { update: written.update, duplicate: true };
  }
  throw new PipeworkError('UNAVAILABLE', `request ${update.requestId} is being changed by many senders at once; send this update again`);
}

/**
 * A resident's comment is sent on to every back-end outside Pipework that
 * holds the request, through the outbox (same transaction). The built-in case
 * store is Pipework itself: the comment is already in its history.
 */
async function forwardedTo(store: Store, update: NewRequestUpdate) {
  if (update.authorKind !== 'resident') return update.deliveries;
  return updateDeliveriesFor(await store.deliveries.forRequest(update.requestId));
}
