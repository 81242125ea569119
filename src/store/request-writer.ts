import { PostgresAdapter, sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

type RequestRow = Selectable<Database['service_requests']>;

/**
 * A row committed in the same transaction as a new request (its contact
 * details, its delivery jobs…). The new request's id goes into `idColumn`.
 */
export interface LinkedRow {
  table: keyof Database;
  idColumn: string;
  values: Record<string, unknown>;
}

/** Everything one new request writes: the request row, then its linked rows. */
export interface NewRequestRows {
  request: Insertable<Database['service_requests']>;
  linked: LinkedRow[];
}

/**
 * Writes one new request with its linked rows inside `trx`. The SQLite group
 * commit calls this once per request inside the batch's one transaction.
 */
export async function insertRequestRows(trx: Transaction<Database> | Kysely<Database>, rows: NewRequestRows): Promise<RequestRow> {
  const row = await trx.insertInto('service_requests').values(rows.request).returningAll().executeTakeFirstOrThrow();
  for (const l of rows.linked) {
    await (trx as Kysely<any>).insertInto(l.table).values({ ...l.values, [l.idColumn]: row.id }).execute();
  }
  return row;
}

/**
 * PostgreSQL: the request and its linked rows in ONE statement (data-modifying
 * CTEs), so a durable create costs one round trip and one commit. A single
 * statement is atomic on its own: no BEGIN/COMMIT round trips needed.
 */
async function insertOneStatement(db: Kysely<Database>, rows: NewRequestRows): Promise<RequestRow> {
  let q: any = db.with('r', (qb) => qb.insertInto('service_requests').values(rows.request).returningAll());
  rows.linked.forEach((l, i) => {
    // VALUES (not INSERT … SELECT) so each parameter takes its column's type.
    q = q.with(`l${i}`, (qb: Kysely<any>) => qb.insertInto(l.table).values({ ...l.values, [l.idColumn]: sql`(select id from r)` }));
  });
  return q.selectFrom('r').selectAll().executeTakeFirstOrThrow();
}

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
function groupCommit(db: Kysely<Database>) {
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

/** The durable writer for new requests on this database's dialect. */
export function newRequestWriter(db: Kysely<Database>): (rows: NewRequestRows) => Promise<RequestRow> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return (rows) => insertOneStatement(db, rows);
  return groupCommit(db);
}
