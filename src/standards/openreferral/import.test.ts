import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { demoApp } from '../../../test/support/app.ts';
import { freshStore } from '../../../test/support/db.ts';
import { assertOruk } from '../../../test/support/oruk.ts';
import { importDirectory, IMPORT_LIMITS } from './import.ts';
import { exportDirectory } from './export.ts';
import { flattenServices } from './flatten.ts';
import { fetchJson, FeedError } from './fetch-json.ts';

const FIXTURE = new URL('./fixtures/sample-directory.json', import.meta.url).pathname;
const sample = JSON.parse(readFileSync(FIXTURE, 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'oruk-import-'));
const file = (name: string, doc: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return path;
};

let store: Awaited<ReturnType<typeof freshStore>>;
before(async () => {
  store = await freshStore();
});
after(() => store.close());

/** Sorted by id and without empty arrays: the order of parts and an absent list are not information. */
function normal(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normal).sort((a: any, b: any) => String(a?.id).localeCompare(String(b?.id)));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => !(Array.isArray(x) && !x.length)).map(([k, x]) => [k, normal(x)]));
  return v;
}

test('an import exports again with every field it had, and importing twice keeps one copy', async () => {
  const first = await importDirectory(FIXTURE, store.directory);
  assert.deepEqual(first.problems, []);
  const again = await importDirectory(file('again.json', { contents: sample }), store.directory);
  assert.deepEqual(again.problems, []);
  const exported = await exportDirectory(store.directory);
  exported.forEach((s) => assertOruk('service', s));
  assert.deepEqual(normal(exported), normal(sample));
  const contacts = await store.db.selectFrom('directory_contacts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  assert.equal(Number(contacts.n), 1);
});

test('a service imported again with fewer parts loses the ones it no longer has', async () => {
  const changed = structuredClone(sample[0]);
  changed.contacts = [];
  changed.name = 'Riverside Food Bank (Tuesdays)';
  assert.deepEqual((await importDirectory(file('one.json', changed), store.directory)).problems, []);
  const [out] = (await exportDirectory(store.directory)).filter((s) => s.id === changed.id);
  assert.equal(out.name, 'Riverside Food Bank (Tuesdays)');
  assert.deepEqual(out.contacts, []);
  await importDirectory(FIXTURE, store.directory);
});

test('every problem is named by its JSON path, and nothing is imported when there is one', async () => {
  const bad = structuredClone(sample);
  bad[0].id = 'not-a-uuid';
  delete bad[1].name;
  bad[1].status = 'open';
  bad[2].contacts = [{ name: 'no id' }];
  bad[2].service_at_locations[0].location.addresses[0].country = 7;
  bad.push(structuredClone(sample[2]));
  const fresh = await freshStore();
  try {
    const { problems, saved } = await importDirectory(file('bad.json', bad), fresh.directory);
    assert.equal(saved, undefined);
    const paths = problems.map((p) => `${p.path}: ${p.message}`);
    for (const expected of [
      '$[0].id: must be a UUID',
      '$[1].name: is required',
      '$[1].status: must be one of "active", "inactive", "defunct", "temporarily closed"',
      '$[2].contacts[0].id: is required',
      '$[2].service_at_locations[0].location.addresses[0].country: must be a string',
      `$[3].id: repeats the id of $[2]`,
    ]) {
      assert.ok(paths.includes(expected), `${expected} in\n${paths.join('\n')}`);
    }
    assert.equal((await exportDirectory(fresh.directory)).length, 0);
    for (const [name, text, message] of [
      ['broken.json', '{"id":', /is not JSON/],
      ['missing.json', undefined, /cannot be read \(ENOENT\)/],
    ] as const) {
      const path = text === undefined ? join(dir, name) : file(name, text);
      const r = await importDirectory(path, fresh.directory);
      assert.match(r.problems[0].message, message);
    }
  } finally {
    await fresh.close();
  }
});

test('20 imports of the same directory at once leave one copy of each record', async () => {
  const records = flattenServices(sample);
  await Promise.all(Array.from({ length: 20 }, () => store.directory.save(records)));
  for (const table of ['directory_services', 'directory_contacts', 'directory_schedules', 'directory_service_at_locations', 'directory_attributes', 'directory_locations'] as const) {
    const { n } = await store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const expected = { directory_services: 3, directory_contacts: 1, directory_schedules: 2, directory_service_at_locations: 4, directory_attributes: 3, directory_locations: 3 }[table];
    assert.equal(Number(n), expected, table);
  }
});

test('a feed is read over HTTP: its root, every page, every service in full', async () => {
  const source = await demoApp();
  await importDirectory(FIXTURE, source.store.directory);
  await source.app.listen({ port: 0, host: '127.0.0.1' });
  const fresh = await freshStore();
  try {
    const url = `http://127.0.0.1:${(source.app.server.address() as AddressInfo).port}/openreferral/`;
    const { problems, saved } = await importDirectory(url, fresh.directory, { ...IMPORT_LIMITS, maxPages: 100 });
    assert.deepEqual(problems, []);
    const listed = JSON.parse((await source.app.inject('/openreferral/services')).body).total_items;
    assert.equal(saved?.services, listed);
    const full = JSON.parse((await source.app.inject(`/openreferral/services/${sample[0].id}`)).body);
    const [copied] = (await exportDirectory(fresh.directory)).filter((s) => s.id === sample[0].id);
    assert.deepEqual(normal(copied), normal(full));
  } finally {
    await fresh.close();
    await source.close();
  }
});

test('reading a feed is bounded: size, time and redirects', async () => {
  const server: Server = createServer((req, res) => {
    if (req.url === '/loop') return res.writeHead(302, { location: '/loop' }).end();
    if (req.url === '/big') return res.writeHead(200, { 'content-type': 'application/json' }).end(`"${'x'.repeat(5000)}"`);
    if (req.url === '/slow') return void setTimeout(() => res.end('[]'), 2000);
    if (req.url === '/ok') return res.writeHead(301, { location: '/final' }).end();
    if (req.url === '/final') return res.end('[1]');
    res.writeHead(500).end('oops');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const limits = { maxBytes: 1000, timeoutMs: 300, maxRedirects: 3 };
  try {
    assert.deepEqual((await fetchJson(`${base}/ok`, limits)).json, [1]);
    await assert.rejects(fetchJson(`${base}/loop`, limits), (e: Error) => e instanceof FeedError && /more than 3 redirects/.test(e.message));
    await assert.rejects(fetchJson(`${base}/big`, limits), (e: Error) => e instanceof FeedError && /more than the 1000/.test(e.message));
    await assert.rejects(fetchJson(`${base}/slow`, limits), (e: Error) => e instanceof FeedError && /within 300 ms/.test(e.message));
    await assert.rejects(fetchJson(`${base}/other`, limits), (e: Error) => e instanceof FeedError && /HTTP 500/.test(e.message));
    await assert.rejects(fetchJson('file:///etc/passwd', limits), (e: Error) => e instanceof FeedError && /only http and https/.test(e.message));
    const r = await importDirectory(`${base}/loop`, store.directory);
    assert.match(r.problems[0].message, /redirects/);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
