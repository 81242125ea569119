import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffContext } from '../plugin.ts';
import { page, type PageError } from '../render.ts';
import { createFirstCouncil, needsFirstRun, SETUP_TOKEN_HOURS } from '../../core/councils/first-run.ts';
import { FIRST_COUNCIL } from '../../core/councils/council.ts';
import { SETUP_LINK_HOURS } from '../../core/staff/setup.ts';
import { formText, pageErrors } from '../admin/form-errors.ts';

const open = { config: { public: true } };

/** The console's front door (/staff/) leads to the first-run page while there is no council to sign in to. Called on the console's own scope. */
export function firstRunDoor(app: FastifyInstance, store: StaffContext['store']) {
  app.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'GET' || !/^\/staff\/?(\?|$)/.test(req.url)) return;
    if (await needsFirstRun(store)) return reply.redirect('/staff/first-run', 303);
  });
}

/**
 * The first-run page, while the install has no council: it creates the first
 * one. Only the holder of a set-up token (printed when the server starts) or
 * a signed-in member of staff added as an admin before any council existed
 * may (docs/decisions/0100). Once a council exists it is gone for good.
 */
export async function firstRunRoutes(app: FastifyInstance, { store, clock, config }: StaffContext) {
  const pendingAdmin = (req: FastifyRequest) => req.staff?.user.roles.some((r) => r.jurisdictionId === FIRST_COUNCIL && r.role === 'admin') ?? false;
  const form = (req: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors: PageError[] = [], status = 200) =>
    page(req, reply, 'first-run.njk', { title: 'Set up your council', values, errors, pending: pendingAdmin(req), tokenHours: SETUP_TOKEN_HOURS }, status);

  app.get('/first-run', open, async (req, reply) => {
    if (!(await needsFirstRun(store))) return reply.redirect('/staff/', 303);
    return form(req, reply);
  });

  app.post('/first-run', open, async (req, reply) => {
    if (!(await needsFirstRun(store))) return reply.redirect('/staff/', 303);
    const v = formText(req.body);
    const changes = { name: v.name ?? '', welshName: v.welshName };
    const user = req.staff?.user;
    const authority = pendingAdmin(req) && user ? { pendingAdmin: { by: user.email, userId: user.id } } : { token: v.token ?? '', admin: { email: v.email ?? '', name: v.adminName ?? '' } };
    let made;
    try {
      made = await createFirstCouncil(store, v.id ?? '', changes, authority, clock.now());
    } catch (err) {
      const errors = pageErrors(err);
      return form(req, reply, { ...v, token: '' }, errors, errors.some((e) => e.field === 'token') ? 403 : 400);
    }
    if (!made.setPasswordToken) {
      req.staffSession.set('council', made.council.id);
      req.staffSession.set('flash', `${made.council.name} is set up. Add its details, keys and people here.`);
      return reply.redirect('/staff/admin/', 303);
    }
    const link = `${config.publicUrl || `${req.protocol}://${req.host}`}/staff/set-password/${made.setPasswordToken}`;
    return page(req, reply, 'first-run-done.njk', { title: `${made.council.name} is set up`, council: made.council, link, hours: SETUP_LINK_HOURS, email: v.email });
  });
}
