import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../core/store.ts';

export const SESSION_COOKIE = 'pipework_session';
const ID = /^[A-Za-z0-9_-]{43}$/;

/** The key under which @fastify/csrf-protection asks the session for its secret. */
const CSRF_KEY = '_csrf';
const newId = () => randomBytes(32).toString('base64url');

/**
 * One resident's session: their language and unfinished answers.
 * `get`/`set`/`options` is the shape @fastify/csrf-protection expects of a
 * session (its secure-session mode). The CSRF secret is not stored: it is
 * derived from the session id, so a visitor who only reads pages (and a form
 * they never send) costs a cookie, not a database row.
 */
export class WebSession {
  dirty = false;
  /** This request gave the session its id: the cookie must be set. */
  issued = false;
  constructor(
    public id: string | undefined,
    readonly data: Record<string, unknown>,
    readonly expiresAt?: Date,
    /** A row exists for this id. */
    private stored = false,
  ) {}
  get<T = unknown>(key: string): T | undefined {
    if (key === CSRF_KEY) return this.csrfSecret() as T;
    return this.data[key] as T | undefined;
  }
  set(key: string, value: unknown): void {
    if (key === CSRF_KEY) return; // derived, never kept
    this.keepable();
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

  private csrfSecret(): string {
    if (!this.id) {
      this.id = newId();
      this.issued = true;
    }
    return createHash('sha256').update(`pipework web csrf\0${this.id}`).digest('base64url');
  }

  /**
   * The first thing worth keeping gets a fresh id for its row: an id that came
   * with a cookie but has no row could have been planted by someone else
   * (session fixation), who must not then read what the resident types.
   */
  private keepable(): void {
    if (this.stored) return;
    this.id = newId();
    this.issued = true;
    this.stored = true;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    session: WebSession;
  }
}

/**
 * Database-backed sessions for the pages in this plugin's scope. The cookie
 * holds only a random 256-bit id, so it needs no signing secret and stays
 * valid across restarts and across servers sharing one database. A session
 * row is written only when something worth keeping was stored in it (an
 * answer, a language), and refreshed when half its life has gone, so
 * browsing, crawlers and unsent forms never write.
 */
export async function webSessions(app: FastifyInstance, opts: { store: Store; ttlHours: number; saveFailed: (req: FastifyRequest, reply: FastifyReply, err: unknown) => Promise<string> }) {
  const ttl = opts.ttlHours * 3600_000;
  app.decorateRequest('session', null as unknown as WebSession);

  app.addHook('onRequest', async (req) => {
    // Fonts, styles and scripts never need the session: no database read for them.
    if (req.url.startsWith('/assets/')) return;
    const id = req.cookies[SESSION_COOKIE];
    const valid = id && ID.test(id) ? id : undefined;
    const found = valid ? await opts.store.webSessions.get(valid) : undefined;
    // An id without a row is kept for its CSRF secret (the form it was given still works).
    req.session = found ? new WebSession(valid, found.data, found.expiresAt, true) : new WebSession(valid, {});
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const s = req.session;
    if (!s) return payload;
    const now = Date.now();
    const stale = !!s.expiresAt && s.expiresAt.getTime() - now < ttl / 2;
    const write = s.dirty || stale;
    if (!write && !s.issued) return payload;
    if (write) {
      try {
        await opts.store.webSessions.put(s.id!, s.data, new Date(now + ttl));
      } catch (err) {
        // The answer was not kept: say so with a page rather than carry on as if it had been.
        s.dirty = false;
        return opts.saveFailed(req, reply, err);
      }
      s.dirty = false;
    }
    reply.setCookie(SESSION_COOKIE, s.id!, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: req.protocol === 'https',
      maxAge: Math.floor(ttl / 1000),
    });
    return payload;
  });

  // Expired rows are swept now and then; a failed sweep only delays clean-up.
  const sweep = () => opts.store.webSessions.purgeExpired().catch((err) => app.log.warn({ err }, 'web session sweep failed'));
  const timer = setInterval(sweep, 3600_000);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
