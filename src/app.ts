import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { lazyValidators } from './http/lazy-validation.ts';
import swagger from '@fastify/swagger';
import type { Config } from './config/schema.ts';
import type { Store } from './core/store.ts';
import { open311Routes } from './standards/open311/routes.ts';
import { mediaRoutes } from './media/routes.ts';
import { registerOps } from './ops/routes.ts';
import { Registry } from 'prom-client';
import { deliveryMetrics } from './delivery/metrics.ts';
import { toPipeworkError } from './http/errors.ts';
import { clientErrorHandler, watchRequestHeads } from './http/client-errors.ts';
import { takeTurns } from './http/turns.ts';
import { OneLinePerRequest, requestForLog } from './http/request-log.ts';
import { isOpen311Url, open311ErrorHandler, open311RawRefusal } from './standards/open311/errors.ts';
import { jsonError, jsonErrorHandler } from './http/json-errors.ts';
import { adminPlugin } from './admin/index.ts';
import { adminApi } from './admin/plugin.ts';
import { backendInboundRoutes } from './delivery/inbound-routes.ts';
import { patternSchemaRoutes } from './patterns/http.ts';
import { patternFeedRoutes } from './patterns/sharing/routes.ts';
import { webPlugin } from './web/plugin.ts';
import { BackendRegistry } from './backends/registry.ts';
import { systemClock, type Clock } from './core/clock.ts';
import { openReferralRoutes } from './standards/openreferral/routes.ts';
import { lgslServices } from './patterns/lgsl.ts';

/** Request line and headers together; a bound, well above the 64 KB id lists FixMyStreet sends. */
export const MAX_HEADER_BYTES = 128 * 1024;
import { eventsRoutes } from './standards/cloudevents/routes.ts';
import { notifyReceiptRoutes } from './notify/govuk-notify/receipts.ts';
import { staffPlugin } from './staff/plugin.ts';

export interface AppDeps {
  store: Store;
  /** The one registry of live back-ends; `server.ts` shares it with the relay. Built here when absent (tests). */
  backends?: BackendRegistry;
  clock?: Clock;
  /** Where /metrics figures are kept; `server.ts` also serves it on METRICS_PORT. */
  metrics?: Registry;
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
    logger: {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      serializers: { req: requestForLog },
    },
    // One access-log line per request, written when it is answered, instead of Fastify's two (decision 0142).
    logController: new OneLinePerRequest(),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    routerOptions: { ignoreTrailingSlash: true },
    schemaController: { compilersFactory: { buildValidator: lazyValidators() } },
    // FixMyStreet asks for every open report by id in one URL, tens of kilobytes long (Node's default is 16 KB).
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    // Requests the HTTP parser refuses (URL or headers over that bound) and URLs the router cannot decode
    // are answered in the format of the interface they named.
    clientErrorHandler: clientErrorHandler([open311RawRefusal]),
    frameworkErrors: (error, req, reply) => {
      if (isOpen311Url(req.url)) return open311ErrorHandler(error, req, reply);
      return (reply as FastifyReply).code(toPipeworkError(error).status).send(jsonError(toPipeworkError(error)));
    },
  });
  // A registry made here is this app's to close; one passed in belongs to the caller.
  if (!deps.backends) app.addHook('onClose', () => backends.close());
  watchRequestHeads(app.server);
  // On a busy server, new connections are accepted as fast as answers go out (decision 0186).
  takeTurns(app.server);

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
  app.setErrorHandler(jsonErrorHandler());

  const metrics = deps.metrics ?? new Registry();
  registerOps(app, { store, registry: metrics, metricsToken: config.metricsToken });
  deliveryMetrics(metrics, store);
  await app.register(mediaRoutes, { store });
  await app.register(open311Routes, { prefix: '/open311/v2', store, config });
  await app.register(openReferralRoutes, { prefix: '/openreferral', store, config, lgslName: (code: number) => lgslServices().get(code) });
  // Status updates pushed by back-ends (webhook), signed: /backends/{name}/updates.
  await app.register(backendInboundRoutes, { store, backends });
  // The resident web at `/`: GOV.UK pages over the same core as Open311.
  await app.register(webPlugin, { store, config });
  // The staff console at /staff/: sign-in, work queue, case view, audit log.
  await app.register(staffPlugin, { prefix: '/staff', store, config, clock, backends });
  await app.register(patternSchemaRoutes);
  // Pattern sharing: the signed library feed other installs subscribe to.
  await app.register(patternFeedRoutes, { store, config });
  // GOV.UK Notify's delivery receipts, with the callback bearer token.
  await app.register(notifyReceiptRoutes, { store, config });
  // The event log for other systems (CloudEvents 1.0 JSON), behind an admin key like the admin API.
  await app.register(adminApi([eventsRoutes]), { prefix: '/events', store, config, backends, clock });
  // The admin API: every area in src/admin/, one key check, one error shape.
  await app.register(adminPlugin, { prefix: '/admin/api', store, config, backends, clock });
  return app;
}
