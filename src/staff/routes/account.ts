import type { FastifyInstance } from 'fastify';
import type { StaffContext } from '../plugin.ts';
import { page } from '../render.ts';
import { newTotp, totpValid } from '../totp.ts';

/** The signed-in user's own account: their councils and roles, which council they work in, their second factor. */
export async function accountRoutes(app: FastifyInstance, { store, clock }: StaffContext) {
  app.get('/account', async (req, reply) => page(req, reply, 'account.njk', { title: 'Your account' }));

  app.post<{ Body: { council?: string } }>('/account/council', async (req, reply) => {
    const wanted = String(req.body?.council ?? '');
    if (req.staff!.councils.some((c) => c.id === wanted)) {
      req.staffSession.set('council', wanted);
      req.staffSession.set('flash', `You are now working in ${req.staff!.councils.find((c) => c.id === wanted)!.name}.`);
    }
    return reply.redirect('/staff/', 303);
  });

  app.get('/account/two-factor', async (req, reply) => {
    const { secret, uri } = newTotp(req.staff!.user.email);
    // The secret waits in the session until a code proves the app has it.
    req.staffSession.set('totpSetup', secret);
    return page(req, reply, 'two-factor-setup.njk', { title: 'Set up a second factor', secret, uri });
  });

  app.post<{ Body: { code?: string } }>('/account/two-factor', async (req, reply) => {
    const secret = req.staffSession.get<string>('totpSetup');
    if (!secret) return reply.redirect('/staff/account/two-factor', 303);
    if (!(await totpValid(secret, String(req.body?.code ?? ''), clock.now()))) {
      return page(req, reply, 'two-factor-setup.njk', { title: 'Set up a second factor', secret, uri: newTotpUri(req.staff!.user.email, secret), errors: [{ field: 'code', href: '#code', text: 'Enter the 6-digit code your authenticator app shows now' }] }, 400);
    }
    const user = req.staff!.user;
    await store.staff.users.setTotpSecret(user.id, secret);
    req.staffSession.delete('totpSetup');
    await store.staff.audit.append({ actor: user.email, userId: user.id, action: 'staff.two_factor_on', at: clock.now() });
    req.staffSession.set('flash', 'Your second factor is set up. You will be asked for a code each time you sign in with your password.');
    return reply.redirect('/staff/account', 303);
  });
}

const newTotpUri = (email: string, secret: string) => `otpauth://totp/${encodeURIComponent(`Pipework staff console:${email}`)}?secret=${secret}&issuer=${encodeURIComponent('Pipework staff console')}`;
