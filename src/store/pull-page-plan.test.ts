import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledQuery, sql } from 'kysely';
import { freshDatabaseUrl } from '../../test/support/db.ts';
import { seedRequests } from '../../bench/seed.ts';
import { openStore } from './index.ts';
import { pageRangeSql, unparkSql, PARKED } from './pull-page.ts';

/**
 * The plan guard of a paged pull's page (`toCheck`) at 110,000 requests
 * (about 104,000 open), every one delivered to one pulling back-end: each
 * part reads an index range and stops at the page, with no sort and no scan
 * of the back-end's rows, on both planners (fresh statistics).
 */
const ROWS = 110_000;
let db: Awaited<ReturnType<typeof freshDatabaseUrl>>;
let store: Awaited<ReturnType<typeof openStore>>;

before(async () => {
  db = await freshDatabaseUrl();
  await seedRequests(db.url, ROWS);
  store = await openStore(db.url);
  const pg = store.dialect === 'postgres';
  await sql.raw(`update service_requests set status = 'open' where id % 20 <> 0`).execute(store.db);
  // One delivered job each at "county": a tenth never checked, the rest checked over the last day; a few closed ones parked.
  const now = Date.now();
  await sql
    .raw(
      `insert into deliveries (request_id, jurisdiction_id, service_code, backend, role, kind, update_id, idempotency_key, state, attempts, due_at, locked_by, external_ref, last_error, created_at, delivered_at, note, checked_at)
       select id, jurisdiction_id, service_code, 'county', 'primary', 'request', null, 'k-' || id, 'delivered', 1, ${now}, null, 'R-' || id, null, requested_at, requested_at, null,
         case when id % 10 = 3 then null when status in ('closed', 'fixed') and id % 7 = 0 then ${PARKED} else ${now} - (id * 7919 % 86400000) end
       from service_requests`,
    )
    .execute(store.db);
  await sql.raw(pg ? 'analyze' : 'analyze').execute(store.db);
});
after(async () => {
  await store?.close();
  await db?.drop();
});

async function plan(q: { compile(): CompiledQuery }): Promise<string> {
  const c = q.compile();
  if (store.dialect === 'sqlite') {
    const res = await store.db.executeQuery(CompiledQuery.raw(`explain query plan ${c.sql}`, [...c.parameters]));
    return (res.rows as { detail: string }[]).map((r) => r.detail).join('\n');
  }
  const res = await store.db.executeQuery(CompiledQuery.raw(`explain ${c.sql}`, [...c.parameters]));
  return (res.rows as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n');
}

test('the page: never-checked rows, then the least recently checked, each an index range with no sort', async () => {
  for (const range of ['never', 'oldest'] as const) {
    const p = await plan(pageRangeSql(store.db, 'county', range, 1000));
    if (store.dialect === 'sqlite') {
      assert.match(p, /SEARCH d USING INDEX deliveries_to_check \(backend=\? AND checked_at/, `${range}:\n${p}`);
      assert.match(p, /SEARCH r USING INTEGER PRIMARY KEY/, `${range}:\n${p}`);
      assert.doesNotMatch(p, /TEMP B-TREE|SCAN d\b|SCAN r\b/, `${range}:\n${p}`);
    } else {
      assert.match(p, /Index Scan using deliveries_to_check on deliveries d/, `${range}:\n${p}`);
      assert.doesNotMatch(p, /Sort|Seq Scan on deliveries/, `${range}:\n${p}`);
    }
  }
});

test('unparking reads the requests changed within the grace, not every parked row', async () => {
  const p = await plan(unparkSql(store.db, 'county', Date.now() - 3 * 86_400_000));
  // Either side may drive (the planner takes the smaller range: recent changes, or this back-end's parked rows); neither is scanned.
  if (store.dialect === 'sqlite') {
    assert.match(p, /SEARCH (r USING (COVERING )?INDEX service_requests_by_update \(updated_at>\?\)|d USING INDEX deliveries_to_check \(backend=\? AND checked_at=\?\))/, p);
    assert.doesNotMatch(p, /SCAN d\b|SCAN r\b|SCAN deliveries\b/, p);
  } else {
    assert.match(p, /service_requests_by_update|deliveries_to_check/, p);
    assert.doesNotMatch(p, /Seq Scan on deliveries|Seq Scan on service_requests/, p);
  }
});

test('at this size a page is read in milliseconds, and closed cases beyond the grace are parked, not stepped over again', async () => {
  const t0 = performance.now();
  const page = await store.deliveries.toCheck('county', { limit: 1000, graceMs: 72 * 3_600_000 });
  const ms = performance.now() - t0;
  assert.ok(page.length > 900, `page of ${page.length}`);
  // The closed ones in that range were parked: the next page starts after them, none of this page again.
  const parked = Number((await sql<{ n: number }>`select count(*) as n from deliveries where checked_at = ${PARKED}`.execute(store.db)).rows[0].n);
  await store.deliveries.markChecked(page.map((d) => d.id), Date.now());
  const next = await store.deliveries.toCheck('county', { limit: 1000, graceMs: 72 * 3_600_000 });
  const seen = new Set(page.map((d) => d.id));
  assert.ok(next.every((d) => !seen.has(d.id)));
  assert.ok(parked > 0);
  console.log(`# toCheck, 1000 of ${ROWS} on ${store.dialect}: ${ms.toFixed(1)} ms`);
});
