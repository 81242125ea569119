import type { Store } from '../store.ts';
import type { StaffUser } from './staff.ts';
import { PipeworkError, invalid } from '../errors.ts';
import { isRole, ROLES, type Role } from './roles.ts';
import { addStaff, issueSetupToken } from './setup.ts';
import { changeStaff, type ChangedBy } from '../cases/handover.ts';
import { grantIn } from '../cases/eligible.ts';

/** An admin acting on the people of their council (the page and its audit entries). */
export interface PeopleActor {
  userId: string;
  email: string;
  jurisdictionId: string;
}

const by = (actor: PeopleActor): ChangedBy => ({ actor: actor.email, userId: actor.userId });
const NOT_MEMBER = () => new PipeworkError('NOT_FOUND', 'No such person in this council');

const TEAM_MAX = 100;
const teamOf = (raw: string | undefined) => {
  const team = raw?.trim() || undefined;
  if (team && team.length > TEAM_MAX) throw invalid([{ field: 'team', message: `A team name must be ${TEAM_MAX} characters or fewer` }]);
  return team;
};
const roleOf = (raw: string) => {
  if (!isRole(raw)) throw invalid([{ field: 'role', message: `Choose a role: ${ROLES.join(', ')}` }]);
  return raw;
};

/** A member of this council's staff, or NOT_FOUND: an admin changes only their own council's people. */
async function member(store: Store, actor: PeopleActor, userId: string): Promise<StaffUser> {
  const user = await store.staff.users.get(userId);
  if (!user || !user.roles.some((r) => r.jurisdictionId === actor.jurisdictionId)) throw NOT_MEMBER();
  return user;
}

/**
 * Invites someone to the council's staff: a role (and team) here and a
 * one-time set-password link, as `npx pipework staff add` gives.
 *
 * @example const { token } = await inviteStaff(store, admin, { email: 'oli@westshire.gov.uk', name: 'Oli', role: 'officer', team: 'Highways' })
 */
export async function inviteStaff(store: Store, actor: PeopleActor, input: { email: string; name: string; role: string; team?: string }, now = new Date()) {
  const role = roleOf(input.role);
  const team = teamOf(input.team);
  const { user, token, created } = await addStaff(store, { email: input.email, name: input.name, role, jurisdictionId: actor.jurisdictionId }, now, by(actor));
  if (team) await store.staff.users.setTeam(user.id, actor.jurisdictionId, team);
  // Invited back after being deactivated: the account works again.
  if (user.disabledAt) await store.staff.users.setDisabled(user.id, undefined);
  await store.staff.audit.append({ actor: actor.email, userId: user.id, jurisdictionId: actor.jurisdictionId, action: 'staff.invite', after: `${user.email} ${role}${team ? ` (${team})` : ''}`, at: now });
  return { user, token, created };
}

/** The service groups of the council's services, sorted: the groups a role may be limited to. */
export async function councilGroups(store: Store, jurisdictionId: string): Promise<string[]> {
  return [...new Set((await store.services.list(jurisdictionId)).flatMap((s) => s.groups))].sort();
}

const roleText = (r: { role: string; team?: string; groups?: string[] }) => `${r.role}${r.team ? ` (${r.team})` : ''}${r.groups?.length ? ` [${r.groups.join(', ')}]` : ''}`;

/**
 * Sets a person's role and team in the council, and, when `groups` is given,
 * the service groups the role covers (none: every service). An admin cannot
 * lower their own role (someone must be left to set the council up). Open
 * cases the new role cannot work are handed over in the same transaction
 * (decision 0175).
 */
export async function setStaffRole(store: Store, actor: PeopleActor, userId: string, input: { role: string; team?: string; groups?: string[] }, now = new Date()) {
  const user = await member(store, actor, userId);
  const role: Role = roleOf(input.role);
  const team = teamOf(input.team);
  if (user.id === actor.userId && role !== 'admin') throw invalid([{ field: 'role', message: 'You cannot lower your own role; ask another administrator' }]);
  if (input.groups) {
    const known = await councilGroups(store, actor.jurisdictionId);
    const unknown = input.groups.filter((g) => !known.includes(g));
    if (unknown.length) throw invalid([{ field: 'groups', message: `Choose from the council's service groups (not "${unknown[0]}")` }]);
  }
  return changeStaff(store, by(actor), { userId: user.id, jurisdictionId: actor.jurisdictionId }, now, async (tx) => {
    // Read again under the lock: this changes what is there now, not what the form was drawn from.
    const current = await tx.users.get(user.id);
    const before = grantIn(current, actor.jurisdictionId);
    if (!current || !before) throw NOT_MEMBER();
    const groups = input.groups ? [...new Set(input.groups)].sort() : (before.groups ?? []);
    const after = { role, team, groups };
    if (roleText(before) === roleText(after)) return { value: current };
    await tx.users.setRole(user.id, actor.jurisdictionId, role, now, input.groups ? groups : undefined);
    await tx.users.setTeam(user.id, actor.jurisdictionId, team);
    await tx.audit.append({ actor: actor.email, userId: user.id, jurisdictionId: actor.jurisdictionId, action: 'staff.role', before: roleText(before), after: roleText(after), at: now });
    return { value: (await tx.users.get(user.id))!, why: `${current.name}’s role is now ${roleText(after)}` };
  });
}

/**
 * Deactivates a person in the council: their role here goes, and if they
 * have no other council the account is disabled; their sessions end at once
 * either way, and their open cases here are handed over in the same
 * transaction (decision 0175). Not oneself.
 */
export async function deactivateStaff(store: Store, actor: PeopleActor, userId: string, now = new Date()) {
  const user = await member(store, actor, userId);
  if (user.id === actor.userId) throw invalid([{ field: 'user', message: 'You cannot deactivate yourself; ask another administrator' }]);
  return changeStaff(store, by(actor), { userId: user.id, jurisdictionId: actor.jurisdictionId }, now, async (tx) => {
    const current = await tx.users.get(user.id);
    const before = grantIn(current, actor.jurisdictionId);
    if (!current || !before) throw NOT_MEMBER();
    await tx.users.removeRole(user.id, actor.jurisdictionId);
    const others = current.roles.filter((r) => r.jurisdictionId !== actor.jurisdictionId);
    if (!others.length) await tx.users.setDisabled(user.id, now);
    await tx.sessions.deleteForUser(user.id);
    await tx.audit.append({ actor: actor.email, userId: user.id, jurisdictionId: actor.jurisdictionId, action: 'staff.deactivate', before: `${user.email} ${before.role}`, after: others.length ? 'role removed; still works for other councils' : 'account disabled', at: now });
    return { value: { user: current, disabled: !others.length }, why: `${current.name} was deactivated` };
  });
}

/** A new set-password link for a member of the council (a lost password), as `staff reset` gives. */
export async function resetStaffPassword(store: Store, actor: PeopleActor, userId: string, now = new Date()) {
  const user = await member(store, actor, userId);
  if (user.disabledAt) throw invalid([{ field: 'user', message: 'This account is disabled' }]);
  await store.staff.users.clearFailures(user.id);
  const token = await issueSetupToken(store, user.id, now);
  await store.staff.audit.append({ actor: actor.email, userId: user.id, jurisdictionId: actor.jurisdictionId, action: 'staff.reset', after: user.email, at: now });
  return { user, token };
}
