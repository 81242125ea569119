import type { FastifyInstance } from 'fastify';
import type { StaffContext } from '../plugin.ts';
import { actorOf } from '../identity.ts';
import { page } from '../render.ts';

const PAGE = 100;

/** The audit log: every staff action and every look at contact details in this council, newest first, for supervisors. */
export async function auditRoutes(app: FastifyInstance, { store }: StaffContext) {
  app.get<{ Querystring: { before?: string; request?: string } }>('/audit', { config: { ability: 'audit.view' } }, async (req, reply) => {
    const actor = actorOf(req);
    const before = /^\d{1,15}$/.test(req.query.before ?? '') ? req.query.before : undefined;
    const requestId = /^\d{1,15}$/.test(req.query.request ?? '') ? req.query.request : undefined;
    const entries = await store.staff.audit.list({ jurisdictionId: actor.jurisdictionId, requestId, before, limit: PAGE + 1 });
    const more = entries.length > PAGE;
    const shown = entries.slice(0, PAGE);
    const q = (extra: Record<string, string>) => `/staff/audit?${new URLSearchParams({ ...(requestId ? { request: requestId } : {}), ...extra })}`;
    return page(req, reply, 'audit.njk', { title: 'Audit log', entries: shown, requestId, olderHref: more ? q({ before: shown[shown.length - 1].id }) : undefined });
  });
}
