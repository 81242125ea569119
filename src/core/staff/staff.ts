import type { Role } from './roles.ts';

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
    /** Newest first; `before` is an id for paging back. */
    list(filter: { jurisdictionId: string; requestId?: string; actions?: string[]; actor?: string; before?: string; limit: number }): Promise<AuditEntry[]>;
  };
  assignments: {
    get(jurisdictionId: string, requestId: string): Promise<string | undefined>;
    /** Who each of these requests is assigned to (user id), for a page of the queue. */
    forRequests(jurisdictionId: string, requestIds: string[]): Promise<Map<string, string>>;
    /** Assigns (or, with undefined, unassigns); returns who it was assigned to before. */
    set(jurisdictionId: string, requestId: string, userId: string | undefined, at: Date): Promise<string | undefined>;
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
