import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '../store.ts';
import type { Role } from './roles.ts';
import type { StaffUser } from './staff.ts';
import { PipeworkError } from '../errors.ts';
import { normaliseEmail } from './sign-in.ts';
import { hashPassword, passwordProblem } from './password.ts';
import { changeStaff, type ChangedBy } from '../cases/handover.ts';

/** How long a set-password link works. */
export const SETUP_LINK_HOURS = 72;

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Adds a member of staff (or gives an existing one a role in another council)
 * and issues a one-time set-password token; only its hash is stored. A new
 * role for someone already in the council hands over the open cases it
 * cannot work, as any role change does (decision 0175); `by` is named in
 * their audit entries.
 *
 * @example const { token } = await addStaff(store, { email: 'kim@example.gov.uk', name: 'Kim', role: 'admin', jurisdictionId: 'example' }, new Date());
 */
export async function addStaff(store: Store, input: { email: string; name: string; role: Role; jurisdictionId: string; groups?: string[] }, now: Date, by: ChangedBy = { actor: 'cli' }): Promise<{ user: StaffUser; token: string; created: boolean }> {
  const email = normaliseEmail(input.email);
  if (!EMAIL.test(email)) throw new PipeworkError('INVALID_INPUT', `"${input.email}" is not an email address`, [{ field: 'email', message: 'not an email address' }]);
  if (!input.name.trim()) throw new PipeworkError('INVALID_INPUT', 'a name is needed', [{ field: 'name', message: 'empty' }]);
  const existing = await store.staff.users.byEmail(email);
  const created = !existing;
  // Two adds of one email at once: the unique index lets one in, the other uses it.
  const user: StaffUser =
    existing ??
    (await store.staff.users.create({ email, name: input.name.trim(), createdAt: now }).catch(async (err: unknown) => {
      const first = await store.staff.users.byEmail(email);
      if (!first) throw err;
      return first;
    }));
  await changeStaff(store, by, { userId: user.id, jurisdictionId: input.jurisdictionId }, now, async (tx) => {
    await tx.users.setRole(user.id, input.jurisdictionId, input.role, now, input.groups);
    return { value: undefined, why: created ? undefined : `${user.name}’s role is now ${input.role}` };
  });
  const token = await issueSetupToken(store, user.id, now);
  return { user: (await store.staff.users.get(user.id))!, token, created };
}

/** A new one-time set-password token (the previous one stops working). */
export async function issueSetupToken(store: Store, userId: string, now: Date): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await store.staff.users.setSetupToken(userId, tokenHash(token), new Date(now.getTime() + SETUP_LINK_HOURS * 3600_000));
  return token;
}

/** Sets the password a set-password link is for; the link then stops working and every old session ends. */
export async function setPasswordWithToken(store: Store, token: string, password: string, now: Date): Promise<StaffUser> {
  const user = await store.staff.users.bySetupToken(tokenHash(token), now);
  if (!user) throw new PipeworkError('NOT_FOUND', 'This set-password link has expired or has been used');
  const problem = passwordProblem(password);
  if (problem) throw new PipeworkError('INVALID_INPUT', problem, [{ field: 'password', message: problem }]);
  await store.staff.users.setPassword(user.id, await hashPassword(password));
  await store.staff.sessions.deleteForUser(user.id);
  await store.staff.audit.append({ actor: user.email, userId: user.id, action: 'staff.set_password', at: now });
  return user;
}
