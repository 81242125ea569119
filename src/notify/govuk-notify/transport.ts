import { createRequire } from 'node:module';
import type notifyClient from 'notifications-node-client';
import type { NotifyTemplates } from '../../config/schema.ts';
import type { Channel } from '../../core/notifications/notification.ts';
import type { OutgoingMessage } from '../messages.ts';
import { SendError, type Transport } from '../transport.ts';

// Loaded when a Notify transport is made: the client (with axios) is about 18 MB of RSS a process without Notify need not carry (decision 0143).
const require = createRequire(import.meta.url);

// Notify refuses a one-click unsubscribe URL that is not https (as on a laptop); the link stays in the text either way.
const oneClick = (url: string) => (url.startsWith('https://') ? { oneClickUnsubscribeURL: url } : {});

type HttpError = { response?: { status?: number; data?: { errors?: { error?: string; message?: string }[] } }; message?: string; code?: string };

/**
 * Residents' emails and texts through GOV.UK Notify (its own client). One
 * template per message kind and channel (NOTIFY_TEMPLATES); the words are the
 * template's, filled from personalisation fields. Notify's `reference` is the
 * job's key: before trying a job again, the transport asks Notify whether an
 * earlier try got through (a lost reply), so a message is sent once.
 *
 * @example const notify = govukNotifyTransport(key, templates, 'http://127.0.0.1:9999');
 */
export function govukNotifyTransport(apiKey: string, templates: NotifyTemplates, baseUrl = ''): Transport {
  const { NotifyClient } = require('notifications-node-client') as typeof notifyClient;
  const client = baseUrl ? new NotifyClient(baseUrl, apiKey) : new NotifyClient(apiKey);
  const channels = (['email', 'sms'] as Channel[]).filter((c) => templates[c] && Object.keys(templates[c]!).length);
  const templateFor = (m: OutgoingMessage) => {
    const t = templates[m.channel]?.[m.kind];
    return typeof t === 'string' ? t : t && (t[m.language] ?? t.en);
  };
  return {
    name: 'govuk-notify',
    channels,
    async send(m) {
      const templateId = templateFor(m);
      if (!templateId) throw new SendError(`no GOV.UK Notify ${m.channel} template for "${m.kind}" messages (NOTIFY_TEMPLATES)`, true);
      try {
        if (m.attempt > 1) {
          const earlier = await client.getNotifications(m.channel, undefined, m.key);
          const found = (earlier.data as { notifications?: { id: string }[] }).notifications?.[0];
          if (found) return { ref: found.id };
        }
        const personalisation = { ...m.fields, subject: m.subject, body: m.text };
        const res =
          m.channel === 'email'
            ? await client.sendEmail(templateId, m.to, { personalisation, reference: m.key, ...oneClick(m.stopUrl) })
            : await client.sendSms(templateId, m.to, { personalisation, reference: m.key });
        return { ref: (res.data as { id: string }).id };
      } catch (err) {
        const e = err as HttpError;
        const status = e.response?.status;
        const detail = e.response?.data?.errors?.map((x) => x.message).join('; ') || e.message || String(err);
        // 400: Notify will never take this message as it is (a bad address, a missing field). Anything else may pass later.
        throw new SendError(status ? `GOV.UK Notify answered ${status}: ${detail}` : `GOV.UK Notify could not be reached: ${detail}`, status === 400);
      }
    },
  };
}
