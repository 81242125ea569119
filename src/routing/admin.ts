import { Type, type Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { AdminRoutes } from '../admin/plugin.ts';
import type { Store } from '../core/store.ts';
import { PipeworkError } from '../core/errors.ts';
import { requireApiKey } from '../core/access/api-keys.ts';
import type { BackendConfig, Route, RouteChange } from '../core/routing/route.ts';
import { clearRoute, promote, saveBackend, setCanary, setPrimary, setShadow } from './manage.ts';
import { migrationReport } from './report.ts';

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

/** Secrets never leave through the API or the CLI. */
const SECRET = /secret|pass|key|token/i;
export function maskConfig(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k, SECRET.test(k) && typeof v === 'string' ? '********' : v && typeof v === 'object' && !Array.isArray(v) ? maskConfig(v as Record<string, unknown>) : v]),
  );
}
export const backendWire = (b: BackendConfig) => ({ name: b.name, kind: b.kind, config: maskConfig(b.config), updated_at: iso(b.updatedAt), updated_by: b.updatedBy });

const Key = Type.Object({ jurisdiction: Type.String({ minLength: 1 }), service: Type.String({ minLength: 1 }) });
const PrimaryBody = Type.Object({ primary: Type.String({ minLength: 1 }) }, { additionalProperties: false });
const ShadowBody = Type.Object({ backend: Type.Union([Type.String({ minLength: 1 }), Type.Null()]) }, { additionalProperties: false });
const CanaryBody = Type.Object({ backend: Type.Union([Type.String({ minLength: 1 }), Type.Null()]), percent: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })) }, { additionalProperties: false });
const BackendBody = Type.Object({ kind: Type.String({ minLength: 1 }), config: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: false });
const ReportQuery = Type.Object({ since: Type.Optional(Type.String({ format: 'date-time' })), days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })) }, { additionalProperties: false });

const bearer = (req: FastifyRequest) => /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
/** Who made a change: the name of the admin key used. */
const actorOf = async (store: Store, req: FastifyRequest) => `api:${(await requireApiKey(store, bearer(req), 'admin')).name}`;

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
    change: changeWire(await setPrimary(store, key(req), (req.body as Static<typeof PrimaryBody>).primary, await actorOf(store, req))),
  }));
  app.put('/routes/:jurisdiction/:service/shadow', { schema: { tags, params: Key, body: ShadowBody } }, async (req) => ({
    change: changeWire(await setShadow(store, key(req), (req.body as Static<typeof ShadowBody>).backend ?? undefined, await actorOf(store, req))),
  }));
  app.put('/routes/:jurisdiction/:service/canary', { schema: { tags, params: Key, body: CanaryBody } }, async (req) => {
    const b = req.body as Static<typeof CanaryBody>;
    if (b.backend && b.percent === undefined) throw new PipeworkError('INVALID_INPUT', 'percent is required with a canary back-end', [{ field: 'percent', message: 'percent is required' }]);
    return { change: changeWire(await setCanary(store, key(req), b.backend ?? undefined, b.percent ?? 0, await actorOf(store, req))) };
  });
  app.post('/routes/:jurisdiction/:service/promote', { schema: { tags, params: Key } }, async (req) => ({ change: changeWire(await promote(store, key(req), await actorOf(store, req))) }));
  app.delete('/routes/:jurisdiction/:service', { schema: { tags, params: Key } }, async (req) => ({ change: changeWire(await clearRoute(store, key(req), await actorOf(store, req))) }));

  app.get('/backends', { schema: { tags } }, async () => ({ backends: (await store.routing.backends()).map(backendWire) }));
  app.put('/backends/:name', { schema: { tags, params: Type.Object({ name: Type.String() }), body: BackendBody } }, async (req) => {
    const b = req.body as Static<typeof BackendBody>;
    return { backend: backendWire(await saveBackend(store, { name: (req.params as { name: string }).name, kind: b.kind, config: b.config }, await actorOf(store, req))) };
  });
  app.get('/backends/:name/health', { schema: { tags, params: Type.Object({ name: Type.String() }) } }, async (req) => {
    const { name } = req.params as { name: string };
    const { backend, problem } = await registry.get(name);
    if (!backend) throw new PipeworkError('BACKEND_NOT_FOUND', problem);
    return { name, ...(await backend.health()) };
  });

  app.get('/migration/:jurisdiction/:service/report', { schema: { tags, params: Key, querystring: ReportQuery } }, async (req) => {
    const q = req.query as Static<typeof ReportQuery>;
    const since = q.since ? new Date(q.since) : new Date(Date.now() - (q.days ?? 30) * 86_400_000);
    const k = key(req);
    if (!(await store.services.get(k.jurisdictionId, k.serviceCode))) throw new PipeworkError('SERVICE_NOT_FOUND', `service_code "${k.serviceCode}" was not found in ${k.jurisdictionId}`);
    return migrationReport(store, k.jurisdictionId, k.serviceCode, since);
  });
};
