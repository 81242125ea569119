import type { Config } from '../config/schema.ts';
import type { Store } from '../core/store.ts';
import type { Clock } from '../core/clock.ts';
import { NotificationSender, type SenderLog, type SenderOptions } from './sender.ts';
import { smtpTransport } from './smtp/transport.ts';
import type { Transport } from './transport.ts';
import { govukNotifyTransport } from './govuk-notify/transport.ts';

/** The sender options a configuration gives. */
export const senderOptions = (config: Config): SenderOptions => ({
  pollMs: config.notificationsPollMs,
  batchSize: 50,
  leaseMs: Math.max(60_000, config.deliveryTimeoutMs * 3),
  maxAttempts: config.notificationsMaxAttempts,
  backoffMs: config.notificationsBackoffMs,
  backoffMaxMs: 3_600_000,
  maxAgeMs: config.notificationsMaxAgeHours * 3_600_000,
  // Generous: a send given up on may still have gone through, and over SMTP a retry would be a second copy.
  sendTimeoutMs: Math.max(30_000, config.deliveryTimeoutMs * 3),
  publicUrl: config.publicUrl || `http://localhost:${config.port}`,
});

/** The transports configured, GOV.UK Notify first: the first one for a message's channel sends it. */
export function transportsFor(config: Config): Transport[] {
  const out: Transport[] = [];
  if (config.notifyApiKey) out.push(govukNotifyTransport(config.notifyApiKey, config.notifyTemplates, config.notifyBaseUrl));
  if (config.smtpUrl) out.push(smtpTransport(config.smtpUrl, config.mailFrom, Math.max(10_000, config.deliveryTimeoutMs)));
  return out;
}

/**
 * Starts the residents' notification sender for `serve`, when a transport is
 * configured (SMTP_URL, NOTIFY_API_KEY); undefined otherwise. Stop it before closing the store.
 */
export function startNotifications(config: Config, store: Store, log: SenderLog, clock?: Clock): NotificationSender | undefined {
  const transports = transportsFor(config);
  if (!transports.length) return undefined;
  if (!config.publicUrl) log.warn({}, 'notifications: PUBLIC_URL is not set, so links in residents\' messages point at localhost');
  const sender = new NotificationSender(store, transports, senderOptions(config), log, clock);
  sender.start();
  return sender;
}
