import { hostname } from 'node:os';
import type { Store } from '../../core/store.ts';
import type { Config } from '../../config/schema.ts';
import { boundsFrom, fetchAll } from './subscriptions.ts';

type Log = { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };

/**
 * Fetches every council's subscribed pattern feeds inside `serve` each
 * PATTERN_FEEDS_INTERVAL_MINUTES: one process at a time across every process
 * on the database (a named lease held for the interval). Refusals are logged
 * as warnings and kept (`patterns refusals`).
 */
export function startFeedFetcher(config: Config, store: Store, log: Log, options: { firstRoundMs?: number } = {}) {
  const intervalMs = config.patternFeedsIntervalMinutes * 60_000;
  if (!intervalMs) return undefined;
  const worker = `${hostname()}:${process.pid}:pattern-feeds`;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const round = async () => {
    try {
      if (!(await store.deliveries.lease('pattern-feeds', worker, intervalMs))) return;
      for (const r of await fetchAll(store, boundsFrom(config))) {
        if (r.error) log.warn({ subscription: r.subscriptionId, url: r.url, error: r.error }, 'pattern feeds: fetch failed');
        for (const x of r.refused) log.warn({ subscription: r.subscriptionId, url: r.url, ...x }, 'pattern feeds: entry refused');
        log.info({ subscription: r.subscriptionId, url: r.url, added: r.added.length, unchanged: r.unchanged, refused: r.refused.length }, 'pattern feeds: fetched');
      }
    } catch (err) {
      log.error({ err }, 'pattern feeds: round failed; trying again at the next interval');
    }
  };
  const schedule = (ms: number) => {
    timer = setTimeout(() => {
      running = round().finally(() => schedule(intervalMs));
    }, ms);
    timer.unref();
  };
  // The first round waits a little: start-up stays fast.
  schedule(Math.min(intervalMs, options.firstRoundMs ?? 30_000));
  return {
    async stop() {
      clearTimeout(timer);
      await running;
    },
  };
}
