import { parseArgs } from 'node:util';
import { EXIT, UsageError, noArguments, type Command } from './context.ts';
import { WORKERS_NEED_POSTGRES } from '../config/load.ts';

/** One line of the overview, and the command itself, loaded only when it runs: `version` or `--help` need no database driver. */
export interface CommandEntry {
  summary: string;
  load: () => Promise<Command>;
}

const serve: Command = {
  usage: ['serve [--workers N]'],
  keepsRunning: true,
  async run(args, ctx) {
    const { values, positionals } = parseArgs({ args, options: { workers: { type: 'string' } }, allowPositionals: true });
    noArguments(positionals);
    const config = { ...ctx.config };
    if (values.workers !== undefined) {
      if (!/^\d{1,2}$/.test(values.workers) || +values.workers < 1 || +values.workers > 64) throw new UsageError('--workers takes a whole number from 1 to 64');
      config.workers = +values.workers;
      if (config.workers > 1 && !config.databaseUrl.startsWith('postgres')) throw new UsageError(WORKERS_NEED_POSTGRES);
    }
    // With workers, this process supervises and each worker (started as this same command) serves.
    const { isWorker, serveWorkers } = await import('../workers.ts');
    if (config.workers > 1 && !isWorker()) await serveWorkers(config);
    else await (await import('../server.ts')).serve(config);
    return EXIT.ok;
  },
};

const migrate: Command = {
  usage: ['migrate'],
  async run(args, ctx) {
    noArguments(args);
    const { connect, migrate } = await import('../store/index.ts');
    const { db } = connect(ctx.config.databaseUrl);
    try {
      const applied = await migrate(db, ctx.config.databaseUrl);
      ctx.out(applied.length ? `Applied ${applied.join(', ')}.` : 'The schema is up to date.');
      return EXIT.ok;
    } finally {
      await db.destroy();
    }
  },
};

const version: Command = {
  usage: ['version'],
  async run(args, ctx) {
    noArguments(args);
    ctx.out((await import('../version.ts')).pipeworkVersion());
    return EXIT.ok;
  },
};

/** Every `npx pipework` command. Add a command by adding a file and a line here. */
export const COMMANDS: Record<string, CommandEntry> = {
  serve: { summary: 'Run the HTTP server (migrates and seeds the demo council on an empty database)', load: async () => serve },
  migrate: { summary: 'Create or update the database schema', load: async () => migrate },
  version: { summary: 'Print the version of Pipework', load: async () => version },
  keys: { summary: 'API keys for Open311 clients and the admin API (only a hash is stored; the key is shown once)', load: async () => (await import('./keys.ts')).keys },
  councils: { summary: 'The councils this install serves: add one, change its names, web addresses and settings, list them', load: async () => (await import('./councils.ts')).councils },
  services: { summary: 'Import or export service definitions as YAML or JSON', load: async () => (await import('./services.ts')).services },
  deliveries: {
    summary: 'The delivery outbox: list jobs, see attempts, retry failed (dead-lettered) ones, list unknown back-end status codes',
    load: async () => (await import('./deliveries.ts')).deliveries,
  },
  routes: { summary: 'Route each service to a back-end (primary, shadow, canary), changed at run time; add back-ends', load: async () => (await import('./routes.ts')).routes },
  migration: { summary: "Compare a service's back-ends during a move: counts, delivery latency, statuses, divergences", load: async () => (await import('./migration.ts')).migration },
  cases: { summary: 'Requests held in the built-in case store: list them, move one on (through the service process)', load: async () => (await import('./cases.ts')).cases },
  patterns: { summary: 'Service patterns: check, share and adopt (see docs/service-patterns.md)', load: async () => (await import('./patterns.ts')).patterns },
  staff: { summary: 'Staff accounts for the console at /staff/: add one (prints a set-password link), list them, reset one', load: async () => (await import('./staff.ts')).staff },
  records: { summary: "A person's records (find, export, erase), retention by each service's pattern, legal holds", load: async () => (await import('./records.ts')).records },
  backup: { summary: 'Write a consistent backup of the database to FILE while Pipework serves (SQLite: a copy; PostgreSQL: pg_dump)', load: async () => (await import('./backup.ts')).backup },
  restore: { summary: 'Replace the database with a backup made by `backup` (stop Pipework first)', load: async () => (await import('./backup.ts')).restore },
  secrets: { summary: 'Re-seal every back-end secret with PIPEWORK_SECRET_KEY (old keys in PIPEWORK_SECRET_KEY_PREVIOUS)', load: async () => (await import('./secrets.ts')).secrets },
  notifications: { summary: "Residents' messages: a council's own words per service and language (templates)", load: async () => (await import('./notifications.ts')).notifications },
  events: { summary: 'Event subscriptions for other systems: subscribe a URL to the event log (CloudEvents, signed), list them, or push from a process of its own', load: async () => (await import('./events.ts')).events },
  directory: { summary: 'The Open Referral UK directory: import a feed or file, export it', load: async () => (await import('./directory.ts')).directory },
  addresses: { summary: 'The gazetteer the resident web finds addresses in: import a CSV extract (UPRN, address, postcode, easting/northing), count', load: async () => (await import('./addresses.ts')).addresses },
  conformance: { summary: "Test any supplier's Open311 or Open Referral UK endpoint, or grade an Open311 client", load: async () => (await import('./conformance.ts')).conformance },
};
