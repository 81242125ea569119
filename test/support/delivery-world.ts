import { buildApp } from '../../src/app.ts';
import { seedDemo } from '../../src/demo/seed.ts';
import { createApiKey } from '../../src/core/access/api-keys.ts';
import { submitRequest } from '../../src/core/requests/submit.ts';
import type { Config } from '../../src/config/schema.ts';
import type { Store } from '../../src/core/store.ts';
import { freshStore, testConfig } from './db.ts';
import { BackendRegistry } from '../../src/backends/registry.ts';
import { Relay } from '../../src/delivery/relay.ts';
import { relayOptions } from '../../src/delivery/start.ts';
import { saveBackend, setPrimary } from '../../src/routing/manage.ts';

/** Settings that make a relay quick in tests: short backoff, short idle poll. */
export const FAST: Partial<Config> = {
  deliveryBackoffMs: 5,
  deliveryBackoffMaxMs: 40,
  relayIdlePollMs: 50,
  deliveryTimeoutMs: 1000,
  relayLeaseMs: 3000,
  deliveryMaxAttempts: 5,
};

export const SECRET = 'test-webhook-secret-0123456789';
const quiet = { info() {}, warn() {}, error() {} };

/**
 * A demo council on a fresh database, the app (for inject), an admin key,
 * and helpers to add back-ends, route, submit and run relays.
 */
export async function relayWorld(overrides: Partial<Config> = {}) {
  const store = await freshStore();
  await seedDemo(store);
  const config = testConfig(store.url, { ...FAST, ...overrides });
  const app = await buildApp(config, { store });
  const { key: adminKey } = await createApiKey(store, 'ops', 'admin');
  const { key: clientKey } = await createApiKey(store, 'client');
  const relays: Relay[] = [];
  let n = 0;
  return {
    store,
    app,
    config,
    adminKey,
    clientKey,
    async webhook(name: string, url: string, extra: object = {}) {
      await saveBackend(store, { name, kind: 'webhook', config: { url, secret: SECRET, statusMap: { DONE: 'fixed', WIP: 'in_progress' }, ...extra } }, 'test');
    },
    route: (serviceCode: string, backend: string) => setPrimary(store, { jurisdictionId: 'example', serviceCode }, backend, 'test'),
    submit: (description = `Pothole ${++n} on Example Road`) =>
      submitRequest(store, {
        jurisdictionId: 'example',
        serviceCode: 'pothole',
        description,
        attributes: { depth: 'deep' },
        location: { lat: '51.5', long: '-0.12' },
        contact: { email: 'ada@example.org' },
        mediaUrls: [],
        source: 'test',
      }),
    /** Starts a relay on its own store connection, as a second process would have. */
    relay(options: Partial<Config> = {}, s: Store = store) {
      const relay = new Relay(s, new BackendRegistry(s.routing, { timeoutMs: config.deliveryTimeoutMs }, 50), relayOptions({ ...config, ...options }), quiet);
      relays.push(relay);
      relay.start();
      return relay;
    },
    async close() {
      for (const r of relays) await r.stop();
      await app.close();
      await store.close();
    },
  };
}

/** Polls `check` until it returns true, or fails after `ms`. */
export async function until(check: () => Promise<boolean> | boolean, ms = 10_000, what = 'condition') {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}
