import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, the same both ways: HMAC-SHA256 with the shared secret
 * over `timestamp + "." + body`, sent as
 *   X-Pipework-Timestamp: 1764321234            (Unix seconds)
 *   X-Pipework-Signature: v1=<64 hex digits>
 * The timestamp is inside the signed text, so a captured call cannot be
 * replayed later than `toleranceSeconds`.
 */
export const TIMESTAMP_HEADER = 'x-pipework-timestamp';
export const SIGNATURE_HEADER = 'x-pipework-signature';

export function sign(secret: string, timestamp: number, body: string | Buffer): string {
  return 'v1=' + createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

export function signedHeaders(secret: string, body: string, now = Date.now()): Record<string, string> {
  const ts = Math.floor(now / 1000);
  return { [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: sign(secret, ts, body) };
}

/** Returns why the call is not authentic, or undefined when it is. */
export function verifySignature(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
  options: { now?: number; toleranceSeconds?: number } = {},
): string | undefined {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const ts = one(headers[TIMESTAMP_HEADER]);
  const sig = one(headers[SIGNATURE_HEADER]);
  if (!ts || !sig) return `${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER} headers are required`;
  if (!/^\d{1,12}$/.test(ts)) return `${TIMESTAMP_HEADER} must be Unix seconds`;
  const skew = Math.abs((options.now ?? Date.now()) / 1000 - Number(ts));
  if (skew > (options.toleranceSeconds ?? 300)) return `${TIMESTAMP_HEADER} is ${Math.round(skew)} s away from our clock`;
  const expected = Buffer.from(sign(secret, Number(ts), body));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'the signature does not match the body';
  return undefined;
}
