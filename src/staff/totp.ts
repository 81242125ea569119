import { createRequire } from 'node:module';
import type * as otplibType from 'otplib';

// Loaded when an officer first sets up or enters a code, not at start (docs/performance.md: start-up).
const require = createRequire(import.meta.url);
const otplib = () => require('otplib') as typeof otplibType;

/** A new TOTP secret (base32) and the otpauth: URI an authenticator app takes. */
export function newTotp(email: string) {
  const { generateSecret, generateURI } = otplib();
  const secret = generateSecret();
  return { secret, uri: generateURI({ issuer: 'Pipework staff console', label: email, secret }) };
}

/** RFC 6238 codes of 6 digits; one 30-second step either side is accepted for clock drift. */
export async function totpValid(secret: string, code: string, at: Date): Promise<boolean> {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return false;
  return (await otplib().verify({ secret, token, epoch: Math.floor(at.getTime() / 1000), epochTolerance: 30 })).valid;
}
