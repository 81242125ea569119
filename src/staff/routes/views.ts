import type { FastifyInstance } from 'fastify';
import type { StaffContext } from '../plugin.ts';
import { PipeworkError } from '../../core/errors.ts';
import { removeView, saveView } from '../../core/cases/views.ts';
import { servicesInScope } from '../../core/cases/scope.ts';
import { actorOf } from '../identity.ts';
import { parseQueue, queueHref, type QueueParams } from '../queue-filters.ts';

/** Saved views of the queue: POST a name with the filters in view; each person's own, per council. */
export async function viewRoutes(app: FastifyInstance, { store, clock }: StaffContext) {
  app.post<{ Body: { name?: string; query?: string } }>('/views', { config: { ability: 'queue.view' } }, async (req, reply) => {
    const actor = actorOf(req);
    const raw = typeof req.body?.query === 'string' ? req.body.query : '';
    // Only known filters are kept: the query is read as the queue reads it, then written again.
    const u = new URLSearchParams(raw);
    const one = (k: string) => u.get(k) ?? undefined;
    const p: QueueParams = { service: u.getAll('service'), status: u.getAll('status'), group: one('group'), overdue: one('overdue'), assigned: one('assigned'), q: one('q'), sort: one('sort') };
    const { state } = parseQueue(p, await servicesInScope(store, actor), actor.jurisdictionId, actor.userId, clock.now(), !!actor.groups, actor.team);
    const href = queueHref(state);
    try {
      const view = await saveView(store, clock, actor, { name: String(req.body?.name ?? ''), query: href.replace(/^\/staff\/\??/, '') });
      req.staffSession.set('flash', `View “${view.name}” saved.`);
    } catch (err) {
      if (!(err instanceof PipeworkError) || err.code !== 'INVALID_INPUT') throw err;
      req.staffSession.set('viewError', { field: 'view-name', href: '#view-name', text: err.problems[0]?.message ?? err.message, value: String(req.body?.name ?? '').slice(0, 60) });
    }
    return reply.redirect(href, 303);
  });

  app.post<{ Params: { id: string } }>('/views/:id/delete', { config: { ability: 'queue.view' } }, async (req, reply) => {
    await removeView(store, actorOf(req), /^\d{1,15}$/.test(req.params.id) ? req.params.id : '0');
    req.staffSession.set('flash', 'View removed.');
    return reply.redirect('/staff/', 303);
  });
}
