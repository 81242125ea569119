import { CompiledQuery, PostgresAdapter, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import { insertOneStatement } from './postgres/one-statement.ts';
import { groupCommit } from './sqlite/group-commit.ts';
import type { Database } from './schema.ts';

export type RequestRow = Selectable<Database['service_requests']>;

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

export const idColumns = (l: LinkedRow) => (l.idTextColumn ? [l.idColumn, l.idTextColumn] : [l.idColumn]);

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
export const entries = (values: object) => Object.entries(values).filter(([, v]) => v !== undefined);

export function insertSql(table: string, columns: string[], placeholder: (i: number) => string, tail = ''): string {
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

/** The durable writer for new requests, chosen once for the database's dialect (sqlite/ and postgres/ hold each). */
export function newRequestWriter(db: Kysely<Database>): (rows: NewRequestRows) => Promise<RequestRow> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return (rows) => insertOneStatement(db, rows);
  return groupCommit(db);
}
