import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../app.ts';
import { openStore } from './index.ts';
import { seedDemo } from '../demo/seed.ts';
import { freshDatabaseUrl, testConfig } from '../../test/support/db.ts';

// Two stores on one database stand for two Pipework processes (PIPEWORK_WORKERS, or two machines):
// what one changes or counts, the other sees, with nothing shared in memory.

const postgres = process.env.DATABASE_URL?.startsWith('postgres');
let db: Awaited<ReturnType<typeof freshDatabaseUrl>>;
let a: Awaited<ReturnType<typeof openStore>>;
let b: Awaited<ReturnType<typeof openStore>>;

before(async () => {
  db = await freshDatabaseUrl();
  // A minute-long cache: only the other process's notice (or SQLite's data_version) can clear it in time.
  a = await openStore(db.url, { catalogueCacheMs: 60_000 });
  b = await openStore(db.url, { catalogueCacheMs: 60_000 });
  await seedDemo(a);
});
after(async () => {
  await a.close();
  await b.close();
  await db.drop();
});

async function eventually(check: () => Promise<boolean>, ms = 3000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

test('a service changed by one process is seen by the other at once, not after its cache expires', async () => {
  assert.equal((await b.services.get('example', 'pothole'))?.active, true);
  const pothole = (await a.services.get('example', 'pothole'))!;
  await a.services.upsert({ ...pothole, active: false });
  assert.ok(await eventually(async () => (await b.services.get('example', 'pothole'))?.active === false), 'the other process still serves the old service');
  await a.services.upsert({ ...pothole, active: true });
  assert.ok(await eventually(async () => (await b.services.get('example', 'pothole'))?.active === true));
});

test('a route saved by one process moves the other\'s next request', async () => {
  assert.equal((await b.routing.routeFor('example', 'graffiti'))?.primary ?? 'builtin', 'builtin');
  await a.routing.saveBackend({ name: 'hook', kind: 'webhook', config: { url: 'http://127.0.0.1:9/none', secret: 'x'.repeat(32) } }, 'test');
  await a.routing.save({ jurisdictionId: 'example', serviceCode: 'graffiti' }, { jurisdictionId: 'example', serviceCode: 'graffiti', primary: 'hook', canaryPercent: 0 }, { action: 'set', actor: 'test' });
  assert.ok(await eventually(async () => (await b.routing.routeFor('example', 'graffiti'))?.primary === 'hook'));
});

test('a resident web limit is one limit across processes on PostgreSQL', { skip: !postgres && 'SQLite is served by one process, which counts in memory' }, async () => {
  const config = testConfig(db.url, { webTrackLimitPerMinute: 3 });
  const one = await buildApp(config, { store: a });
  const two = await buildApp(config, { store: b });
  try {
    const track = (app: typeof one) => app.inject({ url: '/track?reference=999999', remoteAddress: '198.51.100.7', headers: { accept: 'text/html' } });
    // Two at once on each: the counter is one row, counted in one statement each.
    const first = await Promise.all([track(one), track(two), track(one)]);
    // A number no resident was given is refused (400); what matters here is that it is counted.
    assert.deepEqual(first.map((r) => r.statusCode), [400, 400, 400]);
    assert.equal((await track(two)).statusCode, 429);
    assert.equal((await track(one)).statusCode, 429);
    // Another address has its own window.
    assert.equal((await two.inject({ url: '/track?reference=999999', remoteAddress: '198.51.100.8', headers: { accept: 'text/html' } })).statusCode, 400);
  } finally {
    await one.close();
    await two.close();
  }
});

test('the window starts again once it has ended', { skip: !postgres && 'SQLite counts in memory' }, async () => {
  const start = new Date('2026-12-01T12:00:00Z');
  const key = 'test|window';
  assert.equal((await a.rateLimits!.hit(key, 60_000, start)).hits, 1);
  assert.equal((await b.rateLimits!.hit(key, 60_000, new Date(start.getTime() + 59_999))).hits, 2);
  const next = await a.rateLimits!.hit(key, 60_000, new Date(start.getTime() + 60_000));
  assert.deepEqual(next, { hits: 1, resetAt: new Date(start.getTime() + 120_000) });
});
