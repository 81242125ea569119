import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabaseUrl } from '../../test/support/db.ts';
import { pipework as run } from '../../test/support/cli.ts';
import { openStore } from '../store/index.ts';
import { seedDemo } from '../demo/seed.ts';

// `services import` through the real binary: a partial file merges into the services there; --replace takes the file as the whole definition.
let db: Awaited<ReturnType<typeof freshDatabaseUrl>>;
const dir = mkdtempSync(join(tmpdir(), 'pipework-services-cli-'));
before(async () => {
  db = await freshDatabaseUrl();
  const store = await openStore(db.url);
  await seedDemo(store);
  await store.close();
});
after(() => db.drop());

const pipework = (...args: string[]) => run(args, { DATABASE_URL: db.url });
const read = async (code: string) => {
  const store = await openStore(db.url);
  try {
    return await store.services.get('example', code);
  } finally {
    await store.close();
  }
};

test('a file with only active: false retires the service and keeps its questions, pattern and hints', async () => {
  const before = (await read('pothole'))!;
  const file = join(dir, 'retire.yaml');
  writeFileSync(file, 'services:\n  - code: pothole\n    active: false\n');
  const res = await pipework('services', 'import', file, '--jurisdiction', 'example');
  assert.equal(res.code, 0, res.err);
  assert.match(res.out, /Imported 1 service\(s\) into example \(0 new, 1 merged\)/);
  const after = (await read('pothole'))!;
  assert.equal(after.active, false);
  assert.deepEqual({ ...after, active: true }, before);
});

test('a partial entry that changes one question keeps the web hints of that question', async () => {
  const file = join(dir, 'name.json');
  writeFileSync(file, JSON.stringify({ services: [{ code: 'pothole', name: 'Potholes and road damage', active: true, attributes: [{ code: 'depth', datatype: 'singlevaluelist', required: true, description: 'How deep?', values: [{ key: 'deep', name: 'Deep' }] }] }] }));
  const res = await pipework('services', 'import', file, '--jurisdiction', 'example');
  assert.equal(res.code, 0, res.err);
  const s = (await read('pothole'))!;
  assert.equal(s.name, 'Potholes and road damage');
  assert.equal(s.active, true);
  assert.deepEqual(s.attributes.map((a) => a.code), ['depth']);
  assert.equal(s.attributes[0].description, 'How deep?');
  assert.equal(s.attributes[0].hint, 'A 4cm depth is about the height of a matchbox.');
  assert.ok(s.pattern);
});

test('a new service in a partial file must be complete; nothing is imported', async () => {
  const file = join(dir, 'new.yaml');
  writeFileSync(file, 'services:\n  - code: pothole\n    active: false\n  - code: brand_new\n    active: false\n');
  const res = await pipework('services', 'import', file, '--jurisdiction', 'example');
  assert.equal(res.code, 1);
  assert.match(res.err, /services\[1\]\.name: is required/);
  assert.match(res.err, /Nothing was imported/);
  assert.equal((await read('pothole'))!.active, true);
});

test('--replace takes each entry as the whole definition', async () => {
  const file = join(dir, 'replace.yaml');
  writeFileSync(file, 'services:\n  - code: pothole\n    name: Pothole\n');
  const partial = await pipework('services', 'import', file, '--jurisdiction', 'example', '--replace');
  assert.equal(partial.code, 0, partial.err);
  assert.match(partial.out, /1 replaced/);
  const s = (await read('pothole'))!;
  assert.deepEqual(s.attributes, []);
  assert.equal(s.pattern, undefined);
});
