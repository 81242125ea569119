import { spawnSync } from 'node:child_process';

/**
 * PostgreSQL backups are PostgreSQL's own tools: `pg_dump` takes a consistent
 * snapshot while Pipework serves, `pg_restore` puts it back. These run them
 * with the right flags so an operator need not remember them.
 */
export function backupPostgres(databaseUrl: string, file: string): void {
  run('pg_dump', ['--format=custom', '--no-owner', '--file', file, '--dbname', databaseUrl]);
}

export function restorePostgres(file: string, databaseUrl: string): void {
  run('pg_restore', ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--exit-on-error', '--dbname', databaseUrl, file]);
}

function run(tool: string, args: string[]) {
  const res = spawnSync(tool, args, { encoding: 'utf8' });
  if (res.error) throw new Error(`${tool} could not be run (${(res.error as NodeJS.ErrnoException).code}); install the PostgreSQL client tools of your server's version`);
  if (res.status !== 0) throw new Error(`${tool} failed: ${res.stderr.trim()}`);
}
