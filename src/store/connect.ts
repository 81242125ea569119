import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, Migrator, sql, PostgresDialect, SqliteDialect, type MigrationProvider } from 'kysely';
import SqliteDatabase from 'better-sqlite3';
import { pgDriver, preparingClient } from './postgres/driver.ts';
import type { Database } from './schema.ts';
import { migrations } from './migrations/index.ts';
import { isPostgres } from './migrations/dialect.ts';
import { threadWriter } from './sqlite/writer-thread.ts';
import { mainSqliteDialect } from './sqlite/main-dialect.ts';
import { kyselySqlite } from './sqlite/statements.ts';

export interface Connection {
  db: Kysely<Database>;
  dialect: 'sqlite' | 'postgres';
  /** SQLite only: a number that changes when another process commits (from `PRAGMA data_version`). */
  dataVersion?: () => number;
  /** SQLite file only: the writer thread for new requests (sqlite/writer-thread.ts); close it before `db`. */
  requestWriter?: ReturnType<typeof threadWriter>;
}

/**
 * Opens the database named by a DATABASE_URL: `sqlite:PATH` or `postgres://…`.
 * SQLite runs in WAL mode with `synchronous=FULL`, so a commit survives power loss.
 */
export function connect(databaseUrl: string, options: { poolSize?: number } = {}): Connection {
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const sqlite = new SqliteDatabase(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    const version = sqlite.prepare('pragma data_version').pluck();
    const read = () => (sqlite.open ? (version.get() as number) : -1);
    // data_version moves for every other connection's commit, our writer thread's too: its
    // commits are taken as seen, so only other processes' count (see sqlite/writer-thread.ts).
    let seen = read();
    let external = 0;
    const dataVersion = () => {
      const v = read();
      if (v !== seen) [seen, external] = [v, external + 1];
      return external;
    };
    const database = kyselySqlite(sqlite);
    const requestWriter = path === ':memory:' ? undefined : threadWriter(path, () => (seen = read()));
    return {
      db: new Kysely<Database>({ dialect: requestWriter ? mainSqliteDialect(database, requestWriter) : new SqliteDialect({ database }) }),
      dialect: 'sqlite',
      dataVersion: oncePerMs(dataVersion),
      requestWriter,
    };
  }
  const pool = new (pgDriver().Pool)({ connectionString: databaseUrl, max: options.poolSize ?? 10, Client: preparingClient() });
  // An idle client that loses its server must not take the process down with it.
  pool.on('error', () => {});
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres' };
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Raised when the database cannot be used as it is: unreachable, or migrated by a newer Pipework. */
export class DatabaseError extends Error {}

/**
 * Brings the schema up to date; safe to run on every start and from two
 * processes at once. Refuses a database that a newer Pipework has migrated:
 * running older code on a newer schema could lose what the newer code wrote.
 */
export async function migrate(db: Kysely<Database>, databaseUrl?: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const state = await schemaState(db, databaseUrl);
  if (state.unknown.length) {
    throw new DatabaseError(
      `The database named by DATABASE_URL (${safeUrl(databaseUrl)}) was migrated by a newer Pipework: it has migration(s) ${state.unknown.join(', ')} that this version does not know. ` +
        'Upgrade Pipework to the version that made them (see docs/upgrading.md), or restore a backup made with this version.',
    );
  }
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw unreachable(error, databaseUrl);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Which migrations the database has, which this code would still apply, and which it does not know. */
export async function schemaState(db: Kysely<Database>, databaseUrl?: string): Promise<{ applied: string[]; pending: string[]; unknown: string[] }> {
  let applied: string[] = [];
  try {
    // Asked, not found out by a failing select: an error's stack trace would decode the start-up bundle's
    // source maps (decision 0182) on every first start.
    const present = isPostgres(db)
      ? sql<{ n: number }>`select count(*)::int as n from pg_catalog.pg_class where oid = to_regclass('kysely_migration')`
      : sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name = 'kysely_migration'`;
    if ((await present.execute(db)).rows[0].n) {
      applied = (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)).rows.map((r) => r.name);
    }
  } catch (err) {
    throw unreachable(err, databaseUrl);
  }
  const known = Object.keys(migrations).sort();
  return { applied, pending: known.filter((n) => !applied.includes(n)), unknown: applied.filter((n) => !known.includes(n)) };
}

/** A database error an operator can act on: which variable, which server, what went wrong. */
function unreachable(err: unknown, databaseUrl?: string): Error {
  if (err instanceof DatabaseError) return err;
  const e = err as Error & { code?: string };
  if (!e?.code || !/^(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|ECONNRESET|3D000|28P01|28000|SQLITE_CANTOPEN|SQLITE_READONLY|SQLITE_NOTADB)$/.test(e.code)) return e;
  return new DatabaseError(`Cannot use the database named by DATABASE_URL (${safeUrl(databaseUrl)}): ${e.message}. Check that the server is running and the address is right.`);
}

/** A database URL with its password hidden, for messages and logs. */
export function safeUrl(databaseUrl = ''): string {
  return databaseUrl.replace(/(\/\/[^:/@]+):[^@/]*@/, '$1:***@');
}

/**
 * Calls `read` at most once a millisecond: the requests of a burst share the
 * answer, and a commit by another process is still seen a millisecond later.
 */
function oncePerMs<T>(read: () => T): () => T {
  let value: T;
  let at = -Infinity;
  return () => {
    const now = performance.now();
    if (now - at >= 1) {
      value = read();
      at = now;
    }
    return value;
  };
}
