import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffContext } from '../plugin.ts';
import type { AdminArea } from './index.ts';
import type { Delivery, DeliveryState } from '../../core/delivery/outbox.ts';
import { PipeworkError } from '../../core/errors.ts';
import { BUILTIN_BACKEND } from '../../core/routing/decide.ts';
import { rerouteDeliveries } from '../../core/delivery/reroute.ts';
import { listBackends } from '../../routing/manage.ts';
import { staffActing } from './backends.ts';
import { actorOf } from '../identity.ts';
import { page, type PageError } from '../render.ts';
import { field, recordAdmin } from './audit.ts';

const STATES: DeliveryState[] = ['pending', 'in_flight', 'dead', 'delivered'];
const STATE_NAMES: Record<DeliveryState, string> = { pending: 'Waiting', in_flight: 'Being sent', dead: 'Failed', delivered: 'Delivered' };
const COUNT_LIMIT = 1000;
const ID = /^[1-9]\d{0,15}$/;

/**
 * Deliveries: the council's waiting, in-flight and failed jobs per back-end,
 * each job's attempts, retrying one or all failed, and re-routing the jobs
 * stuck on a back-end that has gone away (the same core use case as
 * `npx pipework deliveries reroute` and the admin API).
 */
async function deliveryRoutes(app: FastifyInstance, ctx: StaffContext) {
  const { store } = ctx;
  const council = (req: FastifyRequest) => actorOf(req).jurisdictionId;

  const show = async (req: FastifyRequest<{ Querystring: { state?: string; backend?: string } }>, reply: FastifyReply, errors: PageError[] = []) => {
    const j = council(req);
    const state = STATES.includes(req.query.state as DeliveryState) ? (req.query.state as DeliveryState) : undefined;
    const backend = typeof req.query.backend === 'string' && /^[a-z0-9][a-z0-9_-]{0,62}$/.test(req.query.backend) ? req.query.backend : undefined;
    const open = await Promise.all((['pending', 'in_flight', 'dead'] as const).map((s) => store.deliveries.list({ jurisdictionId: j, state: s, limit: COUNT_LIMIT })));
    const counts = new Map<string, Record<string, number>>();
    for (const d of open.flat()) {
      const c = counts.get(d.backend) ?? { pending: 0, in_flight: 0, dead: 0 };
      c[d.state]++;
      counts.set(d.backend, c);
    }
    const jobs = await store.deliveries.list({ jurisdictionId: j, state, backend, limit: 100 });
    const configured = [BUILTIN_BACKEND, ...(await listBackends(store, staffActing(req))).filter((b) => b.name !== BUILTIN_BACKEND).map((b) => b.name)];
    const stuckOn = [...counts.keys()].sort();
    return page(req, reply, 'admin/deliveries.njk', {
      title: 'Deliveries',
      counts: [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([name, c]) => ({ name, ...c, gone: !configured.includes(name) })),
      countLimit: COUNT_LIMIT,
      jobs: jobs.map((d) => ({ ...d, stateName: STATE_NAMES[d.state] })),
      filter: { state, backend },
      stateItems: [{ value: '', text: 'Any' }, ...STATES.map((s) => ({ value: s, text: STATE_NAMES[s], selected: s === state }))],
      fromItems: stuckOn.map((n) => ({ value: n, text: n })),
      toItems: configured.map((n) => ({ value: n, text: n })),
      anyDead: open[2].length > 0,
      errors,
    }, errors.length ? 400 : 200);
  };
  app.get<{ Querystring: { state?: string; backend?: string } }>('/deliveries', async (req, reply) => show(req, reply));

  const jobOf = async (req: FastifyRequest<{ Params: { id: string } }>): Promise<Delivery> => {
    const d = ID.test(req.params.id) ? await store.deliveries.get(req.params.id) : undefined;
    if (!d || d.jurisdictionId !== council(req)) throw new PipeworkError('DELIVERY_NOT_FOUND', `No delivery ${req.params.id}`);
    return d;
  };

  app.get<{ Params: { id: string } }>('/deliveries/:id', async (req, reply) => {
    const d = await jobOf(req);
    const attempts = await store.deliveries.attempts(d.id);
    return page(req, reply, 'admin/delivery.njk', {
      title: `Delivery ${d.id}`,
      d: { ...d, stateName: STATE_NAMES[d.state] },
      attempts: attempts.map((a) => ({ ...a, ms: a.finishedAt.getTime() - a.startedAt.getTime() })),
    });
  });

  app.post<{ Params: { id: string } }>('/deliveries/:id/retry', async (req, reply) => {
    const d = await jobOf(req);
    if (!(await store.deliveries.retry(d.id))) {
      throw new PipeworkError('INVALID_INPUT', `Delivery ${d.id} is ${STATE_NAMES[d.state].toLowerCase()}; only a failed delivery can be retried`);
    }
    await recordAdmin(ctx, req, 'delivery.retry', { requestId: d.requestId, before: `${d.id} to ${d.backend}: dead`, after: `${d.id}: pending` });
    req.staffSession.set('flash', `Delivery ${d.id} queued again; it is sent shortly.`);
    return reply.redirect(`/staff/admin/deliveries/${d.id}`, 303);
  });

  // Every failed job of this council (not of other councils on the same install).
  app.post('/deliveries/retry', async (req, reply) => {
    const dead = await store.deliveries.list({ jurisdictionId: council(req), state: 'dead', limit: 10_000 });
    let n = 0;
    for (const d of dead) if (await store.deliveries.retry(d.id)) n++;
    await recordAdmin(ctx, req, 'delivery.retry_all', { after: `${n} failed deliveries queued again` });
    req.staffSession.set('flash', `${n} failed deliver${n === 1 ? 'y' : 'ies'} queued again.`);
    return reply.redirect('/staff/admin/deliveries', 303);
  });

  app.post<{ Querystring: { state?: string; backend?: string } }>('/deliveries/reroute', async (req, reply) => {
    const from = field(req.body, 'from');
    const to = field(req.body, 'to');
    try {
      const { moved, skipped } = await rerouteDeliveries(store, { from, to, jurisdictionId: council(req), by: staffActing(req) }, ctx.clock.now());
      await recordAdmin(ctx, req, 'delivery.reroute', { before: from, after: to, reason: `${moved} moved, ${skipped} left` });
      req.staffSession.set('flash', `Re-routed ${moved} deliver${moved === 1 ? 'y' : 'ies'} from ${from} to ${to}.${skipped ? ` ${skipped} left where they are (being sent, shadow copies, or already held by one of the two).` : ''}`);
      return reply.redirect('/staff/admin/deliveries', 303);
    } catch (e) {
      if (!(e instanceof PipeworkError) || (e.code !== 'INVALID_INPUT' && e.code !== 'BACKEND_NOT_FOUND')) throw e;
      const problems = e.problems.length ? e.problems : [{ field: 'to', message: e.message }];
      return show(req, reply, problems.map((p) => ({ field: p.field, href: `#reroute-${p.field}`, text: p.message })));
    }
  });
}

export const deliveriesArea: AdminArea = {
  path: 'deliveries',
  title: 'Deliveries',
  summary: 'Jobs waiting, being sent and failed per back-end, their attempts, retries, and re-routing jobs stuck on a back-end that has gone away.',
  routes: deliveryRoutes,
};
