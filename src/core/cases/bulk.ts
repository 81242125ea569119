import type { Store } from '../store.ts';
import type { Clock } from '../clock.ts';
import { PipeworkError } from '../errors.ts';
import { assignCase, changeStatus, requireAbility, type Actor, type AssignTo } from './work.ts';

/** Most cases one bulk action takes: a page of the queue and then some. */
export const BULK_MAX = 100;

export type BulkChange = { kind: 'status'; status: string } | { kind: 'assign'; to: AssignTo | undefined };

export interface BulkResult {
  done: string[];
  /** Cases left as they were, each with why (e.g. the process does not allow the change from where it is). */
  refused: { id: string; message: string }[];
}

/**
 * A supervisor's change to many cases at once, with a reason that is written
 * to the audit log beside every case. Each case goes through the same use
 * case as a single change (the process still decides per case), so some may
 * be refused while the rest change.
 */
export async function bulkChange(store: Store, clock: Clock, actor: Actor, ids: string[], change: BulkChange, reason: string): Promise<BulkResult> {
  requireAbility(actor, 'case.bulk');
  const why = reason.trim();
  const problems = [];
  if (!why) problems.push({ field: 'reason', message: 'Enter the reason for this change: it is kept in the audit log' });
  const unique = [...new Set(ids)];
  if (!unique.length) problems.push({ field: 'ids', message: 'Select the requests to change' });
  if (unique.length > BULK_MAX) problems.push({ field: 'ids', message: `Select at most ${BULK_MAX} requests at a time` });
  if (problems.length) throw new PipeworkError('INVALID_INPUT', problems.map((p) => p.message).join('; '), problems);
  const result: BulkResult = { done: [], refused: [] };
  for (const id of unique) {
    try {
      if (change.kind === 'status') await changeStatus(store, clock, actor, id, { status: change.status, reason: why });
      else await assignCase(store, clock, actor, id, change.to, why);
      result.done.push(id);
    } catch (err) {
      if (!(err instanceof PipeworkError) || err.status >= 500) throw err;
      result.refused.push({ id, message: err.message });
    }
  }
  return result;
}
