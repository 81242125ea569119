import type { Config } from '../config/schema.ts';
import type { Store } from '../core/store.ts';
import type { BackendRegistry } from '../backends/registry.ts';
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
 * @example const relay = startRelay(config, store, backends, app.log); app.addHook('onClose', () => relay.stop());
 */
export function startRelay(config: Config, store: Store, backends: BackendRegistry, log: RelayLog): Relay {
  const relay = new Relay(store, backends, relayOptions(config), log);
  relay.start();
  return relay;
}
