import type { Store } from '../store.ts';
import type { Clock } from '../clock.ts';
import type { SavedView } from '../staff/staff.ts';
import { PipeworkError } from '../errors.ts';
import { requireAbility, type Actor } from './work.ts';

/** Enough for every team and shift; past it the list stops helping. */
export const MAX_VIEWS = 30;

/**
 * Saves the queue's current filters under a name, for this user in this
 * council; the same name again replaces them. `query` is the queue address's
 * query string as the edge wrote it from known filters only.
 */
export async function saveView(store: Store, clock: Clock, actor: Actor, input: { name: string; query: string }): Promise<SavedView> {
  requireAbility(actor, 'queue.view');
  const name = input.name.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().replace(/\s+/g, ' ');
  const problem = !name ? 'Enter a name for this view' : name.length > 60 ? 'The name must be 60 characters or fewer' : undefined;
  if (problem) throw new PipeworkError('INVALID_INPUT', problem, [{ field: 'view-name', message: problem }]);
  const query = input.query.replace(/^\?/, '').slice(0, 2000);
  const existing = await store.staff.views.list(actor.userId, actor.jurisdictionId);
  if (existing.length >= MAX_VIEWS && !existing.some((v) => v.name === name)) {
    throw new PipeworkError('INVALID_INPUT', `You have ${MAX_VIEWS} saved views: remove one first`, [{ field: 'view-name', message: `You have ${MAX_VIEWS} saved views: remove one first` }]);
  }
  return store.staff.views.save({ userId: actor.userId, jurisdictionId: actor.jurisdictionId, name, query, createdAt: clock.now() });
}

/** Removes one of the actor's own views; someone else's is "not found". */
export async function removeView(store: Store, actor: Actor, id: string): Promise<void> {
  requireAbility(actor, 'queue.view');
  if (!(await store.staff.views.remove(actor.userId, actor.jurisdictionId, id))) throw new PipeworkError('NOT_FOUND', 'There is no such saved view');
}
