import type { Store } from '../store.ts';
import type { StaffUser } from './staff.ts';
import { decoyHash, verifyPassword } from './password.ts';

/** Five failures in a row lock an account for fifteen minutes; the lock is a stored time, so restarts keep it. */
export const LOCKOUT = { max: 5, lockMs: 15 * 60_000 };

export type SignInResult =
  | { ok: true; user: StaffUser; needsSecondFactor: boolean }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; until: Date };

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/**
 * Checks an email and password. A locked account is refused even with the
 * right password (and the attempt is not counted, so the lock does not grow).
 * An unknown email costs as much time as a wrong password and gets the same
 * answer, so the form does not tell who has an account.
 */
export async function passwordSignIn(store: Store, email: string, password: string, now: Date): Promise<SignInResult> {
  const user = await store.staff.users.byEmail(normaliseEmail(email));
  if (!user || !user.passwordHash || user.disabledAt) {
    await verifyPassword(password, await decoyHash());
    return { ok: false, reason: 'invalid' };
  }
  if (user.lockedUntil && user.lockedUntil > now) return { ok: false, reason: 'locked', until: user.lockedUntil };
  if (!(await verifyPassword(password, user.passwordHash))) return failed(store, user, now);
  if (!user.totpSecret) await store.staff.users.clearFailures(user.id);
  return { ok: true, user, needsSecondFactor: !!user.totpSecret };
}

/** Counts a failed password or second-factor code against the account. */
export async function failed(store: Store, user: StaffUser, now: Date): Promise<SignInResult> {
  const until = await store.staff.users.recordFailure(user.id, now, LOCKOUT);
  return until ? { ok: false, reason: 'locked', until } : { ok: false, reason: 'invalid' };
}
