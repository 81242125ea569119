import type { Store } from '../store.ts';
import type { NewRequestUpdate, ServiceRequest } from '../requests/request.ts';
import type { Status } from '../statuses.ts';
import type { PatternRef, Service } from '../services/service.ts';
import { PipeworkError } from '../errors.ts';
import { checkTransition, compileProcess, expectedAtOnEntry, expectedAtStart, isOverdue, type Process, type TransitionCheck } from './process.ts';

// Published versions never change, so a compiled process can be kept for the life of the process.
const compiled = new Map<string, Process>();
const MAX_CACHED = 1000;

/** The process of one pattern version in a council's library; undefined when it is not there. */
export async function processFor(store: Store, jurisdictionId: string, ref: PatternRef): Promise<Process | undefined> {
  const key = `${jurisdictionId}\0${ref.id}\0${ref.version}`;
  const hit = compiled.get(key);
  if (hit) return hit;
  const stored = await store.patterns.get(jurisdictionId, ref.id, ref.version);
  if (!stored) return undefined;
  const process = compileProcess(stored.document.process);
  if (stored.lifecycle === 'published') {
    if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, process);
  }
  return process;
}

/** What a new request of this service takes from its pattern: the version and the expected datetime. */
export async function termsForNewRequest(store: Store, service: Service, now = new Date()): Promise<{ pattern?: PatternRef; expectedAt?: Date }> {
  if (!service.pattern) return {};
  const process = await processFor(store, service.jurisdictionId, service.pattern);
  return { pattern: service.pattern, expectedAt: process && expectedAtStart(process, now) };
}

export interface ProcessRuleOptions {
  /**
   * What to do with a change the pattern does not allow. `flag` (default for
   * back-ends, residents' clients and the system): record it in history with
   * a flag for staff and leave the request where it is, so nothing sent is
   * lost. `refuse` (default for staff, who can choose again): throw
   * TRANSITION_NOT_ALLOWED.
   */
  onDisallowed?: 'flag' | 'refuse';
}

/**
 * Decides one update against the request as it stands now (pure: the caller
 * reads the request and its process, and writes the result only if the request
 * is still at the status decided on; see recordUpdate):
 * - a resident's OPEN is a comment (`unchanged`): FixMyStreet sends OPEN with
 *   every comment on a report it shows as open, whatever the council's status.
 *   Only REOPEN reopens (MYSOCIETY-EXTENSIONS.md, "Extended statuses");
 * - a change the pattern does not allow is flagged (or refused, see `options`);
 * - a change decided again after a race (`seenFirst` is the status first read)
 *   that finds the request already at the status asked for was a move from a
 *   status the request has left: it is not applied either, so two changes
 *   racing each other never both count;
 * - an allowed change says whether the resident is told and, from `enteredAt`,
 *   the new expected datetime.
 * Requests without a pattern take any change.
 */
export function decideUpdate(
  request: ServiceRequest,
  process: Process | undefined,
  update: NewRequestUpdate,
  context: ProcessRuleOptions & { enteredAt: Date; seenFirst?: Status },
): NewRequestUpdate {
  if (update.authorKind === 'resident' && update.status === 'open') return { ...update, status: 'unchanged' };
  if (update.status === 'unchanged' || update.flag || !request.pattern || !process) return update;
  const status: Status = update.status;
  const raced = context.seenFirst !== undefined && context.seenFirst !== request.status && request.status === status;
  const check: TransitionCheck = raced
    ? { allowed: false, reason: `the request moved to "${status}" by another change while this one was being recorded` }
    : checkTransition(process, request.status, status);
  if (!check.allowed) {
    const reason = `Not applied: ${check.reason}, under ${request.pattern.id}@${request.pattern.version}`;
    const mode = context.onDisallowed ?? (update.authorKind === 'staff' ? 'refuse' : 'flag');
    if (mode === 'refuse') throw new PipeworkError('TRANSITION_NOT_ALLOWED', reason, [{ field: 'status', message: reason }]);
    return { ...update, flag: reason, notifyResident: false };
  }
  const expectedAt = request.status === status ? undefined : expectedAtOnEntry(process, status, context.enteredAt);
  return { ...update, status, notifyResident: check.notify, ...(expectedAt ? { expectedAt } : {}) };
}

/** Where a request stands in its pattern's process, for staff screens and reports. */
export interface ProcessState {
  /** The council's label for the current status (from the request's pattern version). */
  label?: string;
  closed: boolean;
  overdue: boolean;
  /** Statuses the request may move to now, with their labels and whether the resident is told. */
  next: { status: Status; label: string; notify: boolean }[];
}

/**
 * The state of a request under its own pattern version; undefined when the
 * request has no pattern (any change is allowed, nothing is overdue).
 *
 * @example const state = await processState(store, request); if (state?.overdue) …
 */
export async function processState(store: Store, request: ServiceRequest, now = new Date()): Promise<ProcessState | undefined> {
  if (!request.pattern) return undefined;
  const process = await processFor(store, request.jurisdictionId, request.pattern);
  if (!process) return undefined;
  const next = [...process.transitions.entries()]
    .filter(([k]) => k.startsWith(`${request.status}>`))
    .map(([k, t]) => {
      const status = k.split('>')[1] as Status;
      return { status, label: process.statuses.get(status)?.label ?? status, notify: t.notify };
    });
  return {
    label: process.statuses.get(request.status)?.label,
    closed: process.closing.has(request.status),
    overdue: isOverdue(request, process.closing, now),
    next,
  };
}
