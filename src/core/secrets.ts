import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Configuration fields that hold secrets, by name: never shown, and sealed at rest. */
export const SECRET_FIELD = /secret|pass|key|token/i;

const PREFIX = 'enc:v1:';

/**
 * The keys secrets are sealed with (AES-256-GCM): `current` seals, and opens
 * with `previous` as well during a rotation. Each sealed value names its key
 * by a short fingerprint, so opening never guesses.
 *
 * @example const ring = keyring(process.env.PIPEWORK_SECRET_KEY); ring.seal('s3cret') // 'enc:v1:…'
 */
export interface Keyring {
  readonly sealing: boolean;
  seal(plain: string): string;
  open(value: string): string;
}

/** Raised when a sealed secret cannot be opened: no key, or not the key it was sealed with. */
export class SecretKeyError extends Error {}

/** A 32-byte key written as 64 hex characters or as base64. */
export function parseSecretKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new Error('must be 32 random bytes as 64 hex characters or base64 (make one with: openssl rand -hex 32)');
  return key;
}

const fingerprint = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);

export function keyring(current?: string, previous: string[] = []): Keyring {
  const keys = new Map<string, Buffer>();
  const main = current ? parseSecretKey(current) : undefined;
  for (const k of [...previous, ...(current ? [current] : [])].filter(Boolean)) {
    const key = parseSecretKey(k);
    keys.set(fingerprint(key), key);
  }
  return {
    sealing: !!main,
    seal(plain) {
      if (!main || isSealed(plain)) return plain;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', main, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${PREFIX}${fingerprint(main)}:${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${body.toString('base64')}`;
    },
    open(value) {
      if (!isSealed(value)) return value;
      const [id, iv, tag, body] = value.slice(PREFIX.length).split(':');
      const key = keys.get(id);
      if (!key) {
        throw new SecretKeyError(
          keys.size
            ? `a secret was sealed with key ${id}, which is neither PIPEWORK_SECRET_KEY nor in PIPEWORK_SECRET_KEY_PREVIOUS`
            : 'secrets in the database are encrypted: set PIPEWORK_SECRET_KEY to the key they were sealed with',
        );
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    },
  };
}

export const isSealed = (value: unknown): value is string => typeof value === 'string' && value.startsWith(PREFIX);

/** The same configuration with every secret field's string sealed (or opened), however deep. */
export function mapSecrets(config: Record<string, unknown>, f: (v: string) => string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [
      k,
      typeof v === 'string' && (SECRET_FIELD.test(k) || isSealed(v)) ? f(v) : v && typeof v === 'object' && !Array.isArray(v) ? mapSecrets(v as Record<string, unknown>, f) : v,
    ]),
  );
}
