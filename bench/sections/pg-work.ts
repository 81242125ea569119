/**
 * PostgreSQL work per Open311 POST, counted rather than timed (so it means
 * the same on a busy machine): statements sent, transactions committed, heap
 * rows and index entries written, WAL records and bytes — for Pipework (as
 * `npm start` runs it) and for the bare baseline, on the same fresh database.
 *
 * Statements: counted in the server process by bench/lib/count-statements.mjs
 * (it wraps pg's Client.prototype.query). Everything else: read from the WAL
 * itself with pg_walinspect over the LSN range of the run, keeping only the
 * records of this database's relations and the commits of their transactions,
 * so other databases on the same server do not count. Background work a POST
 * causes (event numbering, the relay's poll) is in the window, which runs
 * until the server has been idle for a second.
 */
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { BenchRow } from '../types.ts';
import { START_FLAGS, startServer, type Server } from '../lib/load.ts';
import { postBody } from '../lib/workload.ts';
import { openStore } from '../../src/store/index.ts';
import { createApiKey } from '../../src/core/access/api-keys.ts';
import { benchDatabase } from '../lib/database.ts';

const section = 'pg-work';
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const hook = ['--import', here('../lib/count-statements.mjs')];
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The ratio target from issue 18: Pipework's work per POST at most 1.5× the bare statement's. */
const TARGET = 1.5;
const IDLE_MS = 5000;

export interface Work {
  statements: number;
  /** Statements a second with no requests (pollers, cache refreshes): not in `statements`. */
  idlePerSecond: number;
  commits: number;
  heapInserts: number;
  heapUpdates: number;
  indexEntries: number;
  walRecords: number;
  /** WAL bytes without full-page images (those depend on when the last checkpoint was, not on the request). */
  walBytes: number;
  byStatement: [string, number][];
  /** Index entries per index. */
  byRelation: [string, number][];
  /** Heap rows (inserted or updated) per table. */
  byTable: [string, number][];
  /** Every statement text with its count per POST, for looking into. */
  texts: [string, number][];
}

function statementsOf({ child }: Server, reset = false): Promise<Map<string, number>> {
  return new Promise((resolve) => {
    if (reset) {
      child.send({ type: 'pg-statements-reset' });
      return resolve(new Map());
    }
    const on = (m: { type?: string; counts?: [string, number][] }) => {
      if (m?.type !== 'pg-statements') return;
      child.off('message', on);
      resolve(new Map(m.counts));
    };
    child.on('message', on);
    child.send({ type: 'pg-statements' });
  });
}

/** Statement kinds, short enough for a note: the verb and the first table named. */
const kind = (text: string) => {
  const t = text.replace(/\s+/g, ' ').trim().toLowerCase();
  if (t.startsWith('with r as (insert into "service_requests"') || t.startsWith('with r as (insert into service_requests')) return 'insert request + linked rows (one statement)';
  const m = /^(select|insert into|update|delete from|with|begin|commit|rollback|listen|notify|set)\b[^"]*?(?:"?(\w+)"?)?/.exec(t);
  const table = /(?:from|into|update)\s+"?(\w+)"?/.exec(t)?.[1];
  return `${m?.[1] ?? t.slice(0, 20)}${table ? ` ${table}` : ''}`;
};

/**
 * Sends `n` POSTs one after another, waits until the server's statement count
 * has been still for a second, and counts what the database did in between.
 */
async function measure(admin: pg.Client, dbOid: number, server: Server, body: string, n: number): Promise<Work> {
  const url = `http://127.0.0.1:${server.port}/open311/v2/requests.json`;
  const post = async () => {
    const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    await res.arrayBuffer();
    if (res.status >= 300) throw new Error(`POST answered ${res.status}`);
  };
  for (let k = 0; k < 20; k++) await post(); // warm-up: caches, prepared shapes
  await quiet(server);
  // What the server sends when nobody asks it anything (pollers, cache refreshes), per second.
  await statementsOf(server, true);
  const idleFrom = Date.now();
  await sleep(IDLE_MS);
  const idle = await statementsOf(server);
  const idleSeconds = (Date.now() - idleFrom) / 1000;
  await statementsOf(server, true);
  const from = Date.now();
  const start = (await admin.query<{ lsn: string }>('select pg_current_wal_lsn() as lsn')).rows[0].lsn;
  for (let k = 0; k < n; k++) await post();
  const raw = await quiet(server);
  const seconds = (Date.now() - from) / 1000;
  // The request path's own statements: the window's, less what idle polling sent in as long a time.
  const counts = new Map([...raw].map(([t, c]) => [t, Math.max(0, c - ((idle.get(t) ?? 0) * seconds) / idleSeconds)]));
  const end = (await admin.query<{ lsn: string }>('select pg_current_wal_lsn() as lsn')).rows[0].lsn;
  const records = (
    await admin.query<{ xid: string; rm: string; type: string; len: number; fpi: number; refs: string | null }>(
      `select xid::text, resource_manager as rm, record_type as type, record_length as len, fpi_length as fpi, block_ref as refs
         from pg_get_wal_records_info($1, $2)`,
      [start, end],
    )
  ).rows;
  const rels = new Map((await admin.query<{ node: string; name: string }>(`select relfilenode::text as node, relname as name from pg_class where relfilenode <> 0`)).rows.map((r) => [r.node, r.name]));
  const ours = new RegExp(`rel \\d+/${dbOid}/(\\d+)`);
  const xids = new Set<string>();
  const byRelation = new Map<string, number>();
  const byTable = new Map<string, number>();
  let heapInserts = 0, heapUpdates = 0, indexEntries = 0, walRecords = 0, walBytes = 0, commits = 0;
  for (const r of records) {
    const rel = r.refs && ours.exec(r.refs)?.[1];
    if (!rel) continue;
    if (r.xid !== '0') xids.add(r.xid);
    // WAL figures stay gross (idle pollers write almost none: a lease renewal a few times a minute).
    walRecords++;
    walBytes += r.len - r.fpi;
    const name = rels.get(rel) ?? `relfilenode ${rel}`;
    if (r.rm === 'Heap' && (r.type.startsWith('INSERT') || r.type === 'MULTI_INSERT')) heapInserts++;
    else if (r.rm === 'Heap' && (r.type === 'UPDATE' || r.type === 'HOT_UPDATE')) heapUpdates++;
    // A leaf insert, or a split whose record carries the new entry (INSERT_UPPER only adds a downlink).
    else if (r.rm === 'Btree' && (r.type === 'INSERT_LEAF' || r.type === 'INSERT_POST' || r.type.startsWith('SPLIT_'))) indexEntries++;
    else continue;
    (r.rm === 'Heap' ? byTable : byRelation).set(name, ((r.rm === 'Heap' ? byTable : byRelation).get(name) ?? 0) + 1);
  }
  for (const r of records) {
    if (r.rm === 'Transaction' && r.type.startsWith('COMMIT') && xids.has(r.xid)) {
      commits++;
      walRecords++;
      walBytes += r.len - r.fpi;
    }
  }
  const byKind = new Map<string, number>();
  for (const [text, c] of counts) if (c / n >= 0.05) byKind.set(kind(text), (byKind.get(kind(text)) ?? 0) + c);
  const per = (x: number) => x / n;
  return {
    statements: per([...counts.values()].reduce((a, b) => a + b, 0)),
    idlePerSecond: [...idle.values()].reduce((a, b) => a + b, 0) / idleSeconds,
    commits: per(commits),
    heapInserts: per(heapInserts),
    heapUpdates: per(heapUpdates),
    indexEntries: per(indexEntries),
    walRecords: per(walRecords),
    walBytes: per(walBytes),
    byStatement: [...byKind].map(([k, c]) => [k, per(c)] as [string, number]).sort((a, b) => b[1] - a[1]),
    texts: [...counts].map(([k, c]) => [k, per(c)] as [string, number]),
    byTable: [...byTable].map(([k, c]) => [k, per(c)] as [string, number]).sort((a, b) => b[1] - a[1]),
    byRelation: [...byRelation].map(([k, c]) => [k, per(c)] as [string, number]).sort((a, b) => b[1] - a[1]),
  };
}

/** Resolves with the statement counts once they have not moved for a second (background work a POST caused has run). */
async function quiet(server: Server): Promise<Map<string, number>> {
  let last = -1;
  for (let k = 0; k < 30; k++) {
    await sleep(1000);
    const counts = await statementsOf(server);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    if (total === last) return counts;
    last = total;
  }
  return statementsOf(server);
}

export async function pgWork(n: number, env: Record<string, string> = {}): Promise<{ pipework: Work; baseline: Work }> {
  const db = await benchDatabase('postgres');
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  let server: Server | undefined;
  try {
    try {
      await admin.query('create extension if not exists pg_walinspect');
      // A temporary slot keeps the run's WAL from being recycled before it is read (other databases write too).
      await admin.query(`select pg_create_physical_replication_slot('pipework_bench_' || pg_backend_pid(), true, true)`);
    } catch (err) {
      throw new Error(`pg-work reads the WAL with pg_walinspect (PostgreSQL 15+, contrib) and a temporary replication slot, as a superuser: ${(err as Error).message}`);
    }
    const dbOid = Number((await admin.query<{ oid: string }>('select oid::text from pg_database where datname = current_database()')).rows[0].oid);
    // Pipework creates the schema and the demo council, as on first start.
    // Retention (every 6 h, first a minute after start) is maintenance, not work a POST causes: off here.
    server = await startServer(here('../servers/pipework.ts'), { DATABASE_URL: db.url, RETENTION_INTERVAL_MINUTES: '0', ...env }, 60_000, [...START_FLAGS, ...hook]);
    const store = await openStore(db.url);
    const { key } = await createApiKey(store, 'bench');
    await store.close();
    const body = postBody(key);
    const pipework = await measure(admin, dbOid, server, body, n);
    await server.stop();
    server = await startServer(here('../servers/baseline.ts'), { DATABASE_URL: db.url }, 60_000, hook);
    const baseline = await measure(admin, dbOid, server, body, n);
    return { pipework, baseline };
  } finally {
    await server?.stop();
    await admin.end();
    await db.drop();
  }
}

const FIGURES: [keyof Work, string, string][] = [
  ['statements', 'statements', 'stmt'],
  ['commits', 'transactions committed', 'xact'],
  ['heapInserts', 'heap rows inserted', 'rows'],
  ['heapUpdates', 'heap rows updated', 'rows'],
  ['indexEntries', 'index entries inserted', 'entries'],
  ['walRecords', 'WAL records', 'records'],
  ['walBytes', 'WAL bytes (no full-page images)', 'B'],
];

export default async function ({ quick }: { quick: boolean }): Promise<BenchRow[]> {
  const n = quick ? 100 : 300;
  const { pipework, baseline } = await pgWork(n);
  const rows: BenchRow[] = [];
  const list = (xs: [string, number][]) => xs.map(([k, c]) => `${k} ${round(c)}`).join('; ');
  const noteFor = (key: keyof Work, w: Work) => (key === 'statements' ? list(w.byStatement) : key === 'indexEntries' ? list(w.byRelation) : key === 'heapInserts' ? list(w.byTable) : undefined);
  for (const [key, label, unit] of FIGURES) {
    const p = pipework[key] as number;
    const b = baseline[key] as number;
    const ratio = b ? p / b : p ? Infinity : 1;
    const counted = key === 'statements' || key === 'indexEntries' || key === 'walBytes';
    rows.push({ section, name: `${label} per POST, pipework`, value: round(p), unit, note: noteFor(key, pipework) });
    rows.push({ section, name: `${label} per POST, baseline`, value: round(b), unit, note: noteFor(key, baseline) });
    rows.push({ section, name: `${label} per POST, ratio`, value: round(ratio), unit: '×', ...(counted ? { target: `≤ ${TARGET}×`, met: ratio <= TARGET } : {}) });
  }
  rows.push({ section, name: 'statements a second while idle, pipework', value: round(pipework.idlePerSecond), unit: 'stmt/s', note: 'pollers and cache refreshes; not counted per POST above' });
  rows.push({ section, name: 'statements a second while idle, baseline', value: round(baseline.idlePerSecond), unit: 'stmt/s' });
  rows.forEach((r) => (r.note = [r.note, `${n} sequential POSTs, counted (not timed)`].filter(Boolean).join('; ')));
  return rows;
}
