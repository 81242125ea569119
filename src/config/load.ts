import { configSchema, type Config } from './schema.ts';

/** Raised when configuration is wrong; `problems` has one line per bad key. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

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
  if (problems.length) throw new ConfigError(problems);
  return { ...(config as Config), ...overrides };
}
