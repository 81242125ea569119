import { CompiledQuery, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import { insertOneStatement } from './postgres/one-statement.ts';
import { isPostgres } from './migrations/dialect.ts';
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

/** One linked row's insert: the new request's id goes into the parameters at `idAt`, as text at `textIdAt`. */
export interface LinkedInsert {
  sql: string;
  params: unknown[];
  idAt: number[];
  textIdAt: number[];
}

/** The statements that write one new request: its row (returned whole), then each linked row once the id is known. */
export interface RequestStatements {
  request: { sql: string; params: unknown[] };
  linked: LinkedInsert[];
}

export function requestStatements(rows: NewRequestRows): RequestStatements {
  const req = entries(rows.request);
  return {
    request: { sql: insertSql('service_requests', req.map(([c]) => c), () => '?', ' returning *'), params: req.map(([, v]) => v) },
    linked: rows.linked.map((l) => {
      const own = entries(l.values).filter(([c]) => !idColumns(l).includes(c));
      const names = [...own.map(([c]) => c), l.idColumn, ...(l.idTextColumn ? [l.idTextColumn] : [])];
      return {
        sql: insertSql(l.table, names, () => '?'),
        params: [...own.map(([, v]) => v), null, ...(l.idTextColumn ? [null] : [])],
        idAt: [own.length],
        textIdAt: l.idTextColumn ? [own.length + 1] : [],
      };
    }),
  };
}

/** A linked row's parameters with the new request's id in place. */
export function withId(insert: LinkedInsert, id: number): unknown[] {
  const params = [...insert.params];
  for (const i of insert.idAt) params[i] = id;
  for (const i of insert.textIdAt) params[i] = String(id);
  return params;
}

/**
 * Writes one new request with its linked rows inside `trx`. The SQLite group
 * commit calls this once per request inside the batch's one transaction.
 */
export async function insertRequestRows(trx: Transaction<Database> | Kysely<Database>, rows: NewRequestRows): Promise<RequestRow> {
  const { request, linked } = requestStatements(rows);
  const [row] = (await trx.executeQuery<RequestRow>(CompiledQuery.raw(request.sql, request.params))).rows;
  for (const l of linked) await trx.executeQuery(CompiledQuery.raw(l.sql, withId(l, row.id)));
  return row;
}

/** The durable writer for new requests, chosen once for the database's dialect (sqlite/ and postgres/ hold each). */
export function newRequestWriter(db: Kysely<Database>): (rows: NewRequestRows) => Promise<RequestRow> {
  if (isPostgres(db)) return (rows) => insertOneStatement(db, rows);
  return groupCommit(db);
}
