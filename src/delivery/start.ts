import type { Config } from '../config/schema.ts';
import type { Store } from '../core/store.ts';
import { BackendRegistry } from '../backends/registry.ts';
import { Relay, type RelayLog } from './relay.ts';

/** The relay options a configuration gives. */
export const relayOptions = (config: Config) => ({
  batchSize: config.relayBatchSize,
  concurrency: config.relayConcurrency,
  idlePollMs: config.relayIdlePollMs,
  minRoundMs: config.relayMinRoundMs,
  leaseMs: config.relayLeaseMs,
  timeoutMs: config.deliveryTimeoutMs,
  maxAttempts: config.deliveryMaxAttempts,
  backoffMs: config.deliveryBackoffMs,
  backoffMaxMs: config.deliveryBackoffMaxMs,
});

/**
 * Starts a relay for `serve` (or a test). Stop it before closing the store.
 *
 * @example const relay = startRelay(config, store, app.log); app.addHook('onClose', () => relay.stop());
 */
export function startRelay(config: Config, store: Store, log: RelayLog): Relay {
  const registry = new BackendRegistry(store.routing, { timeoutMs: config.deliveryTimeoutMs });
  const relay = new Relay(store, registry, relayOptions(config), log);
  relay.start();
  const stop = relay.stop.bind(relay);
  relay.stop = async () => {
    await stop();
    await registry.close();
  };
  return relay;
}
