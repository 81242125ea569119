import { existsSync } from 'node:fs';
import { backupSqlite, restoreSqlite } from './sqlite/backup.ts';
import { backupPostgres, restorePostgres } from './postgres/backup.ts';

const sqlitePath = (url: string) => (url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : undefined);

/** Writes a consistent backup of the database DATABASE_URL names to `file`, while Pipework may be serving. */
export function backup(databaseUrl: string, file: string): void {
  if (existsSync(file)) throw new Error(`${file} already exists; choose a new file name`);
  const path = sqlitePath(databaseUrl);
  if (path) backupSqlite(path, file);
  else backupPostgres(databaseUrl, file);
}

/** Replaces the database DATABASE_URL names with a backup made by `backup`. */
export function restore(file: string, databaseUrl: string): void {
  const path = sqlitePath(databaseUrl);
  if (path) restoreSqlite(file, path);
  else restorePostgres(file, databaseUrl);
}
