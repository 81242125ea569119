/** Secrets never leave through the API, the CLI or the console: any text under a key that names one is masked, at any depth, and so is the password in a URL. */
const SECRET = /secret|pass|key|token/i;
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^/:@\s]*:)([^/@\s]*)@/i;

export const MASK = '********';

const maskText = (k: string, v: string) => (SECRET.test(k) ? MASK : v.replace(URL_PASSWORD, `$1${MASK}@`));

export function maskConfig(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k, typeof v === 'string' ? maskText(k, v) : v && typeof v === 'object' && !Array.isArray(v) ? maskConfig(v as Record<string, unknown>) : v]),
  );
}

/**
 * A changed config in which a secret left as the mask keeps the stored value:
 * secrets are never shown again, so a form or a copied `routes backends` line
 * can only give them back masked.
 */
export function keepSecrets(config: Record<string, unknown>, stored: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => {
      const old = stored?.[k];
      if (typeof v === 'string' && typeof old === 'string') {
        if (SECRET.test(k) && v === MASK) return [k, old];
        const oldPassword = URL_PASSWORD.exec(old)?.[2];
        if (oldPassword !== undefined && v.includes(`:${MASK}@`)) return [k, v.replace(`:${MASK}@`, `:${oldPassword}@`)];
      }
      if (v && typeof v === 'object' && !Array.isArray(v) && old && typeof old === 'object' && !Array.isArray(old)) return [k, keepSecrets(v as Record<string, unknown>, old as Record<string, unknown>)];
      return [k, v];
    }),
  );
}
