import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '../store.ts';
import { invalid } from '../errors.ts';
import { councilProblems, type Council } from './council.ts';
import { apply, difference, refused, type CouncilActor, type CouncilChanges } from './manage.ts';
import { addStaff } from '../staff/setup.ts';
import { normaliseEmail } from '../staff/sign-in.ts';

/** How long a first-run set-up token works. */
export const SETUP_TOKEN_HOURS = 24;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Is there no council yet, so the first-run page should be shown? */
export const needsFirstRun = async (store: Store) => (await store.councils.list()).length === 0;

/**
 * A one-time first-run set-up token (printed when the server starts with no
 * council): whoever holds it may create the first council. Only its hash is kept.
 */
export async function issueFirstRunToken(store: Store, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = `setup_${randomBytes(24).toString('base64url')}`;
  const expiresAt = new Date(now.getTime() + SETUP_TOKEN_HOURS * 3600_000);
  await store.councils.addSetupToken(sha256(token), expiresAt, now);
  return { token, expiresAt };
}

/**
 * Creates the install's first council from the first-run page, once. Allowed
 * for the holder of a set-up token, or for a signed-in member of staff who was
 * added as an admin before any council existed (docs/decisions/0100).
 */
export async function createFirstCouncil(
  store: Store,
  id: string,
  changes: CouncilChanges,
  authority: { token: string; admin: { email: string; name: string } } | { pendingAdmin: CouncilActor },
  now = new Date(),
): Promise<{ council: Council; setPasswordToken?: string }> {
  const c = apply({ id: id.trim(), name: '', hosts: [], settings: {} }, changes);
  const problems = councilProblems(c);
  if ('token' in authority) {
    // Checked before the council is made: a council without its administrator would need the command line.
    if (!authority.token.trim()) problems.unshift({ field: 'token', message: 'Enter the set-up token printed when Pipework started' });
    if (!EMAIL.test(normaliseEmail(authority.admin.email))) problems.push({ field: 'email', message: 'Enter your email address, like kim@example.gov.uk' });
    if (!authority.admin.name.trim()) problems.push({ field: 'adminName', message: 'Enter your name' });
  }
  if (problems.length) throw invalid(problems);
  const w = await store.councils.create(c, { now, tokenHash: 'token' in authority ? sha256(authority.token.trim()) : undefined });
  if (!w.ok) throw refused(w, c.id);
  const by = 'token' in authority ? 'first-run:token' : authority.pendingAdmin.by;
  await store.staff.audit.append({ actor: by, userId: 'pendingAdmin' in authority ? authority.pendingAdmin.userId : undefined, jurisdictionId: c.id, action: 'council.first_run', after: difference(undefined, c).after, at: now });
  if (!('token' in authority)) return { council: w.council };
  // The token holder becomes the council's first administrator, with a set-password link shown once.
  const { user, token } = await addStaff(store, { ...authority.admin, role: 'admin', jurisdictionId: c.id }, now);
  await store.staff.audit.append({ actor: by, userId: user.id, jurisdictionId: c.id, action: 'staff.add', after: `${user.email} admin`, at: now });
  return { council: w.council, setPasswordToken: token };
}

