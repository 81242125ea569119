/**
 * The bare baseline: plain node:http and the same driver (better-sqlite3 or
 * pg) doing the same durable work as Pipework, with nothing else — no
 * framework, no validation, no caches, no logging. Its figures are the floor
 * of what Node and the database can do on this machine, measured in the same
 * run, so Pipework's figures are ratios to it.
 *
 * POST /open311/v2/requests.json: the same rows (newRequestRows: request,
 * contact, outbox job) in the same transaction shape — SQLite: every create
 * of one event-loop turn in one transaction (group commit), answered after
 * COMMIT; PostgreSQL: one statement per request.
 * GET /open311/v2/requests.json: the same SQL text Pipework runs (searchSql).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { newRequestRows } from '../../src/store/requests.ts';
import { searchSql } from '../../src/store/request-search.ts';
import type { NewServiceRequest } from '../../src/core/requests/request.ts';
import type { Status } from '../../src/core/statuses.ts';

type Rows = ReturnType<typeof newRequestRows>;
type Row = Record<string, unknown>;

const url = process.env.DATABASE_URL!;
const postgres = url.startsWith('postgres');
const DAY = 86_400_000;

// ---- writes -------------------------------------------------------------

const cols = (values: Record<string, unknown>) => Object.keys(values);

function sqliteWriter() {
  const db = new SqliteDatabase(url.slice('sqlite:'.length));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  const statements = new Map<string, SqliteDatabase.Statement>();
  const insert = (table: string, values: Record<string, unknown>) => {
    const names = cols(values);
    const text = `insert into ${table} (${names.join(', ')}) values (${names.map(() => '?').join(', ')})`;
    let st = statements.get(text);
    if (!st) statements.set(text, (st = db.prepare(text)));
    return st.run(...names.map((n) => values[n] as unknown));
  };
  const writeOne = (rows: Rows) => {
    const id = Number(insert('service_requests', rows.request as Record<string, unknown>).lastInsertRowid);
    for (const l of rows.linked) insert(l.table, { ...l.values, [l.idColumn]: id, ...(l.idTextColumn ? { [l.idTextColumn]: String(id) } : {}) });
    return id;
  };
  const batch = db.transaction((items: Rows[]) => items.map(writeOne));
  let queue: { rows: Rows; done: (id: number | Error) => void }[] = [];
  const flush = () => {
    const items = queue;
    queue = [];
    try {
      const ids = batch(items.map((i) => i.rows));
      items.forEach((it, k) => it.done(ids[k]));
    } catch (err) {
      items.forEach((it) => it.done(err as Error));
    }
  };
  const search = (text: string, params: readonly unknown[]) => {
    let st = statements.get(text);
    if (!st) statements.set(text, (st = db.prepare(text)));
    return st.all(...params) as Row[];
  };
  return {
    write: (rows: Rows) =>
      new Promise<number>((resolve, reject) => {
        if (!queue.length) setImmediate(flush);
        queue.push({ rows, done: (r) => (r instanceof Error ? reject(r) : resolve(r)) });
      }),
    search: async (text: string, params: readonly unknown[]) => search(text, params),
    compiler: new Kysely<any>({ dialect: new SqliteDialect({ database: db }) }),
  };
}

function postgresWriter() {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => {});
  const write = async (rows: Rows) => {
    const params: unknown[] = [];
    const p = (v: unknown) => (params.push(v), `$${params.length}`);
    const req = rows.request as Record<string, unknown>;
    const parts = [`with r as (insert into service_requests (${cols(req).join(', ')}) values (${cols(req).map((c) => p(req[c])).join(', ')}) returning id)`];
    rows.linked.forEach((l, i) => {
      const names = cols(l.values);
      parts.push(`, l${i} as (insert into ${l.table} (${[...names, l.idColumn].join(', ')}) values (${names.map((c) => p(l.values[c])).join(', ')}, (select id from r)))`);
    });
    const res = await pool.query(`${parts.join('')} select id from r`, params);
    return Number(res.rows[0].id);
  };
  return {
    write,
    search: async (text: string, params: readonly unknown[]) => (await pool.query(text, params as unknown[])).rows as Row[],
    compiler: new Kysely<any>({ dialect: new PostgresDialect({ pool }) }),
  };
}

const store = postgres ? postgresWriter() : sqliteWriter();

// ---- HTTP ---------------------------------------------------------------

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function create(req: IncomingMessage, res: ServerResponse) {
  const form = new URLSearchParams(await readBody(req));
  const attributes: Record<string, string> = {};
  for (const [k, v] of form) {
    const m = /^attribute\[([^\]]+)\]$/.exec(k);
    if (m) attributes[m[1]] = v;
  }
  const input: NewServiceRequest = {
    jurisdictionId: 'example',
    serviceCode: form.get('service_code') ?? '',
    description: form.get('description') ?? undefined,
    attributes,
    location: { lat: Number(form.get('lat')), long: Number(form.get('long')), address: form.get('address_string') ?? undefined },
    contact: { firstName: form.get('first_name') ?? undefined, lastName: form.get('last_name') ?? undefined, email: form.get('email') ?? undefined, phone: form.get('phone') ?? undefined },
    mediaUrls: [],
    source: 'open311', // as Pipework's Open311 path: the client tells the resident, so no confirmation rows
    deliveries: [{ backend: 'builtin', role: 'primary', kind: 'request', idempotencyKey: randomUUID() }],
  };
  const rows = newRequestRows(input, Date.now());
  // The same outbox row, written as already delivered: Pipework's relay (same database) must not do the baseline's deliveries.
  for (const l of rows.linked) if (l.table === 'deliveries') l.values = { ...l.values, state: 'delivered' };
  const id = await store.write(rows);
  send(res, 200, [{ service_request_id: String(id) }]);
}

async function list(query: URLSearchParams, res: ServerResponse) {
  const split = (v: string | null) => (v ? v.split(',').filter(Boolean) : []);
  const to = query.get('end_date') ? new Date(query.get('end_date')!) : new Date();
  const from = query.get('start_date') ? new Date(query.get('start_date')!) : new Date(to.getTime() - 90 * DAY);
  const codes = split(query.get('service_code'));
  const statuses = split(query.get('status')) as Status[];
  const compiled = searchSql(
    {
      jurisdictionId: 'example',
      serviceCodes: codes.length ? codes : undefined,
      statuses: statuses.length ? statuses : undefined,
      from,
      to,
      page: Number(query.get('page') ?? 1),
      pageSize: Number(query.get('page_size') ?? 1000),
    },
    postgres,
  )!.compile(store.compiler);
  send(res, 200, await store.search(compiled.sql, compiled.parameters));
}

const server = createServer((req, res) => {
  const u = new URL(req.url ?? '/', 'http://x');
  const work = req.method === 'POST' ? create(req, res) : list(u.searchParams, res);
  work.catch((err) => send(res, 500, { error: String(err) }));
});
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
