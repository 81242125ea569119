import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiKey, Store } from '../core/store.ts';
import type { Config } from '../config/schema.ts';
import type { BackendRegistry } from '../backends/registry.ts';
import type { Clock } from '../core/clock.ts';
import { PipeworkError } from '../core/errors.ts';
import type { Acting } from '../core/routing/owners.ts';
import { requireApiKey } from '../core/access/api-keys.ts';
import { jsonError, jsonErrorHandler } from '../http/json-errors.ts';

export interface AdminOptions {
  store: Store;
  config: Config;
  backends: BackendRegistry;
  clock: Clock;
}

/** Admin routes register themselves here: one function per area, one file each in src/admin/ (deliveries, routing, cases, patterns…). */
export type AdminRoutes = (app: FastifyInstance, opts: AdminOptions) => Promise<void>;

const HOW_TO_SEND = 'Send an admin key as "Authorization: Bearer KEY"; create one with: npx pipework keys create --name NAME --admin';

const keys = new WeakMap<FastifyRequest, ApiKey>();

/** Who is calling, for the change log: the name of the admin key the request was let in with. */
export function adminActor(req: FastifyRequest): string {
  const key = keys.get(req);
  if (!key) throw new Error('adminActor called outside the admin API');
  return `api:${key.name}`;
}

/** Who acts on back-ends and routes: the key's council when it is bound to one, else the whole install (decision 0178). */
export function adminActing(req: FastifyRequest): Acting {
  const key = adminKey(req);
  return key.jurisdictionId ? { actor: adminActor(req), council: key.jurisdictionId } : adminActor(req);
}

/** The admin key a request was let in with (its council, if it is bound to one). */
export function adminKey(req: FastifyRequest): ApiKey {
  const key = keys.get(req);
  if (!key) throw new Error('adminKey called outside the admin API');
  return key;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** An admin route that limits a council-bound key itself (councils, keys), rather than by the council it names. */
    checksCouncil?: boolean;
  }
}

const COUNCIL_FIELDS = ['jurisdiction', 'jurisdiction_id', 'jurisdictionId', 'council'];

/** The council an admin call names: `:jurisdiction` in its path, else `jurisdiction_id`, `jurisdiction` or `council` in its query or body. */
function namedCouncil(req: FastifyRequest): string | undefined {
  for (const source of [req.params, req.query, req.body]) {
    if (!source || typeof source !== 'object') continue;
    for (const field of COUNCIL_FIELDS) {
      const value = (source as Record<string, unknown>)[field];
      if (typeof value === 'string' && value) return value;
    }
  }
  return undefined;
}

/**
 * The authenticated admin API at /admin/api: JSON in and out, an admin-scope
 * key (`npx pipework keys create --name N --admin`) as `Authorization: Bearer KEY`,
 * checked once here for every area. Errors: the shared JSON shape (src/http/json-errors.ts).
 */
export function adminApi(areas: AdminRoutes[]) {
  return async function admin(app: FastifyInstance, opts: AdminOptions) {
    app.addHook('onRequest', async (req) => {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer) throw new PipeworkError('API_KEY_INVALID', `The admin API needs a key. ${HOW_TO_SEND}`);
      try {
        keys.set(req, await requireApiKey(opts.store, bearer, 'admin'));
      } catch (e) {
        if (e instanceof PipeworkError && e.code === 'API_KEY_INVALID') throw new PipeworkError('API_KEY_INVALID', `${e.message}. ${HOW_TO_SEND}`);
        throw e;
      }
    });
    // A key bound to one council acts for that council only, in every area: checked here once, after parsing.
    app.addHook('preHandler', async (req) => {
      const bound = keys.get(req)?.jurisdictionId;
      // No route (a 404 to come) or one that checks itself.
      if (!bound || !req.routeOptions.url || req.routeOptions.config.checksCouncil) return;
      const named = namedCouncil(req);
      if (named === undefined) throw new PipeworkError('FORBIDDEN', `This key acts for council "${bound}" only, and this call names no council (it is for the whole install): use an install-wide admin key`);
      if (named !== bound) throw new PipeworkError('NOT_FOUND', `No council "${named}"`);
    });
    app.setErrorHandler(jsonErrorHandler('admin request failed'));
    app.setNotFoundHandler((req, reply) => reply.code(404).send(jsonError(new PipeworkError('NOT_FOUND', `No such admin resource: ${req.method} ${req.url.split('?')[0]}`))));
    for (const area of areas) await area(app, opts);
  };
}
