import type { BackendConfig } from './route.ts';
import { BUILTIN_BACKEND } from './decide.ts';

/**
 * Who acts on back-ends and routes (decision 0178): an install-wide actor (the
 * CLI, an admin key bound to no council), named by a plain string for the
 * change log, or a council (a council admin in the staff console, a
 * council-bound admin key), which reaches only its own plumbing.
 */
export type Acting = string | { actor: string; council: string };

/** The name the change log records. */
export const actorName = (by: Acting) => (typeof by === 'string' ? by : by.actor);

/** The council acting, or undefined for the whole install. */
export const actingCouncil = (by: Acting) => (typeof by === 'string' ? undefined : by.council);

/**
 * Whether `by` sees the back-end and may route to it: its own council's and
 * the install-wide ones (the built-in store among them). Another council's is
 * treated as not there at all, so its name and settings do not leak.
 */
export function canSee(by: Acting, b: Pick<BackendConfig, 'name' | 'jurisdictionId'>): boolean {
  const council = actingCouncil(by);
  return council === undefined || b.name === BUILTIN_BACKEND || b.jurisdictionId === undefined || b.jurisdictionId === council;
}

/** Whether `by` may change it (settings, secrets): a council only its own; an install-wide one only the install. */
export function canChange(by: Acting, b: Pick<BackendConfig, 'jurisdictionId'>): boolean {
  const council = actingCouncil(by);
  return council === undefined || b.jurisdictionId === council;
}
