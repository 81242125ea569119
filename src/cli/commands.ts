import { connect, migrate } from '../store/index.ts';
import { serve } from '../server.ts';
import type { Command } from './context.ts';
import { keys } from './keys.ts';
import { services } from './services.ts';
import { deliveries } from './deliveries.ts';
import { routes } from './routes.ts';
import { migration } from './migration.ts';
import { cases } from '../backends/builtin/cli.ts';
import { patterns } from './patterns.ts';
import { directory } from './directory.ts';
import { conformance } from './conformance.ts';

/** Every `npx pipework` command. Add a command by adding a file and a line here. */
export const COMMANDS: Record<string, Command> = {
  serve: {
    usage: 'serve',
    summary: 'Run the HTTP server (migrates and seeds the demo council on an empty database)',
    async run(_args, ctx) {
      await serve(ctx.config);
      return -1; // keep running
    },
  },
  migrate: {
    usage: 'migrate',
    summary: 'Create or update the database schema',
    async run(_args, ctx) {
      const { db } = connect(ctx.config.databaseUrl);
      try {
        const applied = await migrate(db);
        ctx.out(applied.length ? `Applied ${applied.join(', ')}.` : 'The schema is up to date.');
      } finally {
        await db.destroy();
      }
    },
  },
  keys,
  services,
  deliveries,
  routes,
  migration,
  cases,
  patterns,
  directory,
  conformance,
};
