/**
 * Every configuration key Pipework reads: its environment variable, a default
 * and a description. The README's configuration table is checked against this
 * list by a test, so the two never drift apart.
 */
export interface ConfigKey<T> {
  env: string;
  description: string;
  default: string;
  /** Turns the raw string into a value, or throws an Error whose message says what is wrong. */
  parse: (raw: string) => T;
}

const integer = (min: number, max: number) => (raw: string): number => {
  if (!/^\d+$/.test(raw.trim())) throw new Error(`must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new Error(`must be between ${min} and ${max}, got ${n}`);
  return n;
};

const oneOf = <T extends string>(...values: T[]) => (raw: string): T => {
  if (!values.includes(raw as T)) throw new Error(`must be one of ${values.join(', ')}, got "${raw}"`);
  return raw as T;
};

const boolean = (raw: string): boolean => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`must be true or false, got "${raw}"`);
};

const databaseUrl = (raw: string): string => {
  if (raw.startsWith('sqlite:') && raw.length > 'sqlite:'.length) return raw;
  if (/^postgres(ql)?:\/\/.+/.test(raw)) return raw;
  throw new Error(`must be sqlite:PATH or postgres://USER@HOST:PORT/DB, got "${raw}"`);
};

const url = (raw: string): string => {
  if (raw === '') return raw;
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    throw new Error(`must be an http(s) URL such as https://reports.example.gov.uk, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
};

export const configSchema = {
  port: { env: 'PORT', default: '3000', description: 'TCP port the HTTP server listens on.', parse: integer(0, 65535) },
  host: { env: 'HOST', default: '0.0.0.0', description: 'Address the HTTP server binds to.', parse: (s: string) => s },
  databaseUrl: {
    env: 'DATABASE_URL',
    default: 'sqlite:./data/pipework.db',
    description: 'Where requests are stored: `sqlite:PATH` (embedded, the default) or `postgres://…`.',
    parse: databaseUrl,
  },
  publicUrl: {
    env: 'PUBLIC_URL',
    default: '',
    description: 'Base URL residents and clients reach Pipework on, used in links such as `media_url`. Empty: taken from each request\'s Host header.',
    parse: url,
  },
  trustProxy: {
    env: 'TRUST_PROXY',
    default: 'false',
    description: 'Set to true behind a reverse proxy or load balancer, so client addresses and https links come from X-Forwarded-* headers.',
    parse: boolean,
  },
  logLevel: {
    env: 'LOG_LEVEL',
    default: 'info',
    description: 'Log detail: fatal, error, warn, info, debug, trace or silent.',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  },
  bodyLimitBytes: {
    env: 'BODY_LIMIT_BYTES',
    default: '1048576',
    description: 'Largest request body accepted, other than uploaded files.',
    parse: integer(1024, 100 * 1024 * 1024),
  },
  mediaLimitBytes: {
    env: 'MEDIA_LIMIT_BYTES',
    default: '10485760',
    description: 'Largest photo accepted per file.',
    parse: integer(1024, 100 * 1024 * 1024),
  },
  seedDemo: {
    env: 'SEED_DEMO',
    default: 'true',
    description: 'On first start with an empty database, create the demo council "Example Borough Council" and its services.',
    parse: boolean,
  },
  webJurisdiction: {
    env: 'WEB_JURISDICTION',
    default: '',
    description: 'Which council the resident web at `/` serves (a jurisdiction id). Empty: the first one in the database.',
    parse: (s: string) => s.trim(),
  },
  webSessionHours: {
    env: 'WEB_SESSION_HOURS',
    default: '24',
    description: 'How long a resident\'s unfinished answers are kept after their last visit, in hours.',
    parse: integer(1, 24 * 90),
  },
  webSubmitLimitPerMinute: {
    env: 'WEB_SUBMIT_LIMIT_PER_MINUTE',
    default: '10',
    description: 'Reports and photo uploads one address may send to the resident web per minute; more are refused with a page saying to wait.',
    parse: integer(1, 100000),
  },
  relayEnabled: {
    env: 'RELAY_ENABLED',
    default: 'true',
    description: 'Run the delivery relay inside `serve`, sending queued requests and updates to their back-ends.',
    parse: boolean,
  },
  relayBatchSize: {
    env: 'RELAY_BATCH_SIZE',
    default: '200',
    description: 'Most delivery jobs one relay takes at a time.',
    parse: integer(1, 10000),
  },
  relayConcurrency: {
    env: 'RELAY_CONCURRENCY',
    default: '32',
    description: 'Most calls to back-ends one relay has open at once.',
    parse: integer(1, 1000),
  },
  relayIdlePollMs: {
    env: 'RELAY_IDLE_POLL_MS',
    default: '1000',
    description: 'How often an idle relay looks for due jobs, in ms (jobs queued by the same process wake it at once).',
    parse: integer(10, 600000),
  },
  relayMinRoundMs: {
    env: 'RELAY_MIN_ROUND_MS',
    default: '50',
    description: 'Shortest time between two busy relay rounds, in ms: under load each round then takes many jobs at once, so claiming and recording cost fewer commits (0: no pause).',
    parse: integer(0, 1000),
  },
  relayLeaseMs: {
    env: 'RELAY_LEASE_MS',
    default: '30000',
    description: 'How long a relay holds a job it took (and, on SQLite, the single-relay lease) before another may take it over, in ms. At least 3 × DELIVERY_TIMEOUT_MS is used.',
    parse: integer(500, 3600000),
  },
  deliveryTimeoutMs: {
    env: 'DELIVERY_TIMEOUT_MS',
    default: '10000',
    description: 'Longest wait for a back-end to answer one delivery, in ms.',
    parse: integer(100, 600000),
  },
  deliveryMaxAttempts: {
    env: 'DELIVERY_MAX_ATTEMPTS',
    default: '10',
    description: 'Attempts before a delivery job is dead-lettered (kept, listed, retried only by an operator).',
    parse: integer(1, 1000),
  },
  deliveryBackoffMs: {
    env: 'DELIVERY_BACKOFF_MS',
    default: '2000',
    description: 'Wait before the first retry, in ms; it doubles with each attempt, with random jitter.',
    parse: integer(1, 3600000),
  },
  deliveryBackoffMaxMs: {
    env: 'DELIVERY_BACKOFF_MAX_MS',
    default: '3600000',
    description: 'Longest wait between two attempts, in ms.',
    parse: integer(1, 86400000),
  },
  staffSessionIdleMinutes: {
    env: 'STAFF_SESSION_IDLE_MINUTES',
    default: '30',
    description: 'A staff console session ends after this many minutes without a page (sessions also end 12 hours after sign-in).',
    parse: integer(1, 24 * 60),
  },
  staffOidcIssuer: {
    env: 'STAFF_OIDC_ISSUER',
    default: '',
    description: 'OpenID Connect issuer URL for staff sign-in (e.g. https://login.microsoftonline.com/TENANT/v2.0 for Entra ID). Empty: email and password only.',
    parse: url,
  },
  staffOidcClientId: {
    env: 'STAFF_OIDC_CLIENT_ID',
    default: '',
    description: 'Client (application) id Pipework is registered under at the OpenID Connect provider.',
    parse: (s: string) => s.trim(),
  },
  staffOidcClientSecret: {
    env: 'STAFF_OIDC_CLIENT_SECRET',
    default: '',
    description: 'Client secret for the OpenID Connect provider (the code flow also uses PKCE). Keep it out of logs.',
    parse: (s: string) => s.trim(),
  },
  staffOidcLabel: {
    env: 'STAFF_OIDC_LABEL',
    default: 'your organisation account',
    description: 'How the sign-in page names the OpenID Connect provider: "Sign in with …".',
    parse: (s: string) => s.trim() || 'your organisation account',
  },
} satisfies Record<string, ConfigKey<unknown>>;

type Schema = typeof configSchema;
export type Config = { [K in keyof Schema]: ReturnType<Schema[K]['parse']> };
