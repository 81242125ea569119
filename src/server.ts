import Fastify from 'fastify';
import { Registry } from 'prom-client';
import type { Config } from './config/schema.ts';
import { buildApp } from './app.ts';
import { openStore, safeUrl } from './store/index.ts';
import { seedDemo } from './demo/seed.ts';
import { startRelay } from './delivery/start.ts';
import { BackendRegistry } from './backends/registry.ts';
import { systemClock } from './core/clock.ts';
import { metricsRoutes } from './ops/routes.ts';
import { pipeworkVersion } from './version.ts';
import { startRetention } from './ops/retention.ts';
import { startNotifications } from './notify/start.ts';
import { startEventPusher } from './events/start.ts';
import { pusherMetrics } from './events/metrics.ts';
import { isWorker, shareMetricsWithPrimary } from './workers.ts';
import { startFeedFetcher } from './patterns/sharing/start.ts';
import { issueFirstRunToken, needsFirstRun, SETUP_TOKEN_HOURS } from './core/councils/first-run.ts';

/**
 * Opens the store, migrates, seeds the demo council on an empty database, and
 * listens. SIGTERM or SIGINT stops it gracefully: no new connections, every
 * request in flight answered, the relay's back-end calls finished (all within
 * SHUTDOWN_TIMEOUT_MS), then exit 0.
 */
export async function serve(config: Config) {
  const store = await openStore(config.databaseUrl, { secretKey: config.secretKey, previousSecretKeys: config.secretKeysPrevious });
  const seeded = config.seedDemo ? await seedDemo(store) : false;
  // One registry of live back-ends, one clock and one metrics registry, shared by the HTTP surfaces and the relay.
  const backends = new BackendRegistry(store.routing, { timeoutMs: config.deliveryTimeoutMs });
  const metrics = new Registry();
  if (isWorker()) shareMetricsWithPrimary(metrics);
  const app = await buildApp(config, { store, backends, clock: systemClock, metrics });
  // The relay delivers the outbox from inside this process; it stops before the back-ends and the store close.
  const relay = config.relayEnabled ? startRelay(config, store, backends, app.log) : undefined;
  const retention = config.retentionIntervalMinutes ? startRetention(store, systemClock, config.retentionIntervalMinutes * 60_000, app.log) : undefined;
  const metricsApp = config.metricsPort ? Fastify({ logger: false }) : undefined;
  if (metricsApp) metricsRoutes(metricsApp, metrics);
  // Residents' emails and texts, when SMTP_URL or NOTIFY_API_KEY is set.
  const notifications = startNotifications(config, store, app.log);
  // The event log pushed to subscribers (/admin/api/subscriptions), unless `events push` does it elsewhere.
  const pusher = config.eventsPushEnabled ? startEventPusher(config, store, app.log) : undefined;
  if (pusher) pusherMetrics(metrics, pusher);
  // Other councils' pattern feeds this install subscribes to.
  const feeds = startFeedFetcher(config, store, app.log);
  app.addHook('onClose', async () => {
    await metricsApp?.close();
    await pusher?.stop();
    await feeds?.stop();
    await notifications?.stop();
    await retention?.stop();
    await relay?.stop();
    await backends.close();
    await store.close();
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'Pipework stopping: finishing requests and deliveries in flight');
    const force = setTimeout(() => {
      app.log.error({ timeoutMs: config.shutdownTimeoutMs }, 'Pipework stopped before everything in flight finished (SHUTDOWN_TIMEOUT_MS)');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    await app.close();
    app.log.info('Pipework stopped');
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  const address = await app.listen({ port: config.port, host: config.host });
  const metricsAddress = metricsApp ? await metricsApp.listen({ port: config.metricsPort, host: config.metricsHost }) : undefined;
  const schema = await store.schemaState();
  app.log.info(
    {
      version: pipeworkVersion(),
      database: store.dialect,
      databaseUrl: safeUrl(config.databaseUrl),
      migrationsApplied: schema.applied.length,
      migrationsRunNow: store.migrationsRun,
      demoSeeded: seeded,
      ...(isWorker() ? { worker: process.pid } : {}),
      address,
      metrics: metricsAddress ?? (config.metricsToken ? `${address}/metrics (token)` : 'off'),
    },
    'Pipework started',
  );
  // An install with no council can only be set up by whoever can read this log (docs/decisions/0100).
  if (await needsFirstRun(store)) {
    const { token } = await issueFirstRunToken(store);
    const url = `${config.publicUrl || `http://localhost:${config.port}`}/staff/first-run`;
    app.log.warn({ firstRun: url }, `No council yet: open ${url} and enter the set-up token ${token} (it works once, for ${SETUP_TOKEN_HOURS} hours)`);
  }
  return app;
}
