import { configSchema, type Config } from './schema.ts';

/** Raised when configuration is wrong; `problems` has one line per bad key. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export const WORKERS_NEED_POSTGRES =
  'PIPEWORK_WORKERS above 1 needs PostgreSQL (DATABASE_URL=postgres://…): an SQLite database is written by one process';

/**
 * Reads configuration once, at start-up, from an environment-like object.
 * Every problem is collected so a council's operator fixes them in one pass.
 *
 * @example loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://localhost/pipework' })
 */
export function loadConfig(env: Record<string, string | undefined> = {}, overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(configSchema)) {
    const raw = env[spec.env];
    try {
      config[key] = spec.parse(raw === undefined || raw === '' ? spec.default : raw);
    } catch (err) {
      problems.push(`${spec.env} ${(err as Error).message}`);
    }
  }
  const merged = { ...(config as Config), ...overrides };
  if (!problems.length && merged.workers > 1 && !merged.databaseUrl.startsWith('postgres')) problems.push(WORKERS_NEED_POSTGRES);
  if (problems.length) throw new ConfigError(problems);
  return merged;
}
