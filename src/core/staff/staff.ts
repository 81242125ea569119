import type { Role } from './roles.ts';
import type { Status } from '../statuses.ts';

export interface StaffUser {
  id: string;
  email: string;
  name: string;
  /** Absent until the user has set a password (they may sign in with OpenID Connect only). */
  passwordHash?: string;
  /** Base32 TOTP secret; present once a second factor is set up. */
  totpSecret?: string;
  failedAttempts: number;
  lockedUntil?: Date;
  createdAt: Date;
  disabledAt?: Date;
  lastSignInAt?: Date;
  /** The user's role in each council they work for; `groups`: only the services in these service groups; their team there, if any. */
  roles: { jurisdictionId: string; role: Role; groups?: string[]; team?: string }[];
}

export interface AuditEntry {
  id: string;
  at: Date;
  jurisdictionId?: string;
  userId?: string;
  /** Who, as they were named when they acted (an email, or `cli:NAME`). */
  actor: string;
  /** What was done, e.g. `case.status`, `contact.view`, `staff.sign_in`. */
  action: string;
  requestId?: string;
  before?: string;
  after?: string;
  reason?: string;
}

/** A named set of queue filters (the query string of the queue's address). */
export interface SavedView {
  id: string;
  userId: string;
  jurisdictionId: string;
  name: string;
  /** e.g. `status=open&overdue=1`. */
  query: string;
  createdAt: Date;
}

/** Who a case is assigned to: an officer (with their team, if they have one) or a team with no officer yet. */
export type Assignee = { userId: string; team?: string } | { userId?: undefined; team: string };

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'> & { at?: Date };

export interface StaffSessionRow {
  userId?: string;
  data: Record<string, unknown>;
  createdAt: Date;
  expiresAt: Date;
}

/**
 * The staff part of the storage port: users and roles, sessions, the audit
 * log (append-only: no method changes or removes an entry) and assignment.
 *
 * @example
 *   const user = await store.staff.users.byEmail('kim@example.gov.uk');
 *   await store.staff.audit.append({ actor: user.email, action: 'case.note', requestId: '42', jurisdictionId: 'example' });
 */
export interface StaffStore {
  /**
   * Runs `work` in one transaction that begins by locking these users' rows
   * until it ends: `read` for a rule that relies on who they are (an
   * assignment; many run at once), `change` to change them (waits for those
   * reads, and they for it). The role, team and account writes below take the
   * `change` lock themselves, wherever they are called from. Everything
   * `work` does through `tx` commits together or not at all; it must not use
   * the store outside `tx` (on SQLite the transaction holds the one connection).
   *
   * @example
   *   await store.staff.transaction({ users: [officerId], mode: 'read' }, async (tx) => {
   *     if ((await tx.users.get(officerId))?.disabledAt) throw refused;
   *     await tx.assignments.set('example', '42', { userId: officerId }, now);
   *   });
   */
  transaction<T>(lock: { users: string[]; mode: 'read' | 'change' }, work: (tx: StaffStore) => Promise<T>): Promise<T>;
  users: {
    create(input: { email: string; name: string; createdAt: Date }): Promise<StaffUser>;
    get(id: string): Promise<StaffUser | undefined>;
    byEmail(email: string): Promise<StaffUser | undefined>;
    bySetupToken(tokenHash: string, now: Date): Promise<StaffUser | undefined>;
    list(jurisdictionId?: string): Promise<StaffUser[]>;
    /** Grants (or changes) a role; `groups` limits it to the services of those groups (empty: every service; absent: keeps what the role had). */
    setRole(userId: string, jurisdictionId: string, role: Role, at: Date, groups?: string[]): Promise<void>;
    /** The user's team in a council they have a role in; undefined clears it. */
    setTeam(userId: string, jurisdictionId: string, team: string | undefined): Promise<void>;
    /** Takes away the user's role in one council. */
    removeRole(userId: string, jurisdictionId: string): Promise<void>;
    /** Disables (with a time) or re-enables the account; a disabled user cannot sign in. */
    setDisabled(userId: string, at: Date | undefined): Promise<void>;
    recordSignIn(userId: string, at: Date): Promise<void>;
    setSetupToken(userId: string, tokenHash: string, expiresAt: Date): Promise<void>;
    /** Stores the new hash, clears the set-up token and any lockout. */
    setPassword(userId: string, passwordHash: string): Promise<void>;
    setTotpSecret(userId: string, secret: string | undefined): Promise<void>;
    /**
     * Counts one failed sign-in in a single statement (safe when many arrive at
     * once); the `max`th in a row locks the account until `now + lockMs`.
     * Returns the lock's end when this failure locked it.
     */
    recordFailure(userId: string, now: Date, rule: { max: number; lockMs: number }): Promise<Date | undefined>;
    clearFailures(userId: string): Promise<void>;
  };
  sessions: {
    get(id: string, now: Date): Promise<StaffSessionRow | undefined>;
    put(id: string, row: StaffSessionRow): Promise<void>;
    delete(id: string): Promise<void>;
    /** Ends every session of one user (their password changed, or they were disabled). */
    deleteForUser(userId: string): Promise<void>;
    purgeExpired(now: Date): Promise<number>;
  };
  audit: {
    append(entry: NewAuditEntry): Promise<AuditEntry>;
    /** Newest first; `before` is an id for paging back; `serviceCodes`: only entries about requests for these services, and entries about no request. */
    list(filter: { jurisdictionId: string; requestId?: string; actions?: string[]; actor?: string; serviceCodes?: string[]; before?: string; limit: number }): Promise<AuditEntry[]>;
  };
  assignments: {
    /** The officer the request is assigned to (user id), if any. */
    get(jurisdictionId: string, requestId: string): Promise<string | undefined>;
    /** The officer and/or team the request is assigned to. */
    of(jurisdictionId: string, requestId: string): Promise<Assignee | undefined>;
    /** Who each of these requests is assigned to, for a page of the queue. */
    forRequests(jurisdictionId: string, requestIds: string[]): Promise<Map<string, Assignee>>;
    /** Assigns (or, with undefined, unassigns) in one transaction; returns who it was assigned to before. */
    set(jurisdictionId: string, requestId: string, to: Assignee | undefined, at: Date): Promise<Assignee | undefined>;
    /** The officer's cases in the council at a status not in `closed`, by request id, with the team each was given. */
    heldBy(jurisdictionId: string, userId: string, closed: readonly Status[]): Promise<{ requestId: string; serviceCode: string; team?: string }[]>;
    /** Moves a case from this officer to `to` only while it is still theirs (false: it was reassigned meanwhile), with its event. */
    handOver(jurisdictionId: string, requestId: string, fromUserId: string, to: Assignee | undefined, at: Date): Promise<boolean>;
  };
  /** A user's named queue filters, per council. */
  views: {
    list(userId: string, jurisdictionId: string): Promise<SavedView[]>;
    /** Saves under a name; the same name again replaces that view's filters. */
    save(view: Omit<SavedView, 'id'>): Promise<SavedView>;
    /** Removes one of the user's own views; false when it is not theirs or not there. */
    remove(userId: string, jurisdictionId: string, id: string): Promise<boolean>;
  };
  /** Duplicates and their originals (written with the update that closes the duplicate). */
  duplicates: {
    /** The request this one duplicates. */
    originalOf(jurisdictionId: string, requestId: string): Promise<string | undefined>;
    /** Requests marked duplicates of this one, oldest link first. */
    of(jurisdictionId: string, originalId: string): Promise<string[]>;
  };
}
