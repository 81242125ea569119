import { createHmac, timingSafeEqual } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { DeliveryError, InboundError } from '../port.ts';
import { decodeBody } from './transport.ts';

/**
 * Status pushed by a vendor to POST /backends/{name}/updates (the same
 * inbound route as the webhook kind). The call is checked as configured: a
 * shared secret in a header, or an HMAC of the raw body; then decoded (JSON
 * or XML) and mapped to reports by the `reports` JSONata expression.
 */
export const PushAuth = Type.Union([
  Type.Object(
    {
      type: Type.Literal('header'),
      /** The header carrying the shared secret, e.g. X-Api-Key. */
      header: Type.String({ minLength: 1 }),
      prefix: Type.String({ default: '' }),
      secret: Type.String({ minLength: 16 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('hmac'),
      /** The header carrying the signature, e.g. X-Signature. */
      header: Type.String({ minLength: 1 }),
      secret: Type.String({ minLength: 16 }),
      algorithm: Type.Union([Type.Literal('sha256'), Type.Literal('sha512'), Type.Literal('sha1')], { default: 'sha256' }),
      encoding: Type.Union([Type.Literal('hex'), Type.Literal('base64')], { default: 'hex' }),
      /** Text before the digest in the header, e.g. "sha256=". */
      prefix: Type.String({ default: '' }),
    },
    { additionalProperties: false },
  ),
]);
export type PushAuth = Static<typeof PushAuth>;

type Headers = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Throws a 401 InboundError unless the call carries the configured secret or signature. */
export function checkPushAuth(auth: PushAuth, headers: Headers, body: Buffer): void {
  const name = auth.header.toLowerCase();
  const given = one(headers[name]);
  if (!given) throw new InboundError(`the ${auth.header} header is required`, 401);
  const prefix = auth.prefix ?? '';
  if (auth.type === 'header') {
    if (!same(given, `${prefix}${auth.secret}`)) throw new InboundError(`the ${auth.header} header does not match`, 401);
    return;
  }
  const digest = createHmac(auth.algorithm ?? 'sha256', auth.secret).update(body).digest(auth.encoding ?? 'hex');
  // Hex digests are compared without regard to case (vendors differ).
  const norm = (s: string) => ((auth.encoding ?? 'hex') === 'hex' ? s.toLowerCase() : s);
  if (!same(norm(given), norm(`${prefix}${digest}`))) throw new InboundError(`the ${auth.header} signature does not match the body`, 401);
}

/** The pushed body decoded by its Content-Type (JSON or XML; the configured format when it names neither). */
export function decodePush(headers: Headers, body: Buffer, format: 'json' | 'xml', from: string): unknown {
  try {
    return decodeBody(body.toString('utf8'), one(headers['content-type']), format, from);
  } catch (e) {
    if (e instanceof DeliveryError) throw new InboundError(e.message.replace(/sent a reply/, 'was sent a body'), 400);
    throw e;
  }
}
