import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';

/**
 * Canonical JSON (RFC 8785, JCS, for the values a pattern holds): object keys
 * sorted by UTF-16 code units, no whitespace, strings and numbers as
 * JSON.stringify writes them, `undefined` members left out. Two parties that
 * hold the same value get the same bytes, so a signature survives re-encoding
 * (pretty printing, key order) but not a change of meaning.
 *
 * @example canonicalJson({ b: 1, a: [true, 'x'] }) // '{"a":[true,"x"],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no form for NaN or Infinity');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${members.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON has no form for a ${typeof value}`);
}

/** What a feed entry's signature covers: everything that describes the version, nothing that describes where it is served. */
export interface SignedEntry {
  publisher: { id: string; name: string };
  id: string;
  version: string;
  licence: string;
  published_at: string;
  document: unknown;
}

/** Domain separation: these bytes can never be mistaken for another Pipework signature's. */
export const ENTRY_CONTEXT = 'pipework-pattern-entry/1\n';

/** The exact bytes signed for one entry (decision 0120). */
export function signedBytes(e: SignedEntry): Buffer {
  const { publisher, id, version, licence, published_at, document } = e;
  return Buffer.from(ENTRY_CONTEXT + canonicalJson({ publisher: { id: publisher.id, name: publisher.name }, id, version, licence, published_at, document }), 'utf8');
}

/** sha256 of the signed bytes, as "sha256:HEX": what "the same version" means between two fetches. */
export const entryDigest = (e: SignedEntry) => `sha256:${createHash('sha256').update(signedBytes(e)).digest('hex')}`;

export interface Ed25519KeyPair {
  /** The raw 32-byte public key, base64url (a JWK's `x`). */
  publicKey: string;
  /** PKCS#8 PEM; sealed at rest by the store. */
  privateKey: string;
  keyId: string;
}

/** First 16 hex digits of sha256 over the raw public key: short, and names the key without guessing. */
export const keyIdOf = (publicKey: string) => createHash('sha256').update(Buffer.from(publicKey, 'base64url')).digest('hex').slice(0, 16);

export function newKeyPair(): Ed25519KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x!;
  return { publicKey: x, privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), keyId: keyIdOf(x) };
}

/** The Ed25519 signature of an entry, base64url. */
export function signEntry(e: SignedEntry, privateKeyPem: string): string {
  return sign(null, signedBytes(e), createPrivateKey(privateKeyPem)).toString('base64url');
}

/** True only when `signature` is the publisher key's signature over exactly this entry; never throws on junk. */
export function verifyEntry(e: SignedEntry, signature: string, publicKey: string): boolean {
  try {
    const raw = Buffer.from(publicKey, 'base64url');
    const sig = Buffer.from(signature, 'base64url');
    if (raw.length !== 32 || sig.length !== 64) return false;
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
    return verify(null, signedBytes(e), key, sig);
  } catch {
    return false;
  }
}
