import { Counter, Gauge, type Registry } from 'prom-client';
import type { Store } from '../core/store.ts';
import { offSpecCounts } from '../backends/off-spec.ts';

/**
 * Outbox figures on /metrics, read from the database at scrape time (so every
 * process reports the same, whichever relays): jobs pending, in flight and
 * dead, per back-end. Alert on `pipework_deliveries{state="dead"} > 0` and on
 * a pending count that keeps growing.
 */
export function deliveryMetrics(registry: Registry, store: Store) {
  new Gauge({
    name: 'pipework_deliveries',
    help: 'Delivery jobs not yet delivered, by state (pending, in_flight, dead) and back-end',
    labelNames: ['state', 'backend'],
    registers: [registry],
    // With PIPEWORK_WORKERS, each worker reads the same database: one worker's answer, not their sum.
    aggregator: 'first',
    async collect() {
      this.reset();
      for (const r of await store.deliveries.backlog()) this.set({ state: r.state, backend: r.backend }, r.count);
    },
  });
  new Counter({
    name: 'pipework_backend_answers_off_spec_total',
    help: 'Answers from a back-end that were off its specification but read anyway (the reading notes kept on its jobs), by back-end, counted in this process',
    labelNames: ['backend'],
    registers: [registry],
    // Each worker counts the answers it read: their sum is the whole.
    aggregator: 'sum',
    collect() {
      this.reset();
      for (const [backend, n] of offSpecCounts()) this.inc({ backend }, n);
    },
  });
}
