import { hostname } from 'node:os';
import type { Config } from '../config/schema.ts';
import type { Store } from '../core/store.ts';
import type { Clock } from '../core/clock.ts';
import { EventPusher, type PusherLog, type PusherOptions } from './pusher.ts';

/** The pusher options a configuration gives. */
export const pusherOptions = (config: Config): PusherOptions => ({
  pollMs: config.eventsPushPollMs,
  batchSize: 500,
  timeoutMs: config.deliveryTimeoutMs,
  backoffMs: config.eventsPushBackoffMs,
  backoffMaxMs: config.eventsPushBackoffMaxMs,
  pauseAfterMs: config.eventsPushPauseAfterHours * 3_600_000,
  origin: config.publicUrl ? new URL(config.publicUrl).host : hostname(),
  publicUrl: config.publicUrl,
});

/** Starts pushing the event log to subscriptions, for `serve`. Stop it before closing the store. */
export function startEventPusher(config: Config, store: Store, log: PusherLog, clock?: Clock): EventPusher {
  const pusher = new EventPusher(store, pusherOptions(config), log, clock);
  pusher.start();
  return pusher;
}

/**
 * `events push`: the pusher alone, in a process of its own, until SIGTERM or
 * SIGINT; the events in flight are answered before it stops. The
 * `event-pusher` lease keeps one pusher active across processes, so this can
 * run beside a `serve` that pushes too.
 */
export async function pushUntilStopped(config: Config, store: Store, log: PusherLog & { info(obj: object, msg?: string): void }) {
  const pusher = startEventPusher(config, store, log);
  log.info({ worker: pusher.worker, pollMs: config.eventsPushPollMs }, 'events: pushing the event log to subscribers; SIGTERM or SIGINT stops');
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  await pusher.stop();
  log.info({ signal, pushed: pusher.stats.pushed }, 'events: pusher stopped');
}
