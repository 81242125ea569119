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
