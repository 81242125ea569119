import type SqliteDatabase from 'better-sqlite3';

type Row = Record<string, unknown>;
type RowOf = (values: unknown[]) => Row;

/** The slice of a better-sqlite3 statement Kysely's SQLite driver calls. */
export interface KyselyStatement {
  readonly reader: boolean;
  readonly busy: boolean;
  all(params: readonly unknown[]): unknown[];
  run(params: readonly unknown[]): SqliteDatabase.RunResult;
  iterate(params: readonly unknown[]): IterableIterator<unknown>;
}

// One function per column list, shared by every statement that returns it (most select one table's columns).
const builders = new Map<string, RowOf>();

/**
 * A function that makes one row object from a row of values. It is one
 * object literal, so every row of a statement has the same shape from the
 * start; better-sqlite3's own row objects are built property by property in
 * C++ and cost more than running the query (decision 0184). The names are
 * written as JSON strings, so no column name can be read as code.
 */
function rowBuilder(names: string[]): RowOf {
  const key = names.join('\0');
  let build = builders.get(key);
  if (!build) {
    try {
      build = new Function('v', `return {${names.map((n, i) => `${JSON.stringify(n)}: v[${i}]`).join(', ')}};`) as RowOf;
    } catch {
      // Node run with --disallow-code-generation-from-strings: the same objects, a little slower.
      build = (v) => Object.fromEntries(names.map((n, i) => [n, v[i]]));
    }
    if (builders.size >= 500) builders.clear();
    builders.set(key, build);
  }
  return build;
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
