import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../core/store.ts';
import type { StaffUser } from '../core/staff/staff.ts';
import type { Jurisdiction } from '../core/services/service.ts';
import type { Actor } from '../core/cases/work.ts';
import { can, type Ability } from '../core/staff/roles.ts';

/** Who is signed in, the council they are working in and their role there. */
export interface StaffIdentity {
  user: StaffUser;
  councils: Jurisdiction[];
  council?: Jurisdiction;
  /** Absent when the user has no role in any council. */
  actor?: Actor;
  can(ability: string): boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    staff?: StaffIdentity;
  }
  interface FastifyContextConfig {
    /** Reachable signed out (sign-in, set-password, assets). */
    public?: boolean;
    /** What the signed-in user's role must allow. */
    ability?: Ability;
  }
}

/** Loads the signed-in user; every route not marked public then needs one, and the ability it names. */
export function staffGuard(app: FastifyInstance, store: Store, onForbidden: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) {
  app.decorateRequest('staff', undefined);
  app.addHook('preHandler', async (req, reply) => {
    const userId = req.staffSession?.userId;
    const user = userId ? await store.staff.users.get(userId) : undefined;
    if (user && !user.disabledAt) req.staff = await identityOf(store, user, req.staffSession.get<string>('council'));
    const config = req.routeOptions.config;
    if (config.public) return;
    if (!req.staff) {
      const path = new URL(req.url, 'http://x').pathname;
      const next = req.method === 'GET' && path !== '/staff/sign-in' ? `?next=${encodeURIComponent(req.url)}` : '';
      return reply.redirect(`/staff/sign-in${next}`, 303);
    }
    if (config.ability && !req.staff.can(config.ability)) return onForbidden(req, reply);
  });
}

async function identityOf(store: Store, user: StaffUser, wanted: string | undefined): Promise<StaffIdentity> {
  const all = await store.jurisdictions.list();
  const councils = all.filter((j) => user.roles.some((r) => r.jurisdictionId === j.id));
  const council = councils.find((c) => c.id === wanted) ?? councils[0];
  const grant = council && user.roles.find((r) => r.jurisdictionId === council.id);
  const role = grant?.role;
  const actor: Actor | undefined = council && role ? { userId: user.id, email: user.email, name: user.name, jurisdictionId: council.id, role, ...(grant.groups?.length ? { groups: grant.groups } : {}), ...(grant.team ? { team: grant.team } : {}) } : undefined;
  return { user, councils, council, actor, can: (ability) => !!actor && can(actor.role, ability as Ability) };
}

/** The actor of a route that declared an ability (the guard has checked it). */
export const actorOf = (req: FastifyRequest): Actor => {
  if (!req.staff?.actor) throw new Error('staff route without a signed-in actor');
  return req.staff.actor;
};
