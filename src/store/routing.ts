import type { Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';
import type { BackendConfig, Route, RouteChange, RoutingStore } from '../core/routing/route.ts';
import { keyring as noKeys, mapSecrets, type Keyring } from '../core/secrets.ts';
import { routeChangedEvents } from '../core/events/decide.ts';
import { insertEvents } from './events.ts';

type RouteRow = Selectable<Database['routes']>;

const routeFromRow = (r: RouteRow): Route => ({
  jurisdictionId: r.jurisdiction_id,
  serviceCode: r.service_code,
  primary: r.primary_backend,
  shadow: r.shadow_backend ?? undefined,
  canary: r.canary_backend ?? undefined,
  canaryPercent: r.canary_percent,
  updatedAt: new Date(r.updated_at),
  updatedBy: r.updated_by,
});

const plain = (r: Route | undefined) =>
  r && { jurisdictionId: r.jurisdictionId, serviceCode: r.serviceCode, primary: r.primary, shadow: r.shadow, canary: r.canary, canaryPercent: r.canaryPercent };

const changeFromRow = (r: Selectable<Database['route_changes']>): RouteChange => ({
  id: String(r.id),
  jurisdictionId: r.jurisdiction_id,
  serviceCode: r.service_code,
  action: r.action as RouteChange['action'],
  before: r.before ? JSON.parse(r.before) : undefined,
  after: r.after ? JSON.parse(r.after) : undefined,
  actor: r.actor,
  at: new Date(r.at),
});

const backendFromRow = (r: Selectable<Database['backends']>, keys: Keyring): BackendConfig => ({
  name: r.name,
  kind: r.kind,
  // Secrets are sealed at rest (PIPEWORK_SECRET_KEY) and opened only here, for the adapters.
  config: mapSecrets(JSON.parse(r.config), keys.open),
  ...(r.jurisdiction_id ? { jurisdictionId: r.jurisdiction_id } : {}),
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
  updatedBy: r.updated_by,
});

export function routingStore(db: Kysely<Database>, keys: Keyring = noKeys()): RoutingStore {
  const get = async (jurisdictionId: string, serviceCode: string, q: Kysely<Database> = db) => {
    const row = await q
      .selectFrom('routes')
      .selectAll()
      .where('jurisdiction_id', '=', jurisdictionId)
      .where('service_code', '=', serviceCode)
      .executeTakeFirst();
    return row && routeFromRow(row);
  };
  return {
    async routeFor(jurisdictionId, serviceCode) {
      const rows = await db
        .selectFrom('routes')
        .selectAll()
        .where('jurisdiction_id', '=', jurisdictionId)
        .where('service_code', 'in', [serviceCode, '*'])
        .execute();
      const row = rows.find((r) => r.service_code === serviceCode) ?? rows[0];
      return row && routeFromRow(row);
    },
    get: (j, s) => get(j, s),
    async list(jurisdictionId) {
      let q = db.selectFrom('routes').selectAll();
      if (jurisdictionId) q = q.where('jurisdiction_id', '=', jurisdictionId);
      return (await q.orderBy('jurisdiction_id').orderBy('service_code').execute()).map(routeFromRow);
    },
    async save(key, route, change) {
      const now = Date.now();
      return db.transaction().execute(async (trx) => {
        const before = await get(key.jurisdictionId, key.serviceCode, trx);
        await trx.deleteFrom('routes').where('jurisdiction_id', '=', key.jurisdictionId).where('service_code', '=', key.serviceCode).execute();
        if (route) {
          await trx
            .insertInto('routes')
            .values({
              jurisdiction_id: key.jurisdictionId,
              service_code: key.serviceCode,
              primary_backend: route.primary,
              shadow_backend: route.shadow ?? null,
              canary_backend: route.canary ?? null,
              canary_percent: route.canary ? route.canaryPercent : 0,
              updated_at: now,
              updated_by: change.actor,
            })
            .execute();
        }
        const row = await trx
          .insertInto('route_changes')
          .values({
            jurisdiction_id: key.jurisdictionId,
            service_code: key.serviceCode,
            action: change.action,
            before: before ? JSON.stringify(plain(before)) : null,
            after: route ? JSON.stringify({ ...key, ...route }) : null,
            actor: change.actor,
            at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await insertEvents(trx, routeChangedEvents(changeFromRow(row)));
        return changeFromRow(row);
      });
    },
    async changes(f) {
      let q = db.selectFrom('route_changes').selectAll();
      if (f.jurisdictionId) q = q.where('jurisdiction_id', '=', f.jurisdictionId);
      if (f.serviceCode) q = q.where('service_code', '=', f.serviceCode);
      return (await q.orderBy('id', 'desc').limit(f.limit).execute()).map(changeFromRow);
    },
    async backends() {
      return (await db.selectFrom('backends').selectAll().orderBy('name').execute()).map((r) => backendFromRow(r, keys));
    },
    async backend(name) {
      const row = await db.selectFrom('backends').selectAll().where('name', '=', name).executeTakeFirst();
      return row && backendFromRow(row, keys);
    },
    async saveBackend(b, actor, onlyOf) {
      const now = Date.now();
      const config = JSON.stringify(mapSecrets(b.config, keys.seal));
      const row = await db
        .insertInto('backends')
        .values({ name: b.name, kind: b.kind, config, jurisdiction_id: b.jurisdictionId ?? null, created_at: now, updated_at: now, updated_by: actor })
        .onConflict((oc) => {
          const update = oc.column('name').doUpdateSet({ kind: b.kind, config, updated_at: now, updated_by: actor, ...(b.jurisdictionId !== undefined ? { jurisdiction_id: b.jurisdictionId } : {}) });
          // A council's save that meets a back-end it does not own (made a moment ago by another) changes nothing.
          return onlyOf === undefined ? update : update.where('backends.jurisdiction_id', '=', onlyOf);
        })
        .returningAll()
        .executeTakeFirst();
      return row && backendFromRow(row, keys);
    },
  };
}
