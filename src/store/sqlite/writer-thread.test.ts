import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { freshDatabaseUrl } from '../../../test/support/db.ts';
import { openStore } from '../index.ts';
import { seedDemo } from '../../demo/seed.ts';

// The SQLite writer thread beside writes on the main connection, for real: a file, two connections, one process.

const newRequest = (n: number) => ({
  jurisdictionId: 'example', serviceCode: 'pothole', description: `Hole ${n}`, attributes: { depth: 'deep' },
  location: { lat: 51.5, long: -0.12 }, contact: { email: `r${n}@example.org` }, mediaUrls: [], source: 'test',
});

test('new requests in the thread and read-then-write transactions on the main connection at once: all commit, none waits out busy_timeout', { skip: !process.env.DATABASE_URL?.startsWith('postgres') ? false : 'SQLite only' }, async () => {
  const { url, drop } = await freshDatabaseUrl();
  const store = await openStore(url);
  try {
    await seedDemo(store);
    await sql`create table tally (n integer not null)`.execute(store.db);
    await sql`insert into tally (n) values (0)`.execute(store.db);
    const started = performance.now();
    // Each transaction reads and then writes: with a deferred BEGIN and another connection committing in
    // between, SQLite would refuse its write outright (SQLITE_BUSY_SNAPSHOT); the thread is held off instead.
    const bumps = Array.from({ length: 200 }, () =>
      store.db.transaction().execute(async (trx) => {
        const { n } = (await sql<{ n: number }>`select n from tally`.execute(trx)).rows[0];
        await new Promise((r) => setImmediate(r));
        await sql`update tally set n = ${n + 1}`.execute(trx);
      }),
    );
    const creates = Array.from({ length: 1000 }, (_, n) => store.requests.create(newRequest(n)));
    const autocommits = Array.from({ length: 100 }, (_, n) => sql`insert into tally (n) values (${-1 - n})`.execute(store.db));
    const results = await Promise.allSettled([...bumps, ...creates, ...autocommits]);
    const failed = results.filter((r) => r.status === 'rejected');
    assert.equal(failed.length, 0, String((failed[0] as PromiseRejectedResult | undefined)?.reason));
    assert.ok(performance.now() - started < 5000, 'nothing waited out the 5 s busy timeout');
    assert.equal((await sql<{ n: number }>`select max(n) as n from tally`.execute(store.db)).rows[0].n, 200);
    assert.equal((await sql<{ c: number }>`select count(*) as c from tally where n < 0`.execute(store.db)).rows[0].c, 100);
    const ids = (await Promise.all(creates)).map((r) => Number(r.id));
    assert.equal(new Set(ids).size, 1000);
    assert.equal((await sql<{ c: number }>`select count(*) as c from service_requests`.execute(store.db)).rows[0].c, 1000);
    // Each request's linked rows went with it: its contact and its event.
    assert.equal((await sql<{ c: number }>`select count(*) as c from request_contacts`.execute(store.db)).rows[0].c, 1000);
    assert.equal((await sql<{ c: number }>`select count(distinct request_id) as c from events where type like '%created%'`.execute(store.db)).rows[0].c, 1000);
  } finally {
    await store.close();
    await drop();
  }
});

test('a request the database refuses fails alone; the others of its batch are written', { skip: !process.env.DATABASE_URL?.startsWith('postgres') ? false : 'SQLite only' }, async () => {
  const { url, drop } = await freshDatabaseUrl();
  const store = await openStore(url);
  try {
    await seedDemo(store);
    // Requests 7 and 8 carry one client's idempotency key: the unique index lets the first in.
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, n) => store.requests.create(n === 7 || n === 8 ? { ...newRequest(n), idempotencyKey: 'k-1' } : newRequest(n))),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 19);
    assert.equal(results[7].status, 'fulfilled');
    assert.match(String((results[8] as PromiseRejectedResult).reason?.message), /UNIQUE/);
    assert.equal((await sql<{ c: number }>`select count(*) as c from service_requests`.execute(store.db)).rows[0].c, 19);
  } finally {
    await store.close();
    await drop();
  }
});
