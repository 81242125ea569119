import { boolean, databaseUrl, integer, notifyKey, notifyTemplates, oneOf, secretKey, smtpUrl, url } from './parsers.ts';
export type { NotifyTemplateId, NotifyTemplates } from './parsers.ts';
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
  metricsToken: {
    env: 'METRICS_TOKEN',
    default: '',
    description: 'Serve /metrics on the public port to requests with `Authorization: Bearer TOKEN`. Empty: not served there (use METRICS_PORT).',
    parse: (s: string) => s,
  },
  metricsPort: {
    env: 'METRICS_PORT',
    default: '0',
    description: 'A second port, on METRICS_HOST, that serves /metrics alone without a token, for a scraper inside the network. 0: none.',
    parse: integer(0, 65535),
  },
  metricsHost: {
    env: 'METRICS_HOST',
    default: '127.0.0.1',
    description: 'Address the METRICS_PORT listener binds to.',
    parse: (s: string) => s,
  },
  workers: {
    env: 'PIPEWORK_WORKERS',
    default: '1',
    description: '`serve` runs this many processes sharing the port (`serve --workers N` overrides). Above 1 needs PostgreSQL; see docs/scaling.md.',
    parse: integer(1, 64),
  },
  shutdownTimeoutMs: {
    env: 'SHUTDOWN_TIMEOUT_MS',
    default: '20000',
    description: 'On SIGTERM or SIGINT, how long in-flight requests and back-end calls may take to finish before the process exits anyway, in ms.',
    parse: integer(0, 600_000),
  },
  retentionIntervalMinutes: {
    env: 'RETENTION_INTERVAL_MINUTES',
    default: '360',
    description: 'How often `serve` applies each service\'s retention rule (one process at a time), in minutes. 0: never (run `npx pipework records retention` yourself).',
    parse: integer(0, 100_000),
  },
  patternFeedsIntervalMinutes: {
    env: 'PATTERN_FEEDS_INTERVAL_MINUTES',
    default: '60',
    description: 'How often `serve` fetches the pattern feeds councils subscribe to (one process at a time), in minutes. 0: never (run `npx pipework patterns fetch`).',
    parse: integer(0, 100_000),
  },
  patternFeedsMaxBytes: {
    env: 'PATTERN_FEEDS_MAX_BYTES',
    default: '5242880',
    description: 'Largest pattern feed fetched; a bigger one is refused and reported.',
    parse: integer(1024, 100 * 1024 * 1024),
  },
  patternFeedsTimeoutMs: {
    env: 'PATTERN_FEEDS_TIMEOUT_MS',
    default: '10000',
    description: 'Longest time one pattern feed fetch may take, redirects included (at most 3), in ms.',
    parse: integer(100, 600_000),
  },
  patternFeedsAllowPrivate: {
    env: 'PATTERN_FEEDS_ALLOW_PRIVATE',
    default: 'false',
    description: 'Fetch pattern feeds from loopback and private addresses too (a feed inside your own network, tests). Off: such addresses are refused, whatever name leads to them.',
    parse: boolean,
  },
  secretKey: {
    env: 'PIPEWORK_SECRET_KEY',
    default: '',
    description: 'Encrypts back-end secrets in the database (AES-256-GCM): 32 random bytes as hex or base64, e.g. from `openssl rand -hex 32`. Empty: secrets are stored as given.',
    parse: secretKey,
  },
  secretKeysPrevious: {
    env: 'PIPEWORK_SECRET_KEY_PREVIOUS',
    default: '',
    description: 'During a key rotation, the old key(s), comma-separated, so secrets sealed with them still open until `npx pipework secrets rotate` has re-sealed them.',
    parse: (raw: string) => raw.split(',').map((k) => secretKey(k)).filter(Boolean),
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
  uploadLimitBytes: {
    env: 'UPLOAD_LIMIT_BYTES',
    default: '26214400',
    description: 'Largest total of the photos uploaded with one Open311 request; nothing is read before its api_key is checked.',
    parse: integer(1024, 1024 * 1024 * 1024),
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
  webFeedbackUrl: {
    env: 'WEB_FEEDBACK_URL',
    default: '',
    description: 'Where the resident web\'s "feedback" link (in the beta banner) goes: the council\'s own feedback form or contact page. Empty: `/feedback`, which tells residents how to reach the council.',
    parse: url,
  },
  webTrackLimitPerMinute: {
    env: 'WEB_TRACK_LIMIT_PER_MINUTE',
    default: '30',
    description: 'Reference-number lookups one address may make on the resident web\'s `/track` page per minute, so references cannot be tried in bulk; more are refused with a page saying to wait.',
    parse: integer(1, 100000),
  },
  webPublicReports: {
    env: 'WEB_PUBLIC_REPORTS',
    default: 'all',
    description: 'Whose reports the resident web publishes (a public page at `/reports/{reference}`, listed as "Is it one of these?" before a resident sends the same report): `all` offered services, `none`, or service codes separated by commas.',
    parse: (s: string) => s.trim() || 'none',
  },
  webNearbyMetres: {
    env: 'WEB_NEARBY_METRES',
    default: '100',
    description: 'How far from the place a resident chose the resident web looks for open reports of the same service to show before sending, in metres.',
    parse: integer(1, 5000),
  },
  addressSource: {
    env: 'ADDRESS_SOURCE',
    default: 'gazetteer',
    description: 'Where the resident web finds addresses by postcode or street: `gazetteer` (the council\'s own, imported with `npx pipework addresses import FILE`), `os-places` (the OS Places API, with `OS_PLACES_API_KEY`) or `none` (addresses typed in only).',
    parse: oneOf('gazetteer', 'os-places', 'none'),
  },
  osPlacesApiKey: {
    env: 'OS_PLACES_API_KEY',
    default: '',
    description: 'The OS Data Hub project key for the OS Places API (`ADDRESS_SOURCE=os-places`).',
    parse: (s: string) => s.trim(),
  },
  osPlacesBaseUrl: {
    env: 'OS_PLACES_BASE_URL',
    default: 'https://api.os.uk/search/places/v1',
    description: 'Base URL of the OS Places API (point it elsewhere for a stand-in).',
    parse: url,
  },  mapTilesUrl: {
    env: 'MAP_TILES_URL',
    default: '',
    description: 'Map tiles for the resident web\'s location page, as a template such as `https://tile.openstreetmap.org/{z}/{x}/{y}.png` (OS Maps API, OpenStreetMap or a council\'s own); fetched by Pipework and served from `/assets/tiles/`. Empty: no map.',
    parse: (s: string) => {
      const t = s.trim();
      if (t && (!/^https?:\/\//.test(t) || !['{z}', '{x}', '{y}'].every((p) => t.includes(p)))) throw new Error(`must be an http(s) URL with {z}, {x} and {y}, got "${t}"`);
      return t;
    },
  },
  mapAttribution: {
    env: 'MAP_ATTRIBUTION',
    default: '© OpenStreetMap contributors',
    description: 'The credit the map\'s tiles need, shown under the map.',
    parse: (s: string) => s.trim(),
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
    default: '10',
    description: 'Shortest time between the starts of two busy relay rounds, in ms: under load each round then takes many jobs at once, so claiming and recording cost fewer commits (0: no pause). Half of it is added to the typical accepted-to-delivered time.',
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
  smtpUrl: {
    env: 'SMTP_URL',
    default: '',
    description: 'Mail server for residents\' emails, e.g. `smtps://user:pass@smtp.example.gov.uk:465` or `smtp://127.0.0.1:25`. Empty: no email over SMTP (GOV.UK Notify may still send).',
    parse: smtpUrl,
  },
  mailFrom: {
    env: 'MAIL_FROM',
    default: 'noreply@localhost',
    description: 'The From address of residents\' emails sent over SMTP, e.g. `Example Council <reports@example.gov.uk>`.',
    parse: (s: string) => s.trim(),
  },
  notifyApiKey: {
    env: 'NOTIFY_API_KEY',
    default: '',
    description: 'GOV.UK Notify API key; when set, residents\' emails and texts go through Notify (texts only to residents who asked for them).',
    parse: notifyKey,
  },
  notifyBaseUrl: {
    env: 'NOTIFY_BASE_URL',
    default: '',
    description: 'Where the GOV.UK Notify client sends requests. Empty: Notify\'s own API.',
    parse: url,
  },
  notifyTemplates: {
    env: 'NOTIFY_TEMPLATES',
    default: '',
    description: 'GOV.UK Notify template ids as JSON, one per message kind and channel, or one per language: `{"email":{"confirmation":"ID","status":{"en":"ID","cy":"ID"},"reply":"ID","merged":"ID"},"sms":{…}}`. Personalisation fields: docs/notifications.md.',
    parse: notifyTemplates,
  },
  notifyCallbackToken: {
    env: 'NOTIFY_CALLBACK_TOKEN',
    default: '',
    description: 'The bearer token GOV.UK Notify sends with delivery receipts to `/notifications/receipts/govuk-notify`. Empty: receipts are refused.',
    parse: (s: string) => s.trim(),
  },
  eventsPushEnabled: {
    env: 'EVENTS_PUSH_ENABLED',
    default: 'true',
    description: 'Push the event log to subscribers from inside `serve`. Set `false` where `npx pipework events push` pushes from a process of its own, so pushing takes none of the API\'s CPU.',
    parse: boolean,
  },
  eventsPushPollMs: {
    env: 'EVENTS_PUSH_POLL_MS',
    default: '1000',
    description: 'How often subscriptions to the event log are checked for events to push, in ms.',
    parse: integer(10, 600000),
  },
  eventsPushBackoffMs: {
    env: 'EVENTS_PUSH_BACKOFF_MS',
    default: '10000',
    description: 'Wait before pushing to a failing subscriber again, in ms; it doubles with each failure, with random jitter, up to EVENTS_PUSH_BACKOFF_MAX_MS.',
    parse: integer(1, 3600000),
  },
  eventsPushBackoffMaxMs: {
    env: 'EVENTS_PUSH_BACKOFF_MAX_MS',
    default: '1800000',
    description: 'Longest wait between two tries to a failing subscriber, in ms.',
    parse: integer(1, 86400000),
  },
  eventsPushPauseAfterHours: {
    env: 'EVENTS_PUSH_PAUSE_AFTER_HOURS',
    default: '96',
    description: 'A subscriber failing this long (at least 72 hours) is paused until an operator replays it; events wait in the log meanwhile.',
    parse: integer(72, 24 * 365),
  },
  notificationsPollMs: {
    env: 'NOTIFICATIONS_POLL_MS',
    default: '1000',
    description: 'How often the notification sender looks for messages to send, in ms.',
    parse: integer(10, 600000),
  },
  notificationsMaxAttempts: {
    env: 'NOTIFICATIONS_MAX_ATTEMPTS',
    default: '10',
    description: 'Attempts to send one message before it is recorded as failed.',
    parse: integer(1, 1000),
  },
  notificationsBackoffMs: {
    env: 'NOTIFICATIONS_BACKOFF_MS',
    default: '5000',
    description: 'Wait before a message is tried again, in ms; it doubles with each attempt, with random jitter, up to an hour.',
    parse: integer(1, 3600000),
  },
  notificationsMaxAgeHours: {
    env: 'NOTIFICATIONS_MAX_AGE_HOURS',
    default: '72',
    description: 'Messages not sent within this many hours (say, while no sender was configured) are skipped rather than sent late.',
    parse: integer(1, 24 * 365),
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
