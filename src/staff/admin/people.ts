import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminArea } from './index.ts';
import type { StaffContext } from '../plugin.ts';
import { page, type PageError } from '../render.ts';
import { actorOf } from '../identity.ts';
import { ROLES } from '../../core/staff/roles.ts';
import { SETUP_LINK_HOURS } from '../../core/staff/setup.ts';
import { deactivateStaff, inviteStaff, resetStaffPassword, setStaffRole, type PeopleActor } from '../../core/staff/people.ts';
import { formText, pageErrors } from './form-errors.ts';

const ROLE_TEXT: Record<string, string> = {
  agent: 'Agent: raise and find requests, add notes',
  officer: 'Officer: also work cases',
  supervisor: 'Supervisor: also bulk actions and the audit log',
  admin: 'Admin: also council set-up',
};

/** The council's people: invite (one-time set-password link), role and team, deactivate, last sign-in. */
async function routes(app: FastifyInstance, { store, clock, config }: StaffContext) {
  const admin = (req: FastifyRequest): PeopleActor => {
    const a = actorOf(req);
    return { userId: a.userId, email: a.email, jurisdictionId: a.jurisdictionId };
  };
  const link = (req: FastifyRequest, token: string) => `${config.publicUrl || `${req.protocol}://${req.host}`}/staff/set-password/${token}`;
  const list = async (req: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors: PageError[] = [], status = 200) => {
    const council = admin(req).jurisdictionId;
    const people = (await store.staff.users.list(council)).map((u) => ({ ...u, here: u.roles.find((r) => r.jurisdictionId === council)!, self: u.id === admin(req).userId }));
    return page(req, reply, 'admin/people.njk', { title: 'People', people, roles: ROLES.map((r) => ({ value: r, text: ROLE_TEXT[r] })), values, errors }, status);
  };
  const personPage = async (req: FastifyRequest, reply: FastifyReply, id: string, values?: Record<string, string>, errors: PageError[] = [], status = 200) => {
    const person = (await store.staff.users.list(admin(req).jurisdictionId)).find((u) => u.id === id);
    if (!person) return list(req, reply, {}, [{ field: 'form', href: '#main-content', text: 'No such person in this council' }], 404);
    const here = person.roles.find((r) => r.jurisdictionId === admin(req).jurisdictionId)!;
    return page(req, reply, 'admin/person.njk', { title: person.name, person, here, self: person.id === admin(req).userId, roles: ROLES.map((r) => ({ value: r, text: ROLE_TEXT[r] })), values: values ?? { role: here.role, team: here.team ?? '' }, errors }, status);
  };

  app.get('/people', async (req, reply) => list(req, reply));

  app.post('/people', async (req, reply) => {
    const v = formText(req.body);
    try {
      const { user, token, created } = await inviteStaff(store, admin(req), { email: v.email ?? '', name: v.name ?? '', role: v.role ?? '', team: v.team }, clock.now());
      return page(req, reply, 'admin/person-invited.njk', { title: created ? `${user.name} is invited` : `${user.name} has a new role`, user, link: link(req, token), hours: SETUP_LINK_HOURS });
    } catch (err) {
      return list(req, reply, v, pageErrors(err), 400);
    }
  });

  app.get<{ Params: { id: string } }>('/people/:id', async (req, reply) => personPage(req, reply, req.params.id));

  app.post<{ Params: { id: string } }>('/people/:id', async (req, reply) => {
    const v = formText(req.body);
    try {
      const user = await setStaffRole(store, admin(req), req.params.id, { role: v.role ?? '', team: v.team }, clock.now());
      req.staffSession.set('flash', `${user.name}’s role is saved.`);
      return reply.redirect('/staff/admin/people', 303);
    } catch (err) {
      return personPage(req, reply, req.params.id, v, pageErrors(err), 400);
    }
  });

  app.post<{ Params: { id: string } }>('/people/:id/deactivate', async (req, reply) => {
    try {
      const { user, disabled } = await deactivateStaff(store, admin(req), req.params.id, clock.now());
      req.staffSession.set('flash', `${user.name} is deactivated${disabled ? ': they can no longer sign in' : ' in this council'}.`);
      return reply.redirect('/staff/admin/people', 303);
    } catch (err) {
      return personPage(req, reply, req.params.id, undefined, pageErrors(err), 400);
    }
  });

  app.post<{ Params: { id: string } }>('/people/:id/reset', async (req, reply) => {
    try {
      const { user, token } = await resetStaffPassword(store, admin(req), req.params.id, clock.now());
      return page(req, reply, 'admin/person-invited.njk', { title: `New set-password link for ${user.name}`, user, link: link(req, token), hours: SETUP_LINK_HOURS });
    } catch (err) {
      return personPage(req, reply, req.params.id, undefined, pageErrors(err), 400);
    }
  });
}

export const peopleArea: AdminArea = {
  path: 'people',
  title: 'People',
  summary: 'Invite staff with a one-time set-password link, set their role and team, deactivate them, and see when each last signed in.',
  routes,
};
