import type { FastifyRequest } from 'fastify';
import type { StaffContext } from '../plugin.ts';
import { actorOf } from '../identity.ts';

/** Records one council set-up action in the audit log: who (the signed-in email), what (e.g. `service.publish`), before and after. */
export async function recordAdmin(ctx: Pick<StaffContext, 'store' | 'clock'>, req: FastifyRequest, action: string, change: { before?: string; after?: string; reason?: string; requestId?: string } = {}) {
  const actor = actorOf(req);
  await ctx.store.staff.audit.append({ actor: actor.email, userId: actor.userId, jurisdictionId: actor.jurisdictionId, action, ...change, at: ctx.clock.now() });
}

type Body = Record<string, string | string[] | undefined>;
/** One text field of a posted form (the first, if repeated). */
export const field = (body: unknown, name: string): string => {
  const v = (body as Body | undefined)?.[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
};
