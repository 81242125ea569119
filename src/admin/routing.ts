import { Type, type Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { adminActing, adminActor, type AdminRoutes } from './plugin.ts';
import { PipeworkError } from '../core/errors.ts';
import type { BackendConfig, Route, RouteChange } from '../core/routing/route.ts';
import { clearRoute, checkCanSave, listBackends, promote, requireBackend, saveBackend, setCanary, setPrimary, setShadow } from '../routing/manage.ts';
import { migrationReport } from '../routing/report.ts';
import { planMoveOpen } from '../routing/move-open.ts';
import { moveRunner, type MoveProgress } from '../routing/move-runner.ts';
import { remapStatuses, type RemapResult } from '../routing/remap.ts';
import { checkBackend } from '../backends/registry.ts';
import { maskConfig } from '../routing/mask.ts';

const iso = (d: Date) => d.toISOString();
export const routeWire = (r: Route) => ({
  jurisdiction_id: r.jurisdictionId,
  service_code: r.serviceCode,
  primary: r.primary,
  shadow: r.shadow ?? null,
  canary: r.canary ?? null,
  canary_percent: r.canaryPercent,
  updated_at: iso(r.updatedAt),
  updated_by: r.updatedBy,
});
export const changeWire = (c: RouteChange) => ({ id: c.id, jurisdiction_id: c.jurisdictionId, service_code: c.serviceCode, action: c.action, before: c.before ?? null, after: c.after ?? null, actor: c.actor, at: iso(c.at) });

export const backendWire = (b: BackendConfig) => ({ name: b.name, kind: b.kind, jurisdiction_id: b.jurisdictionId ?? null, config: maskConfig(b.config), updated_at: iso(b.updatedAt), updated_by: b.updatedBy });

const Key = Type.Object({ jurisdiction: Type.String({ minLength: 1 }), service: Type.String({ minLength: 1 }) });
const PrimaryBody = Type.Object({ primary: Type.String({ minLength: 1 }) }, { additionalProperties: false });
const ShadowBody = Type.Object({ backend: Type.Union([Type.String({ minLength: 1 }), Type.Null()]) }, { additionalProperties: false });
const CanaryBody = Type.Object({ backend: Type.Union([Type.String({ minLength: 1 }), Type.Null()]), percent: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })) }, { additionalProperties: false });
const BackendBody = Type.Object({ kind: Type.String({ minLength: 1 }), config: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: false });
const ReportQuery = Type.Object({ since: Type.Optional(Type.String({ format: 'date-time' })), days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })) }, { additionalProperties: false });

/**
 * Admin API, routing area: routes per service (primary, shadow, canary,
 * promote), their change log, back-end instances and their health, and the
 * migration report.
 */
export const routingAdmin: AdminRoutes = async (app, { store, backends: registry }) => {
  const tags = ['Admin: routing'];
  const key = (req: FastifyRequest) => {
    const p = req.params as Static<typeof Key>;
    return { jurisdictionId: p.jurisdiction, serviceCode: p.service };
  };

  app.get('/routes', { schema: { tags, querystring: Type.Object({ jurisdiction_id: Type.Optional(Type.String()) }) } }, async (req) => ({
    routes: (await store.routing.list((req.query as { jurisdiction_id?: string }).jurisdiction_id)).map(routeWire),
  }));
  app.get('/routes/changes', { schema: { tags, querystring: Type.Object({ jurisdiction_id: Type.Optional(Type.String()), service_code: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }) } }, async (req) => {
    const q = req.query as { jurisdiction_id?: string; service_code?: string; limit?: number };
    return { changes: (await store.routing.changes({ jurisdictionId: q.jurisdiction_id, serviceCode: q.service_code, limit: q.limit ?? 100 })).map(changeWire) };
  });
  app.put('/routes/:jurisdiction/:service', { schema: { tags, params: Key, body: PrimaryBody } }, async (req) => ({
    change: changeWire(await setPrimary(store, key(req), (req.body as Static<typeof PrimaryBody>).primary, adminActing(req))),
  }));
  app.put('/routes/:jurisdiction/:service/shadow', { schema: { tags, params: Key, body: ShadowBody } }, async (req) => ({
    change: changeWire(await setShadow(store, key(req), (req.body as Static<typeof ShadowBody>).backend ?? undefined, adminActing(req))),
  }));
  app.put('/routes/:jurisdiction/:service/canary', { schema: { tags, params: Key, body: CanaryBody } }, async (req) => {
    const b = req.body as Static<typeof CanaryBody>;
    if (b.backend && b.percent === undefined) throw new PipeworkError('INVALID_INPUT', 'percent is required with a canary back-end', [{ field: 'percent', message: 'percent is required' }]);
    return { change: changeWire(await setCanary(store, key(req), b.backend ?? undefined, b.percent ?? 0, adminActing(req))) };
  });
  app.post('/routes/:jurisdiction/:service/promote', { schema: { tags, params: Key } }, async (req) => ({ change: changeWire(await promote(store, key(req), adminActing(req))) }));
  app.delete('/routes/:jurisdiction/:service', { schema: { tags, params: Key } }, async (req) => ({ change: changeWire(await clearRoute(store, key(req), adminActing(req))) }));

  // Back-ends name no council: a council-bound key reaches its own and the install-wide ones, checked in the core (decision 0178).
  const own = { checksCouncil: true };
  app.get('/backends', { schema: { tags }, config: own }, async (req) => ({ backends: (await listBackends(store, adminActing(req))).map(backendWire) }));
  // A changed statusMap re-reads the reports kept from this back-end; ?dry_run=true shows what would move and saves nothing.
  app.put('/backends/:name', { config: own, schema: { tags, params: Type.Object({ name: Type.String() }), querystring: Type.Object({ dry_run: Type.Optional(Type.Boolean()) }), body: BackendBody } }, async (req) => {
    const b = req.body as Static<typeof BackendBody>;
    const name = (req.params as { name: string }).name;
    const statusMap = (b.config.statusMap ?? {}) as Record<string, string>;
    const remapWire = (r: RemapResult) => ({ dry_run: r.dryRun, changed: r.changed.map((c) => ({ service_request_id: c.requestId, code: c.code, was: c.was, now: c.now, moves: c.moves })), still_unknown: r.stillUnknown });
    if ((req.query as { dry_run?: boolean }).dry_run) {
      await checkCanSave(store, name, adminActing(req));
      const problems = checkBackend(b.kind, b.config);
      if (problems.length) throw new PipeworkError('INVALID_INPUT', problems.map((p) => p.message).join('; '), problems);
      return { remap: remapWire(await remapStatuses(store, name, statusMap, { dryRun: true })) };
    }
    const saved = await saveBackend(store, { name, kind: b.kind, config: b.config }, adminActing(req));
    return { backend: backendWire(saved), remap: remapWire(await remapStatuses(store, name, statusMap, { dryRun: false })) };
  });
  app.get('/backends/:name/health', { config: own, schema: { tags, params: Type.Object({ name: Type.String() }) } }, async (req) => {
    const { name } = req.params as { name: string };
    await requireBackend(store, name, adminActing(req));
    const { backend, problem } = await registry.get(name);
    if (!backend) throw new PipeworkError('BACKEND_NOT_FOUND', problem);
    const health = await backend.health();
    const probes = (await backend.probe?.()) ?? [];
    return { name, ...health, ok: health.ok && probes.every((p) => p.ok), probes };
  });

  app.get('/migration/:jurisdiction/:service/report', { schema: { tags, params: Key, querystring: ReportQuery } }, async (req) => {
    const q = req.query as Static<typeof ReportQuery>;
    const since = q.since ? new Date(q.since) : new Date(Date.now() - (q.days ?? 30) * 86_400_000);
    const k = key(req);
    if (!(await store.services.get(k.jurisdictionId, k.serviceCode))) throw new PipeworkError('SERVICE_NOT_FOUND', `service_code "${k.serviceCode}" was not found in ${k.jurisdictionId}`);
    return migrationReport(store, k.jurisdictionId, k.serviceCode, since);
  });

  // The open cases of other back-ends to the route's primary (as `routes move-open`): a dry run first, then the move,
  // which runs in this server process: the call answers 202 at once with the move's progress resource to follow.
  const runner = moveRunner(store, registry, app.log);
  app.addHook('onClose', () => runner.close());
  const MoveBody = Type.Object({ dry_run: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
  const progressUrl = (k: { jurisdictionId: string; serviceCode: string }, id: string) =>
    `/admin/api/migration/${encodeURIComponent(k.jurisdictionId)}/${encodeURIComponent(k.serviceCode)}/move-open/${id}`;
  const progressWire = (p: MoveProgress) => ({
    move_id: p.move.id,
    to_backend: p.move.toBackend,
    started_at: iso(p.move.createdAt),
    started_by: p.move.actor,
    finished_at: p.move.finishedAt ? iso(p.move.finishedAt) : null,
    state: p.state,
    finished: p.state === 'finished',
    total: p.total,
    moved: p.moved,
    pending: p.pending,
    failed: p.failed.map((f) => ({ service_request_id: f.requestId, from_backend: f.fromBackend, error: f.error })),
    error: p.error ?? null,
  });
  app.post('/migration/:jurisdiction/:service/move-open', { schema: { tags, params: Key, body: Type.Optional(MoveBody) } }, async (req, reply) => {
    const k = key(req);
    if ((req.body as Static<typeof MoveBody> | undefined)?.dry_run) {
      const plan = await planMoveOpen(store, k);
      return { dry_run: true, to_backend: plan.toBackend, resumes: plan.resumes?.id ?? null, by_backend: plan.byBackend, cases: plan.cases.map((c) => ({ service_request_id: c.requestId, from_backend: c.fromBackend, ready: c.ready, why: c.why ?? null })) };
    }
    const move = await runner.start(k, adminActor(req));
    const url = progressUrl(k, move.id);
    const p = (await runner.progress(move.id))!;
    return reply.code(202).header('location', url).send({ dry_run: false, progress_url: url, ...progressWire(p) });
  });
  app.get<{ Params: { jurisdiction: string; service: string; id: string } }>(
    '/migration/:jurisdiction/:service/move-open/:id',
    { schema: { tags, params: Type.Object({ jurisdiction: Type.String({ minLength: 1 }), service: Type.String({ minLength: 1 }), id: Type.String({ minLength: 1 }) }) } },
    async (req) => {
      const k = key(req);
      const p = await runner.progress(req.params.id);
      if (!p || p.move.jurisdictionId !== k.jurisdictionId || p.move.serviceCode !== k.serviceCode) throw new PipeworkError('NOT_FOUND', `No move ${req.params.id} of ${k.serviceCode}`);
      return progressWire(p);
    },
  );
};
