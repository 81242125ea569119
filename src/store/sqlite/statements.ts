import type SqliteDatabase from 'better-sqlite3';
import { rowBuilder } from '../row-builder.ts';

/** The slice of a better-sqlite3 statement Kysely's SQLite driver calls. */
export interface KyselyStatement {
  readonly reader: boolean;
  readonly busy: boolean;
  all(params: readonly unknown[]): unknown[];
  run(params: readonly unknown[]): SqliteDatabase.RunResult;
  iterate(params: readonly unknown[]): IterableIterator<unknown>;
}

/** A reading statement whose rows come as arrays of values, made into objects here (the same keys, in the same order). */
function arrayRows(stmt: SqliteDatabase.Statement): KyselyStatement {
  stmt.raw(true);
  let names = stmt.columns().map((c) => c.name);
  let build = rowBuilder(names);
  const rowOf = (values: unknown[]) => {
    // A column added to the table since this was prepared (another process migrating) lengthens `select *`: read the names again.
    if (values.length !== names.length) {
      names = stmt.columns().map((c) => c.name);
      build = rowBuilder(names);
    }
    return build(values);
  };
  return {
    reader: true,
    get busy() {
      return stmt.busy;
    },
    all: (params) => {
      const rows = stmt.all(params) as unknown[];
      for (let i = 0; i < rows.length; i++) rows[i] = rowOf(rows[i] as unknown[]);
      return rows;
    },
    run: (params) => stmt.run(params),
    *iterate(params) {
      for (const values of stmt.iterate(params)) yield rowOf(values as unknown[]);
    },
  };
}

/**
 * The connection as Kysely sees it. Kysely prepares every query afresh, and
 * preparing costs more than running a small insert: prepared statements are
 * reused by SQL text (bounded, and never one still being iterated), which
 * halves the cost of a hot query. Reading statements return their rows as
 * arrays, made into objects in JavaScript (arrayRows).
 */
export function kyselySqlite(sqlite: SqliteDatabase.Database, max = 500) {
  const cache = new Map<string, KyselyStatement>();
  const prepare = (text: string): KyselyStatement => {
    const stmt = sqlite.prepare(text);
    return stmt.reader ? arrayRows(stmt) : stmt;
  };
  return {
    close: () => sqlite.close(),
    prepare(text: string): KyselyStatement {
      const hit = cache.get(text);
      if (hit && !hit.busy) return hit;
      const stmt = prepare(text);
      if (!hit) {
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
        cache.set(text, stmt);
      }
      return stmt;
    },
  };
}
