/** Secrets never leave through the API or the CLI: any text under a key that names one is masked, at any depth. */
const SECRET = /secret|pass|key|token/i;

export function maskConfig(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k, SECRET.test(k) && typeof v === 'string' ? MASK : v && typeof v === 'object' && !Array.isArray(v) ? maskConfig(v as Record<string, unknown>) : v]),
  );
}

export const MASK = '********';

/**
 * A changed config in which a secret left as the mask keeps the stored value:
 * secrets are never shown again, so a form or a copied `routes backends` line
 * can only give them back masked.
 */
export function keepSecrets(config: Record<string, unknown>, stored: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => {
      const old = stored?.[k];
      if (SECRET.test(k) && v === MASK && typeof old === 'string') return [k, old];
      if (v && typeof v === 'object' && !Array.isArray(v) && old && typeof old === 'object' && !Array.isArray(old)) return [k, keepSecrets(v as Record<string, unknown>, old as Record<string, unknown>)];
      return [k, v];
    }),
  );
}
