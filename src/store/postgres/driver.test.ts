import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseUrl, freshStore } from '../../../test/support/db.ts';
import { seedDemo } from '../../demo/seed.ts';
import { submitRequest } from '../../core/requests/submit.ts';
import { MAX_NAMED, PREPARED, pgDriver, preparingClient, statementName } from './driver.ts';

// Hot statements marked PREPARED run as named statements (decision 0183), and keep working when a newer
// Pipework's migration changes a table under a running process.
const skip = !process.env.DATABASE_URL?.startsWith('postgres') && 'PostgreSQL only';
const prepared = `${PREPARED}select * from things where id = $1`;

/** A preparing client on a fresh database (its URL beside it) holding a table `things` of two rows, closed (and dropped) after the test. */
async function clientOnThings(t: TestContext) {
  const db = await freshDatabaseUrl();
  const client = new (preparingClient())({ connectionString: db.url });
  await client.connect();
  t.after(async () => {
    await client.end();
    await db.drop();
  });
  await client.query('create table things (id int primary key, name text)');
  await client.query("insert into things values (1, 'one'), (2, 'two')");
  return Object.assign(client, { databaseUrl: db.url });
}

test('a marked statement is prepared once on its connection; others are not', { skip }, async (t) => {
  const client = await clientOnThings(t);
  assert.deepEqual((await client.query(prepared, [1])).rows, [{ id: 1, name: 'one' }]);
  assert.deepEqual((await client.query(prepared, [2])).rows, [{ id: 2, name: 'two' }]);
  await client.query('select * from things where id = $1', [1]);
  const statements = (await client.query('select statement from pg_prepared_statements')).rows.map((r) => r.statement);
  assert.deepEqual(statements, [prepared]);
});

test('a connection prepares at most MAX_NAMED texts; the rest run unnamed and still answer', { skip }, async (t) => {
  const client = await clientOnThings(t);
  for (let k = 0; k < MAX_NAMED + 6; k++) assert.deepEqual((await client.query(`${PREPARED}select $1::int + ${k} as n`, [1])).rows, [{ n: 1 + k }]);
  assert.equal((await client.query('select count(*)::int as n from pg_prepared_statements')).rows[0].n, MAX_NAMED);
});

test('a prepared statement whose table changed under it is run again unnamed, and answers', { skip }, async (t) => {
  const client = await clientOnThings(t);
  await client.query(prepared, [1]);
  await client.query('alter table things add column colour text');
  assert.deepEqual((await client.query(prepared, [1])).rows, [{ id: 1, name: 'one', colour: null }]);
});

test('a prepared statement the server no longer has (as behind a connection pooler) is run again unnamed', { skip }, async (t) => {
  const client = await clientOnThings(t);
  await client.query(prepared, [1]);
  await client.query('deallocate all');
  assert.deepEqual((await client.query(prepared, [1])).rows, [{ id: 1, name: 'one' }]);
});

test('a name another client prepared on the same server connection (as behind a pooler) is run again unnamed', { skip }, async (t) => {
  const client = await clientOnThings(t);
  // What another client's Parse of the same text left on this server connection: the name, prepared already.
  await client.query(`prepare ${statementName(prepared)} as select * from things where id = $1`);
  assert.deepEqual((await client.query(prepared, [1])).rows, [{ id: 1, name: 'one' }]);
  assert.deepEqual((await client.query(prepared, [1])).rows, [{ id: 1, name: 'one' }]);
});

test('new requests are still stored after a migration adds a column while the store runs', { skip }, async (t) => {
  const store = await freshStore();
  t.after(() => store.close());
  await seedDemo(store);
  const report = () => submitRequest(store, { jurisdictionId: 'example', serviceCode: 'pothole', attributes: { depth: 'deep' }, location: { lat: '51.5', long: '-0.12' }, contact: {}, mediaUrls: [], source: 'test' });
  const first = await report();
  await store.db.schema.alterTable('service_requests').addColumn('from_a_newer_pipework', 'text').execute();
  const second = await report();
  assert.notEqual(second.id, first.id);
  assert.equal((await store.requests.get('example', second.id))?.serviceCode, 'pothole');
});

test("Kysely's rows are the objects pg itself makes: same keys in the same order, same values, a repeated name keeping its last value", { skip }, async (t) => {
  const client = await clientOnThings(t);
  const plain = new (pgDriver().Client)({ connectionString: client.databaseUrl });
  await plain.connect();
  await client.query('insert into things values (3, null)');
  const texts: [string, unknown[]][] = [
    ['select * from things order by id', []],
    [`${PREPARED}select id, name, id * 2 as id, now() - now() as gap from things where id >= $1 order by 1`, [2]],
    ['update things set name = name where id = $1', [1]],
    ['update things set name = $1 where id = 1 returning *', ['un']],
    ['select 1 as a; select 2 as b', []],
  ];
  const rowsOf = (r: unknown): unknown => (Array.isArray(r) ? r.map(rowsOf) : (r as { rows: unknown[] }).rows.map((row) => Object.entries(row as object)));
  try {
    for (const [text, values] of texts) assert.deepEqual(rowsOf(await client.query(text, values)), rowsOf(await plain.query(text.replace(PREPARED, ''), values)), text);
  } finally {
    // Before the database is dropped (t.after), which would end this connection with an error.
    await plain.end();
  }
});
