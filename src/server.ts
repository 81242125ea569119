import type { Config } from './config/schema.ts';
import { buildApp } from './app.ts';
import { openStore } from './store/index.ts';
import { seedDemo } from './demo/seed.ts';
import { startRelay } from './delivery/start.ts';
import { startNotifications } from './notify/start.ts';
import { startEventPusher } from './events/start.ts';

/** Opens the store, migrates, seeds the demo council on an empty database, and listens. */
export async function serve(config: Config) {
  const store = await openStore(config.databaseUrl);
  if (config.seedDemo) await seedDemo(store);
  const app = await buildApp(config, { store });
  // The relay delivers the outbox from inside this process; it stops before the store closes.
  const relay = config.relayEnabled ? startRelay(config, store, app.log) : undefined;
  // Residents' emails and texts, when SMTP_URL or NOTIFY_API_KEY is set.
  const notifications = startNotifications(config, store, app.log);
  // The event log pushed to subscribers (/admin/api/subscriptions).
  const pusher = startEventPusher(config, store, app.log);
  app.addHook('onClose', async () => {
    await pusher.stop();
    await notifications?.stop();
    await relay?.stop();
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
