import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { CloudEvent } from './format.ts';

/** A new Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
export const newSigningSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

export interface PushResult {
  ok: boolean;
  /** Why not, for the operator (status and a little of the body, or the network error). */
  error?: string;
}

const brief = async (res: Response) => `answered ${res.status}${(await res.text().catch(() => '')).slice(0, 200).replace(/\s+/g, ' ').replace(/^(.)/, ': $1')}`;

/**
 * The CloudEvents web-hook validation handshake ("CloudEvents Web Hooks for
 * Event Delivery" §4.1): an OPTIONS request with `WebHook-Request-Origin`; the
 * receiver consents by answering 2xx with `WebHook-Allowed-Origin` naming that
 * origin (or `*`). Nothing is delivered to a URL that has not consented.
 */
export async function askConsent(url: string, origin: string, timeoutMs: number): Promise<PushResult> {
  try {
    const res = await fetch(url, { method: 'OPTIONS', headers: { 'WebHook-Request-Origin': origin }, signal: AbortSignal.timeout(timeoutMs) });
    const allowed = res.headers.get('webhook-allowed-origin');
    if (!res.ok) return { ok: false, error: `the validation handshake ${await brief(res)}` };
    if (allowed !== origin && allowed !== '*') return { ok: false, error: `the validation handshake was not agreed: WebHook-Allowed-Origin is ${allowed ? `"${allowed}"` : 'missing'}, not "${origin}"` };
    return { ok: true };
  } catch (err) {
    return { ok: false, error: `the validation handshake failed: ${(err as Error).message}` };
  }
}

/**
 * Delivers one event in the CloudEvents HTTP binding's structured mode (the
 * whole event as `application/cloudevents+json`), signed per Standard
 * Webhooks: `webhook-id` is the event id (a receiver drops repeats by it),
 * `webhook-timestamp` the wall-clock time of sending, `webhook-signature` the HMAC.
 */
export async function pushEvent(url: string, event: CloudEvent, secret: string, origin: string, timeoutMs: number): Promise<PushResult> {
  const body = JSON.stringify(event);
  // The receiver checks the timestamp against its own clock, so this is the real time, not a test's clock.
  const sentAt = new Date();
  const signature = new Webhook(secret).sign(event.id, sentAt, body);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/cloudevents+json; charset=utf-8',
        'webhook-id': event.id,
        'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
        'webhook-signature': signature,
        'WebHook-Request-Origin': origin,
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.ok) {
      await res.body?.cancel();
      return { ok: true };
    }
    return { ok: false, error: await brief(res) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
