import { SqliteDialect, SqliteDriver, type CompiledQuery, type DatabaseConnection, type Driver, type QueryResult, type SqliteDialectConfig } from 'kysely';

/** Statements that change nothing: reads. Everything else outside a transaction is a write. */
const READ = /^\s*(select|pragma\s+\w+\s*$)/i;

/**
 * The main connection's dialect on an SQLite file, beside the writer thread
 * for new requests (writer-thread.ts), which is another connection. The main
 * thread must never wait for that thread's write lock inside SQLite: its busy
 * wait would stop the event loop, and a sustained burst of new requests could
 * starve it. So every write here first holds the thread off (between its
 * batches), from BEGIN to COMMIT or ROLLBACK, or around one statement
 * outside a transaction. Reads need no lock in WAL mode.
 */
export function mainSqliteDialect(database: SqliteDialectConfig['database'], writer: { hold(): Promise<() => void> }) {
  let releaseTransaction: (() => void) | undefined;
  const held = (connection: DatabaseConnection): DatabaseConnection => ({
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      const text = query.sql.trimStart().slice(0, 12).toLowerCase();
      if (text.startsWith('begin')) {
        releaseTransaction = await writer.hold();
        return connection.executeQuery<R>(query).catch((err) => {
          releaseTransaction?.();
          releaseTransaction = undefined;
          throw err;
        });
      }
      if (text.startsWith('commit') || text.startsWith('rollback')) {
        try {
          return await connection.executeQuery<R>(query);
        } finally {
          releaseTransaction?.();
          releaseTransaction = undefined;
        }
      }
      if (releaseTransaction || READ.test(query.sql)) return connection.executeQuery<R>(query);
      const release = await writer.hold();
      try {
        return await connection.executeQuery<R>(query);
      } finally {
        release();
      }
    },
    streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
  });
  class HoldingDriver extends SqliteDriver {
    private wrapped = new WeakMap<DatabaseConnection, DatabaseConnection>();
    async acquireConnection(): Promise<DatabaseConnection> {
      const c = await super.acquireConnection();
      let w = this.wrapped.get(c);
      if (!w) this.wrapped.set(c, (w = held(c)));
      return w;
    }
  }
  return new (class extends SqliteDialect {
    createDriver(): Driver {
      return new HoldingDriver({ database });
    }
  })({ database });
}
