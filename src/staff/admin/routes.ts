import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffContext } from '../plugin.ts';
import type { AdminArea } from './index.ts';
import type { Route, RouteChange } from '../../core/routing/route.ts';
import { PipeworkError } from '../../core/errors.ts';
import { BUILTIN_BACKEND } from '../../core/routing/decide.ts';
import { clearRoute, listBackends, promote, setCanary, setPrimary, setShadow, type RouteKey } from '../../routing/manage.ts';
import type { Acting } from '../../core/routing/owners.ts';
import { migrationReport } from '../../routing/report.ts';
import { actorOf } from '../identity.ts';
import { page, type PageError } from '../render.ts';
import { field, recordAdmin } from './audit.ts';
import { staffActing } from './backends.ts';
import { latencyChart } from './chart.ts';
import { moveOpenPages } from './move-open.ts';

type Params = { service: string };
const CODE = /^(\*|[A-Za-z0-9_-]{1,64})$/;
const ms = (v: number | null) => (v === null ? '–' : v < 1000 ? `${v} ms` : `${(v / 1000).toFixed(1)} s`);

/** A route in words: "streets; shadow crm; canary crm 50%". */
export const describe = (r?: Omit<Route, 'updatedAt' | 'updatedBy'>) =>
  r ? `${r.primary}${r.shadow ? `; shadow ${r.shadow}` : ''}${r.canary ? `; canary ${r.canary} ${r.canaryPercent}%` : ''}` : 'none (the default route)';

/**
 * Routes and moves: which back-end each service goes to, and moving one
 * service as a page: shadow the new back-end, send it a canary percentage,
 * promote it, reading the migration report (latency over time, figures side
 * by side, where the two disagree) and the route history between steps.
 * The same functions as `npx pipework routes` and the admin API.
 */
async function routeRoutes(app: FastifyInstance, ctx: StaffContext) {
  const { store } = ctx;
  const key = (req: FastifyRequest<{ Params: Params }>): RouteKey => {
    if (!CODE.test(req.params.service)) throw new PipeworkError('SERVICE_NOT_FOUND', `No service "${req.params.service}"`);
    return { jurisdictionId: actorOf(req).jurisdictionId, serviceCode: req.params.service };
  };
  const backendNames = async (req: FastifyRequest) => [BUILTIN_BACKEND, ...(await listBackends(store, staffActing(req))).filter((b) => b.name !== BUILTIN_BACKEND).map((b) => b.name)];

  app.get('/routes', async (req, reply) => {
    const j = actorOf(req).jurisdictionId;
    const [services, routes] = await Promise.all([store.services.list(j), store.routing.list(j)]);
    const routeOf = (code: string) => routes.find((r) => r.serviceCode === code);
    return page(req, reply, 'admin/routes.njk', {
      title: 'Routes and moves',
      fallback: describe(routeOf('*')),
      rows: services.map((s) => ({ code: s.code, name: s.name, route: routeOf(s.code) ? describe(routeOf(s.code)) : undefined })),
    });
  });

  const show = async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, errors: PageError[] = []) => {
    const k = key(req);
    const service = k.serviceCode === '*' ? undefined : await store.services.get(k.jurisdictionId, k.serviceCode);
    if (k.serviceCode !== '*' && !service) throw new PipeworkError('SERVICE_NOT_FOUND', `No service "${k.serviceCode}"`);
    const since = new Date(ctx.clock.now().getTime() - 30 * 86_400_000);
    const [route, names, report, history] = await Promise.all([
      store.routing.get(k.jurisdictionId, k.serviceCode),
      backendNames(req),
      migrationReport(store, k.jurisdictionId, k.serviceCode, since),
      store.routing.changes({ jurisdictionId: k.jurisdictionId, serviceCode: k.serviceCode, limit: 50 }),
    ]);
    const current = route ?? { primary: BUILTIN_BACKEND, canaryPercent: 0 };
    const others = names.filter((n) => n !== current.primary);
    const options = (list: string[], chosen?: string) => list.map((n) => ({ value: n, text: n, selected: n === chosen }));
    return page(req, reply, 'admin/route.njk', {
      title: service ? `Route for ${service.name}` : 'The default route',
      code: k.serviceCode,
      route: route ? { ...route, text: describe(route) } : undefined,
      primaryItems: options(names, current.primary),
      shadowItems: [{ value: 'off', text: 'No shadow' }, ...options(others, route?.shadow)],
      canaryItems: [{ value: 'off', text: 'No canary' }, ...options(others, route?.canary)],
      canaryPercent: route?.canary ? String(route.canaryPercent) : '',
      canPromote: !!(route?.canary ?? route?.shadow),
      next: route?.canary ?? route?.shadow,
      report: {
        ...report,
        backends: report.backends.map((b) => ({ ...b, p50: ms(b.deliveryMs.p50), p99: ms(b.deliveryMs.p99), close: ms(b.timeToCloseMs.p50), unknown: Object.entries(b.unknownCodes).map(([c, n]) => `${c} (${n})`).join(', ') })),
        chart: latencyChart(report.latency, 'latency'),
        points: report.latency.flatMap((s) => s.points.map((p) => ({ backend: s.backend, at: new Date(p.at), p50: ms(p.p50Ms), count: p.count }))),
      },
      history: history.map((c: RouteChange) => ({ at: c.at, action: c.action, actor: c.actor, before: describe(c.before), after: describe(c.after) })),
      errors,
    }, errors.length ? 400 : 200);
  };
  app.get<{ Params: Params }>('/routes/:service', async (req, reply) => show(req, reply));

  /** Runs one route change, records it, and comes back to the page; a refused change is shown on the page. */
  const change = (action: string, run: (req: FastifyRequest<{ Params: Params }>, k: RouteKey, by: Acting) => Promise<RouteChange>, errorField: string) =>
    async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
      const k = key(req);
      try {
        const c = await run(req, k, staffActing(req));
        await recordAdmin(ctx, req, `route.${action}`, { before: `${k.serviceCode}: ${describe(c.before)}`, after: `${k.serviceCode}: ${describe(c.after)}` });
        req.staffSession.set('flash', `${k.serviceCode === '*' ? 'Default route' : k.serviceCode}: ${describe(c.after)}.`);
        return reply.redirect(`/staff/admin/routes/${encodeURIComponent(k.serviceCode)}`, 303);
      } catch (e) {
        if (!(e instanceof PipeworkError) || (e.code !== 'INVALID_INPUT' && e.code !== 'BACKEND_NOT_FOUND')) throw e;
        return show(req, reply, [{ field: errorField, href: `#${errorField}`, text: e.message }]);
      }
    };

  app.post<{ Params: Params }>('/routes/:service/primary', change('set', (req, k, a) => setPrimary(store, k, field(req.body, 'backend'), a), 'primary'));
  app.post<{ Params: Params }>('/routes/:service/shadow', change('shadow', (req, k, a) => {
    const b = field(req.body, 'backend');
    return setShadow(store, k, b === 'off' || !b ? undefined : b, a);
  }, 'shadow'));
  app.post<{ Params: Params }>('/routes/:service/canary', change('canary', (req, k, a) => {
    const b = field(req.body, 'backend');
    if (b === 'off' || !b) return setCanary(store, k, undefined, 0, a);
    const p = field(req.body, 'percent').trim().replace(/%$/, '');
    if (!/^\d{1,3}$/.test(p) || Number(p) > 100) throw new PipeworkError('INVALID_INPUT', 'Enter the percentage as a whole number from 0 to 100');
    return setCanary(store, k, b, Number(p), a);
  }, 'percent'));
  app.post<{ Params: Params }>('/routes/:service/promote', change('promote', (_req, k, a) => promote(store, k, a), 'promote'));
  app.post<{ Params: Params }>('/routes/:service/clear', change('clear', (_req, k, a) => clearRoute(store, k, a), 'primary'));
  await moveOpenPages(app, ctx);
}

export const routesArea: AdminArea = {
  path: 'routes',
  title: 'Routes and moves',
  summary: 'Send each service to a back-end, and move one from one back-end to another: shadow, canary, promote, with the migration report.',
  routes: routeRoutes,
};
