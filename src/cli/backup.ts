import { backup as backupDatabase, restore as restoreDatabase } from '../store/backup.ts';
import { UsageError, type Command } from './context.ts';

export const backup: Command = {
  usage: 'backup FILE',
  summary: 'Write a consistent backup of the database to FILE, while Pipework serves (SQLite: a copy; PostgreSQL: pg_dump)',
  async run(args, ctx) {
    if (args.length !== 1) throw new UsageError('backup needs one FILE, e.g. npx pipework backup pipework-2026-12-01.db');
    backupDatabase(ctx.config.databaseUrl, args[0]);
    ctx.out(`Backed up to ${args[0]}. Restore it with: npx pipework restore ${args[0]}`);
  },
};

export const restore: Command = {
  usage: 'restore FILE',
  summary: 'Replace the database with a backup made by `backup` (stop Pipework first)',
  async run(args, ctx) {
    if (args.length !== 1) throw new UsageError('restore needs the one FILE that `backup` wrote');
    restoreDatabase(args[0], ctx.config.databaseUrl);
    ctx.out(`Restored ${args[0]}. Start Pipework again; it migrates the restored database if it is older.`);
  },
};
