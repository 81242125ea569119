import type { Store } from '../store.ts';
import { PipeworkError } from '../errors.ts';
import { BUILTIN_BACKEND } from '../routing/decide.ts';
import { canSee, type Acting } from '../routing/owners.ts';

/**
 * Re-routes the jobs stuck on a back-end that has gone away (they would
 * otherwise be retried against it for ever) to another back-end, which gets
 * them as new requests. Jobs the old back-end already holds, or that the new
 * one already has, stay put and are counted as skipped.
 *
 * `by` is who acts (install-wide when left out).
 *
 * @example await rerouteDeliveries(store, { from: 'old-crm', to: 'streets' });
 */
export async function rerouteDeliveries(store: Store, input: { from: string; to: string; jurisdictionId?: string; by?: Acting }, now = new Date()): Promise<{ moved: number; skipped: number }> {
  const problems = [];
  if (!input.from) problems.push({ field: 'from', message: 'Name the back-end the jobs are stuck on' });
  if (!input.to) problems.push({ field: 'to', message: 'Name the back-end to send them to' });
  else if (input.to === input.from) problems.push({ field: 'to', message: 'Choose a different back-end from the one the jobs are stuck on' });
  if (problems.length) throw new PipeworkError('INVALID_INPUT', problems.map((p) => p.message).join('; '), problems);
  // A council re-routes only to a back-end it may route to (its own or an install-wide one; decision 0178).
  const to = input.to === BUILTIN_BACKEND ? undefined : await store.routing.backend(input.to);
  if (input.to !== BUILTIN_BACKEND && (!to || !canSee(input.by ?? 'install', to))) {
    throw new PipeworkError('BACKEND_NOT_FOUND', `No back-end "${input.to}" is configured`);
  }
  return store.deliveries.reroute(input.from, input.to, { jurisdictionId: input.jurisdictionId, now: now.getTime() });
}
