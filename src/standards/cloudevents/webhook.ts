import { createHmac, randomBytes } from 'node:crypto';
import { ConnectionPool, httpUrl } from '../../http/kept-alive.ts';
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
 * The Standard Webhooks signature, `v1,` and base64 HMAC-SHA256 over
 * `id.timestamp.body` with the secret's bytes (the part after `whsec_`).
 * The same as the `standardwebhooks` package's `sign` (the tests verify every
 * delivery with that package), with node's HMAC: a tenth of its cost per event.
 */
const keys = new Map<string, Buffer>();
export function sign(secret: string, id: string, at: Date, body: string): string {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64')));
  return `v1,${createHmac('sha256', key).update(`${id}.${Math.floor(at.getTime() / 1000)}.${body}`).digest('base64')}`;
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
  const signature = sign(secret, event.id, sentAt, body);
  const headers: [string, string][] = [
    ['Content-Type', 'application/cloudevents+json; charset=utf-8'],
    ['webhook-id', event.id],
    ['webhook-timestamp', String(Math.floor(sentAt.getTime() / 1000))],
    ['webhook-signature', signature],
    ['WebHook-Request-Origin', origin],
  ];
  return post(url, headers, body, timeoutMs);
}

// Kept-alive connections by subscriber origin (decision 0151): a subscriber gets one event after
// another, so its connection is reused; a second push to the same origin at once takes another.
const pool = new ConnectionPool(4);

async function post(url: string, headers: [string, string][], body: string, timeoutMs: number): Promise<PushResult> {
  const u = httpUrl(url);
  if (!u) return { ok: false, error: `not an http(s) URL: ${url}` };
  try {
    // Delivery is at least once (receivers drop repeats by webhook-id), so a stale socket's event may go again.
    const { status, text } = await pool.request(u, 'POST', headers, body, timeoutMs, { resendIfStale: true });
    if (status >= 200 && status < 300) return { ok: true };
    const brief = text.slice(0, 200).replace(/\s+/g, ' ');
    return { ok: false, error: `answered ${status}${brief ? `: ${brief}` : ''}` };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
