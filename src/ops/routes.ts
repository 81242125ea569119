import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Registry, collectDefaultMetrics, Histogram } from 'prom-client';
import type { Store } from '../core/store.ts';
import { pipeworkVersion } from '../version.ts';

/**
 * /healthz: the process is up, and its version. /readyz: it can reach its
 * database and the schema is up to date. /metrics: Prometheus text format,
 * with request latency by route — on the public port only behind
 * METRICS_TOKEN (see `metricsListener` for a port of its own).
 */
export function registerOps(app: FastifyInstance, opts: { store: Store; registry: Registry; metricsToken: string }) {
  // Called on the root instance, not registered as a plugin, so the latency hook sees every route.
  const { registry } = opts;
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
  app.get('/healthz', { schema: hide }, async () => ({ status: 'ok', version: pipeworkVersion() }));
  app.get('/readyz', { schema: hide }, async (_req, reply) => {
    if (!(await opts.store.ping())) return reply.code(503).send({ status: 'database unreachable' });
    const schema = await opts.store.schemaState();
    const ready = !schema.pending.length && !schema.unknown.length;
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'schema not up to date',
      migrations: { applied: schema.applied.length, latest: schema.applied.at(-1) ?? null, pending: schema.pending, unknown: schema.unknown },
    });
  });
  if (opts.metricsToken) {
    app.get('/metrics', { schema: hide }, async (req, reply) => {
      if (!bearerMatches(req, opts.metricsToken)) return reply.code(401).header('www-authenticate', 'Bearer').send({ error: { code: 'UNAUTHORIZED', message: 'Send the metrics token as Authorization: Bearer METRICS_TOKEN', problems: [] } });
      return sendMetrics(registry, reply);
    });
  }
}

/** The metrics listener on METRICS_PORT: /metrics alone, for a scraper on the inside. */
export function metricsRoutes(app: FastifyInstance, registry: Registry) {
  app.get('/metrics', async (_req, reply) => sendMetrics(registry, reply));
}

const sendMetrics = async (registry: Registry, reply: FastifyReply) => reply.type(registry.contentType).send(await registry.metrics());

function bearerMatches(req: FastifyRequest, token: string): boolean {
  const given = Buffer.from(/^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '');
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}
