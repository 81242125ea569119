import type { Store } from '../store.ts';
import type { Clock } from '../clock.ts';
import type { RequestUpdate } from '../requests/request.ts';
import { PipeworkError } from '../errors.ts';
import { CLOSED_STATUSES } from '../statuses.ts';
import { recordUpdate } from '../requests/record-update.ts';
import { caseOwner } from './owner.ts';
import { caseFor, requireAbility, type Actor } from './work.ts';

const refuse = (message: string) => new PipeworkError('INVALID_INPUT', message, [{ field: 'original', message }]);

/**
 * Closes a built-in case as a duplicate of another request of the same
 * council. One update does it all in one transaction: the status moves to
 * `duplicate` (only where the service's process allows it), the public note
 * names the original, the two are linked, the resident of the duplicate is
 * sent a `merged` message pointing at the original, and a `marked_duplicate`
 * event is written. The original is left as it is.
 */
export async function markDuplicate(store: Store, clock: Clock, actor: Actor, requestId: string, input: { original: string; reason?: string }): Promise<RequestUpdate> {
  requireAbility(actor, 'case.status');
  const request = await caseFor(store, actor, requestId);
  const originalId = input.original.trim().replace(/^#/, '');
  if (!/^\d{1,15}$/.test(originalId)) throw refuse('Enter the reference of the original request, such as 1234');
  if (originalId === request.id) throw refuse('A request cannot be a duplicate of itself');
  const original = await caseFor(store, actor, originalId).catch((err) => {
    throw err instanceof PipeworkError && err.status === 404 ? refuse(`There is no request ${originalId} in this council`) : err;
  });
  const ownerOf = await store.staff.duplicates.originalOf(actor.jurisdictionId, original.id);
  if (ownerOf) throw refuse(`Request ${original.id} is itself a duplicate of ${ownerOf}: choose ${ownerOf}`);
  if (await store.staff.duplicates.originalOf(actor.jurisdictionId, request.id)) throw refuse(`Request ${request.id} is already marked as a duplicate`);
  if (CLOSED_STATUSES.has(request.status)) throw refuse(`Request ${request.id} is already closed; reopen it first to mark it a duplicate`);
  const owner = await caseOwner(store, request.id);
  if (!owner.editable) throw refuse(`Request ${request.id} is held by back-end "${owner.backend}": its status comes from there`);
  const update = await recordUpdate(
    store,
    {
      requestId: request.id,
      jurisdictionId: request.jurisdictionId,
      status: 'duplicate',
      // No number in the public text: Open311 clients and residents know the original by different references (the message to the resident names it).
      description: 'This is the same problem as an earlier report, which the council is already dealing with.',
      mediaUrls: [],
      authorKind: 'staff',
      contact: { firstName: actor.name },
      updatedAt: clock.now(),
      duplicateOf: original.id,
    },
    { onDisallowed: 'refuse' },
  );
  await store.staff.audit.append({ actor: actor.email, userId: actor.userId, jurisdictionId: actor.jurisdictionId, action: 'case.duplicate', requestId: request.id, before: request.status, after: `duplicate of ${original.id}`, reason: input.reason?.trim() || undefined, at: clock.now() });
  return update;
}
