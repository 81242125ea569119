import { CompiledQuery, PostgresAdapter, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

type RequestRow = Selectable<Database['service_requests']>;

/**
 * A row committed in the same transaction as a new request (its contact
 * details, its delivery jobs…). The new request's id goes into `idColumn`,
 * and as text into `idTextColumn` when given (a built-in job's reference is the request id).
 */
export interface LinkedRow {
  table: keyof Database;
  idColumn: string;
  idTextColumn?: string;
  values: Record<string, unknown>;
}

const idColumns = (l: LinkedRow) => (l.idTextColumn ? [l.idColumn, l.idTextColumn] : [l.idColumn]);

/** Everything one new request writes: the request row, then its linked rows. */
export interface NewRequestRows {
  request: Insertable<Database['service_requests']>;
  linked: LinkedRow[];
}

/**
 * SQL text per (table, columns) shape, built once. A new request runs the
 * same three or four inserts thousands of times a second; building each
 * through the query builder cost more than SQLite's own work (decision 0040).
 */
const texts = new Map<string, string>();
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** The defined entries of a row: an undefined value means "the column's default", as in the query builder. */
const entries = (values: object) => Object.entries(values).filter(([, v]) => v !== undefined);

function insertSql(table: string, columns: string[], placeholder: (i: number) => string, tail = ''): string {
  // Placeholders are numbered consecutively, so the first and last fix them all.
  const key = `${table}\0${columns.join('\0')}\0${tail}\0${placeholder(0)}\0${placeholder(columns.length - 1)}`;
  let text = texts.get(key);
  if (!text) {
    text = `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values (${columns.map((_, i) => placeholder(i)).join(', ')})${tail}`;
    if (texts.size < 1000) texts.set(key, text);
  }
  return text;
}

/**
 * Writes one new request with its linked rows inside `trx`. The SQLite group
 * commit calls this once per request inside the batch's one transaction.
 */
export async function insertRequestRows(trx: Transaction<Database> | Kysely<Database>, rows: NewRequestRows): Promise<RequestRow> {
  const req = entries(rows.request);
  const text = insertSql('service_requests', req.map(([c]) => c), () => '?', ' returning *');
  const [row] = (await trx.executeQuery<RequestRow>(CompiledQuery.raw(text, req.map(([, v]) => v)))).rows;
  for (const l of rows.linked) {
    const ids: [string, unknown][] = [[l.idColumn, row.id], ...(l.idTextColumn ? [[l.idTextColumn, String(row.id)] as [string, unknown]] : [])];
    const cols = [...entries(l.values).filter(([c]) => !idColumns(l).includes(c)), ...ids];
    await trx.executeQuery(CompiledQuery.raw(insertSql(l.table, cols.map(([c]) => c), () => '?'), cols.map(([, v]) => v)));
  }
  return row;
}

/**
 * PostgreSQL: the request and its linked rows in ONE statement (data-modifying
 * CTEs), so a durable create costs one round trip and one commit. A single
 * statement is atomic on its own: no BEGIN/COMMIT round trips needed.
 * Linked rows use VALUES (not INSERT … SELECT) so each parameter takes its column's type.
 */
async function insertOneStatement(db: Kysely<Database>, rows: NewRequestRows): Promise<RequestRow> {
  const params: unknown[] = [];
  const bind = (values: [string, unknown][]) => {
    const first = params.length;
    params.push(...values.map(([, v]) => v));
    return (i: number) => `$${first + i + 1}`;
  };
  const req = entries(rows.request);
  const parts = [`with r as (${insertSql('service_requests', req.map(([c]) => c), bind(req), ' returning *')})`];
  rows.linked.forEach((l, i) => {
    const vals = entries(l.values).filter(([c]) => !idColumns(l).includes(c));
    const at = bind(vals);
    const cols = [...vals.map(([c]) => c), ...idColumns(l)];
    parts.push(`l${i} as (${insertSql(l.table, cols, (k) => (k < vals.length ? at(k) : k === vals.length ? '(select id from r)' : '(select id::text from r)'))})`);
  });
  const [row] = (await db.executeQuery<RequestRow>(CompiledQuery.raw(`${parts.join(', ')} select * from r`, params))).rows;
  return row;
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
