import type { FastifyInstance } from 'fastify';
import { Registry, collectDefaultMetrics, Histogram } from 'prom-client';
import type { Store } from '../core/store.ts';

/**
 * /healthz: the process is up. /readyz: it can reach its database.
 * /metrics: Prometheus text format, with request latency by route.
 */
export function registerOps(app: FastifyInstance, opts: { store: Store; registry?: Registry }) {
  // Called on the root instance, not registered as a plugin, so the latency hook sees every route.
  const registry = opts.registry ?? new Registry();
  collectDefaultMetrics({ register: registry });
  const latency = new Histogram({
    name: 'pipework_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook('onResponse', async (req, reply) => {
    latency.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  const hide = { hide: true } as object;
  app.get('/healthz', { schema: hide }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: hide }, async (_req, reply) => {
    const ok = await opts.store.ping();
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'database unreachable' });
  });
  app.get('/metrics', { schema: hide }, async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()));
}
