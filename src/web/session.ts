import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../core/store.ts';

export const SESSION_COOKIE = 'pipework_session';
const ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * One resident's session: their language, unfinished answers and CSRF secret.
 * `get`/`set`/`options` is the shape @fastify/csrf-protection expects of a
 * session (its secure-session mode), so the CSRF secret is stored here too.
 */
export class WebSession {
  dirty = false;
  constructor(
    public id: string | undefined,
    readonly data: Record<string, unknown>,
    readonly expiresAt?: Date,
  ) {}
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
 * row is written only when something was stored in it, and refreshed when
 * half its life has gone, so browsing does not write on every page.
 */
export async function webSessions(app: FastifyInstance, opts: { store: Store; ttlHours: number }) {
  const ttl = opts.ttlHours * 3600_000;
  app.decorateRequest('session', null as unknown as WebSession);

  app.addHook('onRequest', async (req) => {
    // Fonts, styles and scripts never need the session: no database read for them.
    if (req.url.startsWith('/assets/')) return;
    const id = req.cookies[SESSION_COOKIE];
    const found = id && ID.test(id) ? await opts.store.webSessions.get(id) : undefined;
    req.session = found ? new WebSession(id, found.data, found.expiresAt) : new WebSession(undefined, {});
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const s = req.session;
    if (!s) return payload;
    const now = Date.now();
    const stale = !!s.expiresAt && s.expiresAt.getTime() - now < ttl / 2;
    if (!s.dirty && !stale) return payload;
    s.id ??= randomBytes(32).toString('base64url');
    await opts.store.webSessions.put(s.id, s.data, new Date(now + ttl));
    s.dirty = false;
    reply.setCookie(SESSION_COOKIE, s.id, {
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
