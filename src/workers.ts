import cluster, { type Worker } from 'node:cluster';
import Fastify from 'fastify';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Config } from './config/schema.ts';
import { openStore } from './store/index.ts';
import { seedDemo } from './demo/seed.ts';
import { pipeworkVersion } from './version.ts';

/** A worker that dies is started again after this long; more often than once a second would only spin. */
const RESTART_MS = 1000;

/** True in a process that `serveWorkers` started. */
export const isWorker = () => cluster.isWorker;

/**
 * `serve` with PIPEWORK_WORKERS=N: this process migrates and seeds once,
 * then runs N workers that share the port (node:cluster hands each new
 * connection to the next worker) and serves the workers' summed figures on
 * METRICS_PORT. Everything the workers share lives in PostgreSQL: sessions,
 * rate limits, the relay's leases, the event log, and the notices that clear
 * their caches. A worker that dies is started again; SIGTERM or SIGINT stops
 * every worker gracefully, then this process.
 */
export async function serveWorkers(config: Config) {
  const log = Fastify({ logger: { level: config.logLevel } }).log;
  const store = await openStore(config.databaseUrl, { secretKey: config.secretKey, previousSecretKeys: config.secretKeysPrevious });
  const seeded = config.seedDemo ? await seedDemo(store) : false;
  await store.close();

  const metrics = new AggregatorRegistry();
  const metricsApp = config.metricsPort ? Fastify({ logger: false }) : undefined;
  metricsApp?.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(await metrics.clusterMetrics()));

  // Workers neither seed nor open the metrics port: this process did and does.
  const env = { SEED_DEMO: 'false', METRICS_PORT: '0', PIPEWORK_WORKERS: String(config.workers) };
  let stopping = false;
  const start = (): Worker => {
    const worker = cluster.fork(env);
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      log.error({ worker: worker.id, pid: worker.process.pid, code, signal }, 'Pipework worker stopped unexpectedly: starting another');
      setTimeout(() => !stopping && start(), RESTART_MS).unref();
    });
    return worker;
  };
  const workers = Array.from({ length: config.workers }, start);
  await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
    w.once('listening', () => resolve());
    w.once('exit', (code) => reject(new Error(`a worker stopped while starting (exit code ${code}); its log says why`)));
  })));

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, workers: Object.keys(cluster.workers ?? {}).length }, 'Pipework stopping its workers');
    const force = setTimeout(() => {
      log.error({ timeoutMs: config.shutdownTimeoutMs }, 'Pipework workers did not stop in time (SHUTDOWN_TIMEOUT_MS)');
      process.exit(1);
    }, config.shutdownTimeoutMs + 2000);
    force.unref();
    const running = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    const codes = await Promise.all(running.map((w) => new Promise<number>((resolve) => {
      w.once('exit', (code) => resolve(code ?? 1));
      w.process.kill('SIGTERM');
    })));
    await metricsApp?.close();
    log.info('Pipework stopped');
    process.exit(codes.every((c) => c === 0) ? 0 : 1);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  const metricsAddress = metricsApp ? await metricsApp.listen({ port: config.metricsPort, host: config.metricsHost }) : undefined;
  log.info({ version: pipeworkVersion(), workers: config.workers, demoSeeded: seeded, port: config.port, metrics: metricsAddress ?? 'per worker' }, 'Pipework started its workers');
}

/** In a worker: answer the primary's requests for this worker's figures. */
export function shareMetricsWithPrimary(registry: Registry) {
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
}
