import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledQuery, sql } from 'kysely';
import pg from 'pg';
import { freshDatabaseUrl } from '../../test/support/db.ts';
import { randomSearches } from '../../test/support/search-params.ts';
import { seedRequests, SERVICE_MIX } from '../../bench/seed.ts';
import { connect, migrate, openStore } from './index.ts';
import { searchRows, searchSql } from './request-search.ts';
import type { RequestQuery } from '../core/store.ts';

/**
 * The plan guard: GET requests must read one page through index ranges, never
 * a full scan, a skip-scan or a sort of every match — whatever filters a
 * client sends. 30,000 generated requests with fresh statistics are enough
 * for both planners to show their choice (the naive IN-list query below does
 * fall into the trap on this data). Timings at a million rows are in
 * `npm run bench`.
 */
const ROWS = 30_000;
const DAY = 86_400_000;
let db: Awaited<ReturnType<typeof freshDatabaseUrl>>;
let store: Awaited<ReturnType<typeof openStore>>;
let searches: RequestQuery[];

before(async () => {
  db = await freshDatabaseUrl();
  await seedRequests(db.url, ROWS);
  store = await openStore(db.url);
  const span = (await sql<{ lo: number; hi: number }>`select min(requested_at) as lo, max(requested_at) as hi from service_requests`.execute(store.db)).rows[0];
  searches = randomSearches({ jurisdictionId: 'example', serviceCodes: SERVICE_MIX.map(([c]) => c), from: Number(span.lo), to: Number(span.hi), maxId: ROWS }, 320);
});
after(async () => {
  await store?.close();
  await db?.drop();
});

const compiled = (q: RequestQuery) => searchSql(q, store.dialect === 'postgres')!.compile(store.db);

async function sqlitePlan(text: string, params: readonly unknown[]): Promise<string[]> {
  const res = await store.db.executeQuery(CompiledQuery.raw(`explain query plan ${text}`, [...params]));
  return (res.rows as { detail: string }[]).map((r) => r.detail);
}

interface PgNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Plan Rows': number;
  'Rows Removed by Filter'?: number;
  Plans?: PgNode[];
}
const nodes = (n: PgNode): PgNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

/** Problems with a PostgreSQL plan of one search; empty when it reads one page through index ranges. */
function pgProblems(plan: PgNode, ids: boolean): string[] {
  const all = nodes(plan);
  const problems: string[] = [];
  for (const n of all) {
    if (n['Relation Name'] === 'service_requests' && !/Index/.test(n['Node Type']) && !(ids && n['Node Type'] === 'Bitmap Heap Scan')) {
      problems.push(`${n['Node Type']} on service_requests`);
    }
    // A sort is fine over a handful of id lookups, never over the matches of a filter.
    if (n['Node Type'] === 'Sort' && !ids) problems.push(`Sort of ~${n['Plan Rows']} rows`);
  }
  if (plan['Node Type'] !== 'Limit') problems.push(`top node is ${plan['Node Type']}, not Limit`);
  return problems;
}

async function pgPlan(text: string, params: readonly unknown[]): Promise<PgNode> {
  const res = await store.db.executeQuery(CompiledQuery.raw(`explain (format json) ${text}`, [...params]));
  return (res.rows[0] as { 'QUERY PLAN': [{ Plan: PgNode }] })['QUERY PLAN'][0].Plan;
}

/**
 * The plan PostgreSQL gives a named statement once it stops planning with the values: it considers a
 * generic plan from the sixth execution on, and plan_cache_mode forces it here.
 */
async function genericPlan(client: pg.Client, text: string, params: readonly unknown[], { analyze = false } = {}): Promise<PgNode> {
  const literal = (v: unknown) => (typeof v === 'number' ? String(v) : client.escapeLiteral(String(v)));
  await client.query(`prepare generic as ${text}`);
  await client.query('set plan_cache_mode = force_generic_plan');
  try {
    const res = await client.query(`explain (${analyze ? 'analyze, ' : ''}format json) execute generic(${params.map(literal).join(', ')})`);
    return res.rows[0]['QUERY PLAN'][0].Plan;
  } finally {
    await client.query('reset plan_cache_mode');
    await client.query('deallocate generic');
  }
}

test('every one of 320 random filter sets reads through index ranges, newest first, with no sort', async () => {
  const failures: string[] = [];
  for (const q of searches) {
    const c = compiled(q);
    const ids = !!q.ids;
    if (store.dialect === 'sqlite') {
      const plan = await sqlitePlan(c.sql, c.parameters);
      const bad = plan.filter(
        (d) =>
          /^SCAN service_requests/.test(d) || // full table scan
          /ANY\(/.test(d) || // skip-scan
          (!ids && /TEMP B-TREE/.test(d)) || // sort of every match
          (/^SEARCH service_requests USING INDEX/.test(d) && !/requested_at>\? AND requested_at<\?/.test(d) && (q.from || q.to)), // window not a range
      );
      if (bad.length) failures.push(`${JSON.stringify(q)}\n    ${plan.join(' | ')}`);
    } else {
      const problems = pgProblems(await pgPlan(c.sql, c.parameters), ids);
      if (problems.length) failures.push(`${JSON.stringify(q)}\n    ${problems.join('; ')}`);
    }
  }
  assert.equal(failures.length, 0, `plans that fall into a trap:\n  ${failures.slice(0, 5).join('\n  ')}`);
});

test('PostgreSQL: a generic plan (after a named statement ran 6 times) is as good as a custom one', { skip: !process.env.DATABASE_URL?.startsWith('postgres') }, async () => {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const failures: string[] = [];
    for (const q of searches.filter((s) => !s.ids).slice(0, 40)) {
      const c = compiled(q);
      const problems = pgProblems(await genericPlan(client, c.sql, c.parameters), false);
      if (problems.length) failures.push(`${JSON.stringify(q)}: ${problems.join('; ')}`);
    }
    assert.equal(failures.length, 0, `generic plans that fall into a trap:\n  ${failures.slice(0, 5).join('\n  ')}`);
  } finally {
    await client.end();
  }
});

test("PostgreSQL: a list's services and statuses are in its prepared text: on a pilot's store of one service and one status, a generic plan without them reads every request in the window", { skip: !process.env.DATABASE_URL?.startsWith('postgres') }, async () => {
  const pilot = await freshDatabaseUrl();
  const one = connect(pilot.url, { poolSize: 1 });
  try {
    await migrate(one.db, pilot.url);
    const now = Date.now();
    await sql`insert into service_requests (jurisdiction_id, service_code, status, description, attributes, media_urls, source, requested_at, updated_at)
      select 'example', 'pothole', 'open', 'Pothole', '{}', '[]', 'test', ${now}::bigint - g.i * 30000, ${now}::bigint - g.i * 30000 from generate_series(1, 20000) as g(i)`.execute(one.db);
    await sql`analyze service_requests`.execute(one.db);
    const client = new pg.Client({ connectionString: pilot.url });
    await client.connect();
    // Requests read from an index range only to be thrown away: a page needs at most 50 from each range.
    const discarded = (plan: PgNode) => nodes(plan).reduce((n, p) => n + (p['Rows Removed by Filter'] ?? 0), 0);
    try {
      const window = [now - 7 * DAY, now];
      // The trap: the status a parameter, the plan made without it.
      const bare = 'select * from service_requests where jurisdiction_id = $1 and requested_at >= $2 and requested_at <= $3 and service_code = $4 and status = $5 order by requested_at desc, id desc limit 50';
      assert.ok(discarded(await genericPlan(client, bare, ['example', ...window, 'pothole', 'in_progress'], { analyze: true })) > 10_000, 'this data no longer shows the trap');
      // The store's own statement, for the filter FixMyStreet polls with.
      const q: RequestQuery = { jurisdictionId: 'example', serviceCodes: ['pothole'], statuses: ['open', 'in_progress'], from: new Date(window[0]), to: new Date(window[1]), page: 1, pageSize: 50 };
      const c = searchSql(q, true)!.compile(one.db);
      const plan = await genericPlan(client, c.sql, c.parameters, { analyze: true });
      assert.deepEqual(pgProblems(plan, false), []);
      assert.ok(discarded(plan) < 100, `${discarded(plan)} requests read and thrown away`);
      assert.equal((await searchRows(one.db, q)).length, 50);
      // A value of another shape stays a parameter: nothing a client sends is written into SQL.
      const odd = searchSql({ ...q, serviceCodes: ["pot'hole"] }, true)!.compile(one.db);
      assert.ok(!odd.sql.includes("pot'hole") && odd.parameters.includes("pot'hole"), odd.sql);
      assert.deepEqual(await searchRows(one.db, { ...q, serviceCodes: ["pot'hole"] }), []);
    } finally {
      await client.end();
    }
  } finally {
    await one.db.destroy();
    await pilot.drop();
  }
});

test('the data set shows the trap: a naive IN-list query sorts every match for some filters', async () => {
  let trapped = 0;
  for (const q of searches.filter((s) => (s.statuses?.length ?? 0) > 1 || (s.serviceCodes?.length ?? 0) > 1)) {
    let query = store.db.selectFrom('service_requests').selectAll().where('jurisdiction_id', '=', q.jurisdictionId);
    if (q.serviceCodes?.length) query = query.where('service_code', 'in', q.serviceCodes);
    if (q.statuses?.length) query = query.where('status', 'in', q.statuses);
    query = query.where('requested_at', '>=', q.from!.getTime()).where('requested_at', '<=', q.to!.getTime());
    const c = query.orderBy('requested_at', 'desc').orderBy('id', 'desc').limit(q.pageSize).offset((q.page - 1) * q.pageSize).compile();
    if (store.dialect === 'sqlite') {
      if ((await sqlitePlan(c.sql, c.parameters)).some((d) => /TEMP B-TREE/.test(d))) trapped++;
    } else if (pgProblems(await pgPlan(c.sql, c.parameters), false).length) trapped++;
  }
  assert.ok(trapped > 0, 'the naive query never sorted: the guard data set is too small to show plan choices');
});
