import { hostname } from 'node:os';
import type { Store } from '../core/store.ts';
import type { Clock } from '../core/clock.ts';
import { applyRetention } from '../core/records/records.ts';

type Log = { info(obj: object, msg: string): void; error(obj: object, msg: string): void };

/**
 * Runs retention inside `serve` every `intervalMs`: one process at a time
 * across every process on the database (a named lease held for the
 * interval), each council in turn, every run logged.
 */
export function startRetention(store: Store, clock: Clock, intervalMs: number, log: Log) {
  const worker = `${hostname()}:${process.pid}:retention`;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const round = async () => {
    try {
      if (!(await store.deliveries.lease('retention', worker, intervalMs))) return;
      for (const j of await store.jurisdictions.list()) {
        const summary = await applyRetention(store, j.id, { dryRun: false, clock });
        const changed = summary.services.map((s) => ({ service: s.serviceCode, contactErased: s.contactErased.length, anonymised: s.anonymised.length }));
        log.info({ jurisdiction: j.id, changed }, 'retention: run finished');
      }
    } catch (err) {
      log.error({ err }, 'retention: run failed; trying again at the next interval');
    }
  };
  const schedule = (ms: number) => {
    timer = setTimeout(() => {
      running = round().finally(() => schedule(intervalMs));
    }, ms);
    timer.unref();
  };
  // The first run waits a minute: start-up stays fast and a crash loop does not churn the data.
  schedule(Math.min(intervalMs, 60_000));
  return {
    async stop() {
      clearTimeout(timer);
      await running;
    },
  };
}
