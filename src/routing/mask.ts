/** Secrets never leave through the API or the CLI: any text under a key that names one is masked, at any depth. */
const SECRET = /secret|pass|key|token/i;

export function maskConfig(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k, SECRET.test(k) && typeof v === 'string' ? '********' : v && typeof v === 'object' && !Array.isArray(v) ? maskConfig(v as Record<string, unknown>) : v]),
  );
}
