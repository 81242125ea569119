import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffContext } from '../plugin.ts';
import { passwordSignIn, failed, normaliseEmail } from '../../core/staff/sign-in.ts';
import { setPasswordWithToken, tokenHash } from '../../core/staff/setup.ts';
import { PipeworkError } from '../../core/errors.ts';
import { beginSession, endSession } from '../session.ts';
import { page, formatDate, type PageError } from '../render.ts';
import { totpValid } from '../totp.ts';

const open = { config: { public: true } };
/** Where to go after signing in: only a path inside the console, never another site. */
const nextPath = (raw: unknown) => (typeof raw === 'string' && /^\/staff(\/[^/\\]|\/?$)/.test(raw) ? raw : '/staff/');
const SECOND_FACTOR_MINUTES = 5;

/** Sign-in (password, then the second factor if set up; or OpenID Connect), sign-out and set-password. */
export async function signInRoutes(app: FastifyInstance, { store, clock, config, oidc }: StaffContext) {
  const form = (req: FastifyRequest, reply: FastifyReply, errors: PageError[] = [], status = 200, email = '') =>
    page(req, reply, 'sign-in.njk', { title: 'Sign in', email, errors, next: nextPath((req.query as { next?: string }).next ?? (req.body as { next?: string } | undefined)?.next), oidcLabel: oidc?.label }, status);

  const signedIn = async (req: FastifyRequest, reply: FastifyReply, userId: string, email: string, how: string, next: string) => {
    await beginSession(store, clock, req, userId);
    await store.staff.users.recordSignIn(userId, clock.now());
    await store.staff.audit.append({ actor: email, userId, action: 'staff.sign_in', after: how, at: clock.now() });
    return reply.redirect(next, 303);
  };

  app.get('/sign-in', open, async (req, reply) => {
    if (req.staff) return reply.redirect('/staff/', 303);
    return form(req, reply);
  });

  app.post<{ Body: { email?: string; password?: string; next?: string } }>('/sign-in', open, async (req, reply) => {
    const email = String(req.body?.email ?? '').trim();
    const password = String(req.body?.password ?? '');
    const errors: PageError[] = [];
    if (!email) errors.push({ field: 'email', href: '#email', text: 'Enter your email address' });
    if (!password) errors.push({ field: 'password', href: '#password', text: 'Enter your password' });
    if (errors.length) return form(req, reply, errors, 400, email);
    const result = await passwordSignIn(store, email, password, clock.now());
    if (!result.ok) {
      const text = result.reason === 'locked'
        ? `This account is locked after too many failed attempts. Try again after ${formatDate(result.until)}, or ask an administrator to reset it.`
        : 'Enter a correct email address and password';
      await store.staff.audit.append({ actor: normaliseEmail(email), action: result.reason === 'locked' ? 'staff.sign_in_locked' : 'staff.sign_in_failed', at: clock.now() });
      return form(req, reply, [{ field: 'email', href: '#email', text }], result.reason === 'locked' ? 423 : 401, email);
    }
    const next = nextPath(req.body?.next);
    if (result.needsSecondFactor) {
      req.staffSession.set('pending', { userId: result.user.id, until: clock.now().getTime() + SECOND_FACTOR_MINUTES * 60_000, next });
      return reply.redirect('/staff/sign-in/two-factor', 303);
    }
    return signedIn(req, reply, result.user.id, result.user.email, 'password', next);
  });

  const pending = (req: FastifyRequest) => {
    const p = req.staffSession.get<{ userId: string; until: number; next: string }>('pending');
    return p && p.until > clock.now().getTime() ? p : undefined;
  };

  app.get('/sign-in/two-factor', open, async (req, reply) => {
    if (!pending(req)) return reply.redirect('/staff/sign-in', 303);
    return page(req, reply, 'two-factor.njk', { title: 'Enter the code from your authenticator app' });
  });

  app.post<{ Body: { code?: string } }>('/sign-in/two-factor', open, async (req, reply) => {
    const p = pending(req);
    if (!p) return reply.redirect('/staff/sign-in', 303);
    const user = await store.staff.users.get(p.userId);
    if (!user?.totpSecret || user.disabledAt) return reply.redirect('/staff/sign-in', 303);
    const retry = (text: string, status: number) => page(req, reply, 'two-factor.njk', { title: 'Enter the code from your authenticator app', errors: [{ field: 'code', href: '#code', text }] }, status);
    // The lock is checked again: five wrong codes lock the account as five wrong passwords do.
    if (user.lockedUntil && user.lockedUntil > clock.now()) {
      req.staffSession.delete('pending');
      return form(req, reply, [{ field: 'email', href: '#email', text: `This account is locked after too many failed attempts. Try again after ${formatDate(user.lockedUntil)}.` }], 423, user.email);
    }
    if (!(await totpValid(user.totpSecret, String(req.body?.code ?? ''), clock.now()))) {
      const r = await failed(store, user, clock.now());
      await store.staff.audit.append({ actor: user.email, userId: user.id, action: 'staff.two_factor_failed', at: clock.now() });
      if (!r.ok && r.reason === 'locked') {
        req.staffSession.delete('pending');
        return form(req, reply, [{ field: 'email', href: '#email', text: `This account is locked after too many failed attempts. Try again after ${formatDate(r.until)}.` }], 423, user.email);
      }
      return retry('Enter the 6-digit code your authenticator app shows now', 401);
    }
    await store.staff.users.clearFailures(user.id);
    return signedIn(req, reply, user.id, user.email, 'password+totp', p.next);
  });

  app.post('/sign-out', async (req, reply) => {
    const who = req.staff!.user;
    await store.staff.audit.append({ actor: who.email, userId: who.id, action: 'staff.sign_out', at: clock.now() });
    await endSession(store, clock, req, reply);
    req.staffSession.set('flash', 'You have signed out.');
    return reply.redirect('/staff/sign-in', 303);
  });

  app.get<{ Params: { token: string } }>('/set-password/:token', open, async (req, reply) => {
    const user = await store.staff.users.bySetupToken(tokenHash(req.params.token), clock.now());
    if (!user) throw new PipeworkError('NOT_FOUND', 'This set-password link has expired or has been used');
    return page(req, reply, 'set-password.njk', { title: 'Set your password', name: user.name, email: user.email });
  });

  app.post<{ Params: { token: string }; Body: { password?: string; confirm?: string } }>('/set-password/:token', open, async (req, reply) => {
    const user = await store.staff.users.bySetupToken(tokenHash(req.params.token), clock.now());
    if (!user) throw new PipeworkError('NOT_FOUND', 'This set-password link has expired or has been used');
    const password = String(req.body?.password ?? '');
    const again = (text: string, field = 'password') => page(req, reply, 'set-password.njk', { title: 'Set your password', name: user.name, email: user.email, errors: [{ field, href: `#${field}`, text }] }, 400);
    if (password !== String(req.body?.confirm ?? '')) return again('The passwords do not match', 'confirm');
    try {
      await setPasswordWithToken(store, req.params.token, password, clock.now());
    } catch (err) {
      if (err instanceof PipeworkError && err.code === 'INVALID_INPUT') return again(err.message);
      throw err;
    }
    req.staffSession.set('flash', 'Your password is set. Sign in with it now.');
    return reply.redirect('/staff/sign-in', 303);
  });

  if (!oidc) return;
  const redirectUri = (req: FastifyRequest) => `${config.publicUrl || `${req.protocol}://${req.host}`}/staff/sign-in/oidc/callback`;

  app.get('/sign-in/oidc', open, async (req, reply) => {
    const { url, checks } = await oidc.start(redirectUri(req));
    req.staffSession.set('oidc', checks);
    return reply.redirect(url, 303);
  });

  app.get('/sign-in/oidc/callback', open, async (req, reply) => {
    const checks = req.staffSession.get<Parameters<typeof oidc.finish>[1]>('oidc');
    req.staffSession.delete('oidc');
    const refuse = (text: string) => form(req, reply, [{ field: 'email', href: '#email', text }], 403);
    if (!checks) return refuse('Your sign-in took too long or was started elsewhere. Try again.');
    let email: string | undefined;
    try {
      const base = config.publicUrl || `${req.protocol}://${req.host}`;
      ({ email } = await oidc.finish(new URL(req.url, base), checks));
    } catch (err) {
      req.log.warn({ err }, 'OpenID Connect sign-in failed');
      return refuse(`Signing in with ${oidc.label} did not work. Try again, or sign in with your email and password.`);
    }
    const user = email ? await store.staff.users.byEmail(normaliseEmail(email)) : undefined;
    if (!user || user.disabledAt) {
      await store.staff.audit.append({ actor: email ?? 'oidc:unverified', action: 'staff.sign_in_failed', after: 'oidc', at: clock.now() });
      return refuse(email ? `There is no staff account for ${email}. Ask an administrator to add you.` : `${oidc.label} did not confirm your email address, so you cannot be matched to a staff account.`);
    }
    return signedIn(req, reply, user.id, user.email, 'oidc', '/staff/');
  });
}
