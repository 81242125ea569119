import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { insertRequestRows, type NewRequestRows, type RequestRow } from '../request-writer.ts';

interface Pending {
  rows: NewRequestRows;
  resolve: (row: RequestRow) => void;
  reject: (err: unknown) => void;
}

/** Upper bound of one SQLite batch, so one huge burst cannot hold the writer for long. */
const MAX_BATCH = 512;

/**
 * SQLite group commit: every create that arrives in one turn of the event
 * loop is written in ONE transaction, so a burst pays for one fsync instead
 * of one each. Each caller's promise resolves only after that commit. If the
 * batch fails, each request is retried in a transaction of its own, so one
 * bad request never fails the others (see docs/decisions/0040).
 */
export function groupCommit(db: Kysely<Database>) {
  let queue: Pending[] = [];
  let scheduled = false;

  const writeAlone = async (p: Pending) => {
    try {
      p.resolve(await db.transaction().execute((trx) => insertRequestRows(trx, p.rows)));
    } catch (err) {
      p.reject(err);
    }
  };

  const flush = async () => {
    scheduled = false;
    const batch = queue.splice(0, MAX_BATCH);
    if (queue.length) schedule();
    if (batch.length === 1) return writeAlone(batch[0]);
    let written: RequestRow[];
    try {
      written = await db.transaction().execute(async (trx) => {
        const out: RequestRow[] = [];
        for (const p of batch) out.push(await insertRequestRows(trx, p.rows));
        return out;
      });
    } catch {
      for (const p of batch) await writeAlone(p);
      return;
    }
    batch.forEach((p, i) => p.resolve(written[i]));
  };

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    // setImmediate runs after this turn's I/O callbacks: every request parsed in this turn joins the batch.
    setImmediate(() => void flush());
  }

  return (rows: NewRequestRows) =>
    new Promise<RequestRow>((resolve, reject) => {
      queue.push({ rows, resolve, reject });
      schedule();
    });
}

