import type { Joiner } from '../requests/join.ts';
import type { Store } from '../store.ts';
import type { Contact, RequestUpdate, ServiceRequest } from '../requests/request.ts';
import type { Clock } from '../clock.ts';
import type { Ability, Role } from '../staff/roles.ts';
import { can } from '../staff/roles.ts';
import { PipeworkError } from '../errors.ts';
import { isStatus, type Status } from '../statuses.ts';
import { recordUpdate } from '../requests/record-update.ts';
import { caseOwner } from './owner.ts';
import { serviceInScope } from './scope.ts';

/** A signed-in member of staff acting in one council, with their role there. */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  jurisdictionId: string;
  role: Role;
  /** The role covers only services in these groups (absent: every service of the council). */
  groups?: string[];
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
 * (TRANSITION_NOT_ALLOWED otherwise), with an optional public note.
 */
export async function changeStatus(store: Store, clock: Clock, actor: Actor, requestId: string, input: { status: string; note?: string; reason?: string }): Promise<RequestUpdate> {
  requireAbility(actor, 'case.status');
  const request = await caseFor(store, actor, requestId);
  await editable(store, request);
  const status = input.status.trim().toLowerCase();
  if (!isStatus(status)) throw new PipeworkError('INVALID_INPUT', `Choose a status`, [{ field: 'status', message: 'Choose a status' }]);
  const note = (input.note ?? '').trim().slice(0, 4000);
  const update = await recordUpdate(store, staffUpdate(actor, request, { status, description: note, updatedAt: clock.now() }), { onDisallowed: 'refuse' });
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

/** Assigns a case to a member of staff who works cases in the same council, or to nobody. */
export async function assignCase(store: Store, clock: Clock, actor: Actor, requestId: string, userId: string | undefined, reason?: string): Promise<void> {
  requireAbility(actor, 'case.assign');
  const request = await caseFor(store, actor, requestId);
  let name: string | undefined;
  if (userId) {
    const user = await store.staff.users.get(userId);
    const grant = user?.roles.find((r) => r.jurisdictionId === actor.jurisdictionId);
    const service = grant?.groups?.length ? await store.services.get(actor.jurisdictionId, request.serviceCode) : undefined;
    if (!user || user.disabledAt || !can(grant?.role, 'case.status') || (grant?.groups?.length && !serviceInScope(grant, service))) {
      throw new PipeworkError('INVALID_INPUT', 'Choose an officer of this council', [{ field: 'assignee', message: 'Choose an officer of this council' }]);
    }
    name = user.name;
  }
  const before = await store.staff.assignments.set(actor.jurisdictionId, request.id, userId, clock.now());
  if (before === userId) return;
  const beforeName = before ? (await store.staff.users.get(before))?.name ?? `user ${before}` : undefined;
  await store.staff.audit.append({ ...who(actor), action: 'case.assign', requestId, before: beforeName, after: name, reason: reason?.trim() || undefined, at: clock.now() });
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
