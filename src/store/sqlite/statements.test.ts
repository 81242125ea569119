import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type Generated } from 'kysely';
import { kyselySqlite } from './statements.ts';

const TRICKY = `a"b\\c}); globalThis.hacked = 1; ({"`;

test('rows built from arrays equal better-sqlite3 row objects: keys in order, odd names, repeats, nulls, blobs', () => {
  const sqlite = new SqliteDatabase(':memory:');
  sqlite.exec(`create table t (id integer primary key, name text, data blob, n real); insert into t values (1, 'one', x'00ff', 1.5), (2, null, null, null)`);
  const text = `select id, name, data, n, id * 10 as "${TRICKY.replaceAll('"', '""')}", name as id, 'x' as "" from t order by id`;
  const expected = sqlite.prepare(text).all();
  const rows = kyselySqlite(sqlite).prepare(text).all([]);
  assert.deepEqual(rows, expected);
  assert.deepEqual(rows.map((r) => Object.keys(r as object)), expected.map((r) => Object.keys(r as object)));
  assert.equal((globalThis as { hacked?: number }).hacked, undefined);
  sqlite.close();
});

test('a statement prepared before another connection adds a column returns the new column too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipework-statements-'));
  try {
    const path = join(dir, 'db.sqlite');
    const sqlite = new SqliteDatabase(path);
    sqlite.exec(`create table t (id integer primary key, name text); insert into t values (1, 'one')`);
    const db = kyselySqlite(sqlite);
    assert.deepEqual(db.prepare('select * from t').all([]), [{ id: 1, name: 'one' }]);
    const other = new SqliteDatabase(path);
    other.exec(`alter table t add column colour text default 'red'`);
    other.close();
    assert.deepEqual(db.prepare('select * from t').all([]), [{ id: 1, name: 'one', colour: 'red' }]);
    sqlite.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('through Kysely: selects, streams, and writes with and without returning', async () => {
  const sqlite = new SqliteDatabase(':memory:');
  const db = new Kysely<{ t: { id: Generated<number>; name: string | null } }>({ dialect: new SqliteDialect({ database: kyselySqlite(sqlite) }) });
  await sql`create table t (id integer primary key, name text)`.execute(db);
  const inserted = await db.insertInto('t').values([{ name: 'a' }, { name: 'b' }, { name: null }]).returningAll().execute();
  assert.deepEqual(inserted, [{ id: 1, name: 'a' }, { id: 2, name: 'b' }, { id: 3, name: null }]);
  const select = db.selectFrom('t').selectAll().orderBy('id');
  assert.deepEqual(await select.execute(), inserted);
  const streamed: unknown[] = [];
  for await (const row of select.stream()) streamed.push(row);
  assert.deepEqual(streamed, inserted);
  const updated = await db.updateTable('t').set({ name: 'c' }).where('id', '=', 3).executeTakeFirst();
  assert.equal(updated.numUpdatedRows, 1n);
  assert.deepEqual(await db.selectFrom('t').select('name').where('id', '=', 3).executeTakeFirstOrThrow(), { name: 'c' });
  await db.destroy();
});

test('the same SQL while its statement is being iterated gets a statement of its own', () => {
  const sqlite = new SqliteDatabase(':memory:');
  sqlite.exec(`create table t (id integer primary key); insert into t values (1), (2)`);
  const db = kyselySqlite(sqlite);
  const seen: unknown[] = [];
  for (const row of db.prepare('select id from t order by id').iterate([])) {
    seen.push(row, db.prepare('select id from t order by id').all([]));
  }
  assert.deepEqual(seen, [{ id: 1 }, [{ id: 1 }, { id: 2 }], { id: 2 }, [{ id: 1 }, { id: 2 }]]);
  sqlite.close();
});
