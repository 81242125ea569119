import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Store } from '../core/store.ts';
import type { Config } from '../config/schema.ts';
import type { BackendRegistry } from '../backends/registry.ts';
import type { Clock } from '../core/clock.ts';
import { requireApiKey } from '../core/access/api-keys.ts';
import { toPipeworkError } from '../http/errors.ts';

export interface AdminOptions {
  store: Store;
  config: Config;
  backends: BackendRegistry;
  clock: Clock;
}

/** Admin routes register themselves here: one function per area (deliveries, routes, patterns…). */
export type AdminRoutes = (app: FastifyInstance, opts: AdminOptions) => Promise<void>;

const bearer = (req: FastifyRequest) => /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];

/**
 * The authenticated admin API at /admin/api: JSON in and out, an admin-scope
 * key (`npx pipework keys create --name N --admin`) as `Authorization: Bearer KEY`.
 * Errors: `{ "error": { "code", "message", "problems": [{ "field", "message" }] } }`.
 */
export function adminApi(areas: AdminRoutes[]) {
  return async function admin(app: FastifyInstance, opts: AdminOptions) {
    app.addHook('onRequest', async (req) => {
      await requireApiKey(opts.store, bearer(req), 'admin');
    });
    app.setErrorHandler((error, req, reply) => {
      const err = toPipeworkError(error);
      if (err.status >= 500) req.log.error({ err: error }, 'admin request failed');
      return reply.code(err.status).send({ error: { code: err.code, message: err.message, problems: err.problems } });
    });
    app.setNotFoundHandler((req, reply) =>
      reply.code(404).send({ error: { code: 'NOT_FOUND', message: `No such admin resource: ${req.method} ${req.url.split('?')[0]}`, problems: [] } }),
    );
    for (const area of areas) await area(app, opts);
  };
}
