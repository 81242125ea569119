/**
 * The extended status set of the UK Open311 profile (FixMyStreet): lower case
 * on GET, upper case on POST servicerequestupdates. `unchanged` is only valid
 * on an update, never as a request's status.
 */
export const STATUSES = [
  'open',
  'closed',
  'fixed',
  'in_progress',
  'planned',
  'action_scheduled',
  'investigating',
  'duplicate',
  'not_councils_responsibility',
  'no_further_action',
  'internal_referral',
  'cancelled',
  'reopen',
  'for_triage',
] as const;

export type Status = (typeof STATUSES)[number];
export type UpdateStatus = Status | 'unchanged';

/** Statuses at which a request is finished; used where a process has not said otherwise. */
export const CLOSED_STATUSES: ReadonlySet<Status> = new Set([
  'closed',
  'fixed',
  'duplicate',
  'not_councils_responsibility',
  'no_further_action',
  'cancelled',
]);

export const isStatus = (s: string): s is Status => (STATUSES as readonly string[]).includes(s);
export const isUpdateStatus = (s: string): s is UpdateStatus => s === 'unchanged' || isStatus(s);
