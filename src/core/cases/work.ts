import type { Joiner } from '../requests/join.ts';
import type { Store } from '../store.ts';
import type { Contact, RequestUpdate, ServiceRequest } from '../requests/request.ts';
import type { Clock } from '../clock.ts';
import type { Ability, Role } from '../staff/roles.ts';
import type { Assignee, StaffStore, StaffUser } from '../staff/staff.ts';
import { can } from '../staff/roles.ts';
import { PipeworkError } from '../errors.ts';
import { isStatus, type Status } from '../statuses.ts';
import { recordUpdate } from '../requests/record-update.ts';
import { caseOwner } from './owner.ts';
import { serviceInScope } from './scope.ts';
import { grantIn, mayWork, teamMembersWhoWork } from './eligible.ts';

/** A signed-in member of staff acting in one council, with their role there. */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  jurisdictionId: string;
  role: Role;
  /** The role covers only services in these groups (absent: every service of the council). */
  groups?: string[];
  /** Their team in this council, if any. */
  team?: string;
}

/** Refuses what the actor's role does not allow (403 FORBIDDEN). */
export function requireAbility(actor: Actor, ability: Ability): void {
  if (!can(actor.role, ability)) throw new PipeworkError('FORBIDDEN', `A ${actor.role} may not do this (${ability})`);
}

/** The request in the actor's council; any other council's request is "not found", never "forbidden". */
export async function caseFor(store: Store, actor: Actor, requestId: string): Promise<ServiceRequest> {
  const request = await store.requests.get(actor.jurisdictionId, requestId);
  if (!request || (actor.groups?.length && !serviceInScope(actor, await store.services.get(actor.jurisdictionId, request.serviceCode)))) {
    throw new PipeworkError('REQUEST_NOT_FOUND', `service_request_id "${requestId}" was not found`);
  }
  return request;
}

const text = (field: string, value: string, max = 4000) => {
  const t = value.trim();
  if (!t) throw new PipeworkError('INVALID_INPUT', `Enter the ${field}`, [{ field, message: `Enter the ${field}` }]);
  if (t.length > max) throw new PipeworkError('INVALID_INPUT', `The ${field} must be ${max} characters or fewer`, [{ field, message: `${max} characters or fewer` }]);
  return t;
};

async function editable(store: Store, request: ServiceRequest) {
  const owner = await caseOwner(store, request.id);
  if (!owner.editable) throw new PipeworkError('INVALID_INPUT', `Request ${request.id} is held by back-end "${owner.backend}": its status and replies come from there`);
}

const staffUpdate = (actor: Actor, request: ServiceRequest, fields: Partial<Parameters<typeof recordUpdate>[1]>) => ({
  requestId: request.id,
  jurisdictionId: request.jurisdictionId,
  status: 'unchanged' as const,
  description: '',
  mediaUrls: [],
  authorKind: 'staff' as const,
  contact: { firstName: actor.name },
  ...fields,
});

/**
 * Moves a built-in case to a new status, only as its process allows
 * (TRANSITION_NOT_ALLOWED otherwise, also when the case has moved on from
 * the status `seen` on the officer's page), with an optional public note.
 */
export async function changeStatus(store: Store, clock: Clock, actor: Actor, requestId: string, input: { status: string; note?: string; reason?: string; seen?: string }): Promise<RequestUpdate> {
  requireAbility(actor, 'case.status');
  const request = await caseFor(store, actor, requestId);
  await editable(store, request);
  const status = input.status.trim().toLowerCase();
  if (!isStatus(status)) throw new PipeworkError('INVALID_INPUT', `Choose a status`, [{ field: 'status', message: 'Choose a status' }]);
  const note = (input.note ?? '').trim().slice(0, 4000);
  // The officer chose from the status their page showed (`seen`), which may be older than this read.
  const seen = input.seen?.trim().toLowerCase();
  const seenStatus = seen && isStatus(seen) ? seen : request.status;
  const update = await recordUpdate(store, staffUpdate(actor, request, { status, description: note, updatedAt: clock.now(), seenStatus }), { onDisallowed: 'refuse' });
  await store.staff.audit.append({ ...who(actor), action: 'case.status', requestId, before: request.status, after: update.status, reason: input.reason?.trim() || undefined, at: clock.now() });
  return update;
}

/** Reopens a finished built-in case where its process allows `reopen`. */
export const reopenCase = (store: Store, clock: Clock, actor: Actor, requestId: string, note?: string) =>
  changeStatus(store, clock, actor, requestId, { status: 'reopen' satisfies Status, note });

/** A reply the resident sees (on /track, in Open311 updates) and is told about. */
export async function publicReply(store: Store, clock: Clock, actor: Actor, requestId: string, message: string): Promise<RequestUpdate> {
  requireAbility(actor, 'case.reply');
  const request = await caseFor(store, actor, requestId);
  await editable(store, request);
  const description = text('reply', message);
  const update = await recordUpdate(store, staffUpdate(actor, request, { description, notifyResident: true, updatedAt: clock.now() }));
  await store.staff.audit.append({ ...who(actor), action: 'case.reply', requestId, after: description, at: clock.now() });
  return update;
}

/** A note for staff only: never on /track, in Open311, sent to a back-end, or in a resident's email. */
export async function internalNote(store: Store, clock: Clock, actor: Actor, requestId: string, message: string): Promise<RequestUpdate> {
  requireAbility(actor, 'case.note');
  const request = await caseFor(store, actor, requestId);
  const description = text('note', message);
  const update = await recordUpdate(store, staffUpdate(actor, request, { description, internal: true, notifyResident: false, updatedAt: clock.now() }));
  await store.staff.audit.append({ ...who(actor), action: 'case.note', requestId, at: clock.now() });
  return update;
}

/** An officer (user id) or a team of the council, as chosen on a form. */
export type AssignTo = { userId: string; team?: undefined } | { team: string; userId?: undefined };

/** A form's choice of assignee: a user id, or `team:NAME`; '' is nobody. */
export const assignToFrom = (raw: string): AssignTo | undefined =>
  raw.startsWith('team:') ? { team: raw.slice(5) } : raw ? { userId: raw } : undefined;

const NOT_ASSIGNABLE = new PipeworkError('INVALID_INPUT', 'Choose an officer or team of this council', [{ field: 'assignee', message: 'Choose an officer or team of this council' }]);

/**
 * Assigns a case to an officer or a team of the same council, or to nobody.
 * One rule: an officer brings their team with them (so the case is in their
 * team's queue too); a team alone has no officer yet. Either must work cases
 * for the request's service (a team: at least one of its officers does).
 * The check and the write are one transaction, with the rows of the people
 * it relies on locked against a change of role or account until it commits
 * (decision 0175): a case never goes to someone who cannot work it.
 */
export async function assignCase(store: Store, clock: Clock, actor: Actor, requestId: string, to: AssignTo | undefined, reason?: string): Promise<void> {
  requireAbility(actor, 'case.assign');
  const j = actor.jurisdictionId;
  const request = await caseFor(store, actor, requestId);
  const service = await store.services.get(j, request.serviceCode);
  const team = to?.team?.trim();
  if (to?.team !== undefined && !team) throw NOT_ASSIGNABLE;
  // A team relies on its members who work the case; they are read again under the lock.
  const relied = to?.userId ? [to.userId] : team ? teamMembersWhoWork(await store.staff.users.list(j), j, team, service).map((u) => u.id) : [];
  if (team && !relied.length) throw NOT_ASSIGNABLE;
  await store.staff.transaction({ users: relied, mode: 'read' }, async (tx) => {
    let next: Assignee | undefined;
    if (to?.userId) {
      const user = await tx.users.get(to.userId);
      if (!mayWork(user, j, service)) throw NOT_ASSIGNABLE;
      const grant = grantIn(user, j)!;
      next = { userId: user.id, ...(grant.team ? { team: grant.team } : {}) };
    } else if (team) {
      const members = (await tx.users.list(j)).filter((u) => relied.includes(u.id));
      if (!teamMembersWhoWork(members, j, team, service).length) throw NOT_ASSIGNABLE;
      next = { team };
    }
    const before = await tx.assignments.set(j, request.id, next, clock.now());
    if (before?.userId === next?.userId && before?.team === next?.team) return;
    await tx.audit.append({ ...who(actor), action: 'case.assign', requestId, before: await assigneeName(tx.users, before), after: await assigneeName(tx.users, next), reason: reason?.trim() || undefined, at: clock.now() });
  });
}

/** The council's teams a case can go to: those of its active staff who work cases, sorted. */
export const teamsOf = (staff: StaffUser[], jurisdictionId: string): string[] =>
  [...new Set(staff.filter((u) => !u.disabledAt).flatMap((u) => u.roles.filter((r) => r.jurisdictionId === jurisdictionId && r.team && can(r.role, 'case.status')).map((r) => r.team!)))].sort();

/** How an assignee reads in the audit log and on the page: "Olu Officer (Highways)", "team Highways". */
export const assigneeLabel = (a: Assignee, officerName?: string): string =>
  !a.userId ? `team ${a.team}` : `${officerName ?? `user ${a.userId}`}${a.team ? ` (${a.team})` : ''}`;

/** As assigneeLabel, looking the officer's name up. */
export async function assigneeName(users: Pick<StaffStore['users'], 'get'>, a: Assignee | undefined): Promise<string | undefined> {
  if (!a) return undefined;
  return assigneeLabel(a, a.userId ? (await users.get(a.userId))?.name : undefined);
}

/** A resident's contact details, for a role that needs them; every look is written to the audit log. */
export async function viewContact(store: Store, clock: Clock, actor: Actor, requestId: string): Promise<Contact | undefined> {
  requireAbility(actor, 'contact.view');
  const request = await caseFor(store, actor, requestId);
  const contact = await store.requests.contact(actor.jurisdictionId, request.id);
  await store.staff.audit.append({ ...who(actor), action: 'contact.view', requestId, at: clock.now() });
  return contact;
}

/**
 * The contact details of residents who joined the report ("I'm reporting this too", decision 0160):
 * only for roles that may see contact details, each view in the audit log as the reporter's is.
 */
export async function viewJoiners(store: Store, clock: Clock, actor: Actor, requestId: string): Promise<Joiner[]> {
  requireAbility(actor, 'contact.view');
  const request = await caseFor(store, actor, requestId);
  const joiners = await store.joiners.of(request.id);
  if (joiners.length) await store.staff.audit.append({ ...who(actor), action: 'contact.view', requestId, reason: `${joiners.length} joining resident(s)`, at: clock.now() });
  return joiners;
}

const who = (actor: Actor) => ({ actor: actor.email, userId: actor.userId, jurisdictionId: actor.jurisdictionId });
