// The SQLite writer thread for new requests (decision 0165): its own connection,
// so the inserts and each commit's fsync run beside the event loop, not on it.
// Plain JavaScript with better-sqlite3 only: a thread that loads no TypeScript
// loader costs a few megabytes, not tens. The statements come built from the
// main thread (request-writer.ts requestStatements); this thread only runs them.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
db.pragma('foreign_keys = ON');

const statements = new Map();
const prepared = (sql) => {
  let st = statements.get(sql);
  if (!st) {
    if (statements.size >= 200) statements.clear();
    statements.set(sql, (st = db.prepare(sql)));
  }
  return st;
};

/** One request: its row (returning *), then its linked rows with its id in place. */
const writeOne = ({ request, linked }) => {
  const row = prepared(request.sql).get(request.params);
  for (const l of linked) {
    const params = [...l.params];
    for (const i of l.idAt) params[i] = row.id;
    for (const i of l.textIdAt) params[i] = String(row.id);
    prepared(l.sql).run(params);
  }
  return row;
};
const writeAll = db.transaction((items) => items.map(writeOne));
const writeAlone = db.transaction(writeOne);
const failure = (err) => ({ error: { message: err?.message ?? String(err), code: err?.code } });

parentPort.on('message', ({ batch, items }) => {
  let results;
  try {
    results = writeAll(items).map((row) => ({ row }));
  } catch {
    // One bad request must not fail the others: each again, alone.
    results = items.map((item) => {
      try {
        return { row: writeAlone(item) };
      } catch (err) {
        return failure(err);
      }
    });
  }
  parentPort.postMessage({ batch, results });
});
