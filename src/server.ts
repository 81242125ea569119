import type { Config } from './config/schema.ts';
import { buildApp } from './app.ts';
import { openStore } from './store/index.ts';
import { seedDemo } from './demo/seed.ts';
import { startRelay } from './delivery/start.ts';
import { BackendRegistry } from './backends/registry.ts';
import { systemClock } from './core/clock.ts';

/** Opens the store, migrates, seeds the demo council on an empty database, and listens. */
export async function serve(config: Config) {
  const store = await openStore(config.databaseUrl);
  if (config.seedDemo) await seedDemo(store);
  // One registry of live back-ends and one clock, shared by the HTTP surfaces and the relay.
  const backends = new BackendRegistry(store.routing, { timeoutMs: config.deliveryTimeoutMs });
  const app = await buildApp(config, { store, backends, clock: systemClock });
  // The relay delivers the outbox from inside this process; it stops before the back-ends and the store close.
  const relay = config.relayEnabled ? startRelay(config, store, backends, app.log) : undefined;
  app.addHook('onClose', async () => {
    await relay?.stop();
    await backends.close();
    await store.close();
  });
  const stop = async () => {
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await app.listen({ port: config.port, host: config.host });
  return app;
}
