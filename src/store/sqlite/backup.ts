import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, copyFileSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { migrations } from '../migrations/index.ts';

/**
 * A consistent copy of a live SQLite database: `VACUUM INTO` writes the
 * database as one read transaction saw it, so requests committed while it
 * runs are simply not in the copy, and serving goes on (WAL readers do not
 * block writers).
 */
export function backupSqlite(path: string, file: string): void {
  const db = new SqliteDatabase(path, { readonly: true, fileMustExist: true });
  try {
    db.prepare('VACUUM INTO ?').run(file);
  } finally {
    db.close();
  }
  fsyncFile(file);
}

/**
 * Puts a backup in place of the database at `path`, atomically, after
 * checking it is a whole Pipework database this version can run. Refuses
 * while a Pipework process holds the database's relay lease (it is serving).
 */
export function restoreSqlite(file: string, path: string, now = Date.now()): void {
  checkBackup(file);
  if (existsSync(path)) {
    const live = new SqliteDatabase(path, { readonly: true, fileMustExist: true });
    try {
      const lease = live.prepare("select holder, expires_at from relay_leases where name = 'relay'").get() as { holder: string; expires_at: number } | undefined;
      if (lease && lease.expires_at > now) throw new Error(`a Pipework process (${lease.holder}) is using ${path}; stop it before restoring`);
    } catch (err) {
      if (!/no such table/.test((err as Error).message)) throw err;
    } finally {
      live.close();
    }
  }
  const staged = `${path}.restoring`;
  copyFileSync(file, staged);
  fsyncFile(staged);
  // The old write-ahead log belongs to the old database: replayed over the restored file it would corrupt it.
  for (const side of [`${path}-wal`, `${path}-shm`]) rmSync(side, { force: true });
  renameSync(staged, path);
}

function checkBackup(file: string) {
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  let db;
  try {
    db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`${file} is damaged: ${integrity}`);
    const names = (db.prepare('select name from kysely_migration').pluck().all() as string[]).filter((n) => !(n in migrations));
    if (names.length) throw new Error(`${file} was made by a newer Pipework (migrations ${names.join(', ')}); restore it with that version`);
  } catch (err) {
    if (/file is not a database|no such table: kysely_migration/.test((err as Error).message)) throw new Error(`${file} is not a Pipework SQLite backup`);
    throw err;
  } finally {
    db?.close();
  }
}

function fsyncFile(file: string) {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
