import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { StaffContext } from '../plugin.ts';
import { actorOf } from '../identity.ts';
import { csvLine, sendCsv } from '../csv.ts';
import { page } from '../render.ts';
import { servicesInScope } from '../../core/cases/scope.ts';

const PAGE = 100;
const ID = /^\d{1,15}$/;
const ACTION = /^[a-z_]+(\.[a-z_]+)*$/;

type Query = { before?: string; request?: string; action?: string; who?: string };

/** The filters of the log as given in the address, each dropped when it is not well formed. */
function filters(q: Query) {
  const requestId = ID.test(q.request ?? '') ? q.request : undefined;
  const action = typeof q.action === 'string' && ACTION.test(q.action) && q.action.length <= 60 ? q.action : undefined;
  const who = typeof q.who === 'string' && q.who.trim() && q.who.length <= 200 && !/[\u0000-\u001f\u007f]/.test(q.who) ? q.who.trim().toLowerCase() : undefined;
  return { requestId, action, who };
}

/** The audit log: every staff action and every look at contact details in this council, newest first, for supervisors; searchable and exportable. */
export async function auditRoutes(app: FastifyInstance, { store, clock }: StaffContext) {
  const list = async (req: FastifyRequest<{ Querystring: Query }>, before: string | undefined, limit: number) => {
    const f = filters(req.query);
    const actor = actorOf(req);
    // A role limited to service groups reads only entries about its services' requests (and those about none).
    const serviceCodes = actor.groups?.length ? (await servicesInScope(store, actor)).map((s) => s.code) : undefined;
    return store.staff.audit.list({ jurisdictionId: actor.jurisdictionId, requestId: f.requestId, actions: f.action ? [f.action] : undefined, actor: f.who, serviceCodes, before, limit });
  };
  const params = (q: Query, extra: Record<string, string> = {}) => {
    const f = filters(q);
    return new URLSearchParams({ ...(f.requestId ? { request: f.requestId } : {}), ...(f.action ? { action: f.action } : {}), ...(f.who ? { who: f.who } : {}), ...extra }).toString();
  };

  app.get<{ Querystring: Query }>('/audit', { config: { ability: 'audit.view' } }, async (req, reply) => {
    const before = ID.test(req.query.before ?? '') ? req.query.before : undefined;
    const entries = await list(req, before, PAGE + 1);
    const more = entries.length > PAGE;
    const shown = entries.slice(0, PAGE);
    const f = filters(req.query);
    return page(req, reply, 'audit.njk', {
      title: 'Audit log',
      entries: shown,
      requestId: f.requestId,
      filter: f,
      olderHref: more ? `/staff/audit?${params(req.query, { before: shown[shown.length - 1].id })}` : undefined,
      exportHref: `/staff/audit.csv${params(req.query) ? `?${params(req.query)}` : ''}`,
    });
  });

  app.get<{ Querystring: Query }>('/audit.csv', { config: { ability: 'audit.view' } }, async (req, reply) => {
    const actor = actorOf(req);
    await store.staff.audit.append({ actor: actor.email, userId: actor.userId, jurisdictionId: actor.jurisdictionId, action: 'audit.export', after: params(req.query) || 'all', at: clock.now() });
    async function* csv() {
      yield '\uFEFF' + csvLine(['id', 'at', 'who', 'action', 'request', 'before', 'after', 'reason']);
      let before: string | undefined;
      for (;;) {
        const batch = await list(req, before, 500);
        for (const e of batch) yield csvLine([e.id, e.at.toISOString(), e.actor, e.action, e.requestId ?? '', e.before ?? '', e.after ?? '', e.reason ?? '']);
        if (batch.length < 500) return;
        before = batch[batch.length - 1].id;
      }
    }
    const name = `audit-${actor.jurisdictionId}-${clock.now().toISOString().slice(0, 10)}.csv`;
    return sendCsv(reply, name, csv());
  });
}
