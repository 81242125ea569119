import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../core/store.ts';
import type { Clock } from '../core/clock.ts';

export const STAFF_COOKIE = 'pipework_staff';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** However busy, a session ends this long after sign-in. */
export const ABSOLUTE_HOURS = 12;

const idOf = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * A staff session: who is signed in, the CSRF secret, and short-lived state
 * (OpenID Connect checks, a half-finished sign-in, a message for the next
 * page). `get`/`set`/`options` is the session shape @fastify/csrf-protection
 * expects, as in the resident web.
 */
export class StaffSession {
  dirty = false;
  constructor(
    public token: string | undefined,
    public userId: string | undefined,
    readonly data: Record<string, unknown>,
    public createdAt: Date,
    readonly expiresAt?: Date,
  ) {}
  get id() {
    return this.token;
  }
  get<T = unknown>(key: string): T | undefined {
    return this.data[key] as T | undefined;
  }
  set(key: string, value: unknown): void {
    this.data[key] = value;
    this.dirty = true;
  }
  delete(key: string): void {
    if (key in this.data) {
      delete this.data[key];
      this.dirty = true;
    }
  }
  options(): void {}
  /** Takes a one-time message set by the previous request (Post/Redirect/Get). */
  flash(): string | undefined {
    const m = this.get<string>('flash');
    if (m !== undefined) this.delete('flash');
    return m;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    staffSession: StaffSession;
  }
}

/**
 * Staff sessions in the database (migration 0008). The cookie holds a random
 * 256-bit token; the table holds only its SHA-256, so a copy of the database
 * signs no one in. A session ends after `idleMinutes` without a request and
 * `ABSOLUTE_HOURS` after it began. Signing in starts a new session (a fixed id
 * cannot be planted before sign-in).
 */
export async function staffSessions(app: FastifyInstance, opts: { store: Store; clock: Clock; idleMinutes: number }) {
  const idle = opts.idleMinutes * 60_000;
  app.decorateRequest('staffSession', null as unknown as StaffSession);
  // @fastify/csrf-protection reads `request.session`.
  app.decorateRequest('session', { getter(this: FastifyRequest) { return this.staffSession as never; } });

  app.addHook('onRequest', async (req) => {
    const now = opts.clock.now();
    // Styles and scripts never need the stored session: no database read for them.
    if (req.url.startsWith('/staff/assets/')) {
      req.staffSession = new StaffSession(undefined, undefined, {}, now);
      return;
    }
    const token = req.cookies[STAFF_COOKIE];
    const found = token && TOKEN.test(token) ? await opts.store.staff.sessions.get(idOf(token), now) : undefined;
    const fresh = found && found.createdAt.getTime() + ABSOLUTE_HOURS * 3600_000 > now.getTime();
    req.staffSession = fresh ? new StaffSession(token, found.userId, found.data, found.createdAt, found.expiresAt) : new StaffSession(undefined, undefined, {}, now);
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const s = req.staffSession;
    if (!s) return payload;
    const now = opts.clock.now().getTime();
    // Sliding expiry, written at most once a minute while nothing else changes.
    const due = !!s.expiresAt && s.expiresAt.getTime() - now < idle - 60_000;
    if (!s.dirty && !due) return payload;
    if (!s.token && !s.dirty) return payload;
    s.token ??= randomBytes(32).toString('base64url');
    const expiresAt = new Date(Math.min(now + idle, s.createdAt.getTime() + ABSOLUTE_HOURS * 3600_000));
    await opts.store.staff.sessions.put(idOf(s.token), { userId: s.userId, data: s.data, createdAt: s.createdAt, expiresAt });
    s.dirty = false;
    setCookie(req, reply, s.token);
    return payload;
  });

  const sweep = () => opts.store.staff.sessions.purgeExpired(opts.clock.now()).catch((err) => app.log.warn({ err }, 'staff session sweep failed'));
  const timer = setInterval(sweep, 3600_000);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}

function setCookie(req: FastifyRequest, reply: FastifyReply, token: string) {
  // No max-age: the cookie goes when the browser closes; the server ends the session earlier when idle.
  reply.setCookie(STAFF_COOKIE, token, { path: '/staff', httpOnly: true, sameSite: 'lax', secure: req.protocol === 'https' });
}

/** Starts a new session for a user who just signed in; the old one (and its id) is dropped. */
export async function beginSession(store: Store, clock: Clock, req: FastifyRequest, userId: string): Promise<void> {
  const old = req.staffSession;
  if (old.token) await store.staff.sessions.delete(idOf(old.token));
  const keep = { council: old.get('council') };
  req.staffSession = new StaffSession(undefined, userId, Object.fromEntries(Object.entries(keep).filter(([, v]) => v !== undefined)), clock.now());
  req.staffSession.dirty = true;
}

/** Ends the session: its row goes and the cookie is cleared. */
export async function endSession(store: Store, clock: Clock, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const s = req.staffSession;
  if (s.token) await store.staff.sessions.delete(idOf(s.token));
  req.staffSession = new StaffSession(undefined, undefined, {}, clock.now());
  reply.clearCookie(STAFF_COOKIE, { path: '/staff' });
}
