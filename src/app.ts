import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import type { Config } from './config/schema.ts';
import type { Store } from './core/store.ts';
import { open311Routes } from './standards/open311/routes.ts';
import { mediaRoutes } from './media/routes.ts';
import { registerOps } from './ops/routes.ts';
import { Registry } from 'prom-client';
import { deliveryMetrics } from './delivery/metrics.ts';
import { toPipeworkError } from './http/errors.ts';
import { adminApi } from './admin/plugin.ts';
import { backendInboundRoutes } from './backends/inbound-routes.ts';
import { deliveriesAdmin } from './delivery/admin.ts';
import { routingAdmin } from './routing/admin.ts';
import { casesAdmin } from './backends/builtin/admin.ts';
import { patternAdminRoutes, patternSchemaRoutes } from './patterns/http.ts';
import { webPlugin } from './web/plugin.ts';
import { BackendRegistry } from './backends/registry.ts';
import { systemClock, type Clock } from './core/clock.ts';
import { openReferralRoutes } from './standards/openreferral/routes.ts';
import { lgslServices } from './patterns/lgsl.ts';

export interface AppDeps {
  store: Store;
  /** The one registry of live back-ends; `server.ts` shares it with the relay. Built here when absent (tests). */
  backends?: BackendRegistry;
  clock?: Clock;
}

/**
 * Builds the whole HTTP application without listening, so tests use
 * `app.inject()` and `src/server.ts` is the only place that opens a port.
 *
 * @example const app = await buildApp(loadConfig(process.env), { store }); await app.listen({ port: 3000 });
 */
export async function buildApp(config: Config, deps: AppDeps): Promise<FastifyInstance> {
  const { store } = deps;
  const backends = deps.backends ?? new BackendRegistry(store.routing, { timeoutMs: config.deliveryTimeoutMs });
  const clock = deps.clock ?? systemClock;
  const app = Fastify({
    logger: { level: config.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    routerOptions: { ignoreTrailingSlash: true },
  });
  // A registry made here is this app's to close; one passed in belongs to the caller.
  if (!deps.backends) app.addHook('onClose', () => backends.close());

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Pipework',
        version: '0.1.0',
        description: 'Open311 GeoReport v2 (with the UK FixMyStreet profile) and the other open interfaces Pipework serves.',
      },
    },
  });
  app.get('/openapi.json', { schema: { hide: true } as object }, async () => app.swagger());

  // A generic 500 that never leaks detail; each front end sets its own handler for its own format.
  app.setErrorHandler((error, req, reply) => {
    const err = toPipeworkError(error);
    if (err.status >= 500) req.log.error({ err: error }, 'request failed');
    return reply.code(err.status).send({ error: { code: err.code, message: err.message, problems: err.problems } });
  });

  const metrics = new Registry();
  registerOps(app, { store, registry: metrics });
  deliveryMetrics(metrics, store);
  await app.register(mediaRoutes, { store });
  await app.register(open311Routes, { prefix: '/open311/v2', store, config });
  await app.register(openReferralRoutes, { prefix: '/openreferral', store, config, lgslName: (code: number) => lgslServices().get(code) });
  // Status updates pushed by back-ends (webhook), signed: /backends/{name}/updates.
  await app.register(backendInboundRoutes, { store, backends });
  // The resident web at `/`: GOV.UK pages over the same core as Open311.
  await app.register(webPlugin, { store, config });
  // Each area of the admin API adds its routes function to this list.
  await app.register(patternSchemaRoutes);
  await app.register(adminApi([patternAdminRoutes, deliveriesAdmin, routingAdmin, casesAdmin]), { prefix: '/admin/api', store, config, backends, clock });
  return app;
}
