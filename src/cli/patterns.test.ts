import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { freshDatabaseUrl } from '../../test/support/db.ts';
import { openStore } from '../store/index.ts';
import { seedDemo } from '../demo/seed.ts';

// `npx pipework patterns …` as a council's operator runs it: a separate process each time.
let db: Awaited<ReturnType<typeof freshDatabaseUrl>>;
const dir = mkdtempSync(join(tmpdir(), 'pipework-patterns-cli-'));
before(async () => {
  db = await freshDatabaseUrl();
  const store = await openStore(db.url);
  await seedDemo(store);
  await store.jurisdictions.upsert({ id: 'second', name: 'Second District Council' });
  await store.close();
});
after(() => db.drop());

function pipework(...args: string[]) {
  const res = spawnSync(process.execPath, ['bin/pipework.js', 'patterns', ...args], {
    env: { PATH: process.env.PATH!, DATABASE_URL: db.url, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

test('validate prints every problem as file:line: path: message and exits 1; good files exit 0', () => {
  const bad = join(dir, 'bad.yaml');
  const doc = YAML.parse(readFileSync('patterns/library/graffiti.yaml', 'utf8'));
  doc.questions[1].code = 'offensive';
  doc.lgsl_codes = [12345];
  writeFileSync(bad, YAML.stringify(doc));
  const broken = join(dir, 'broken.yaml');
  writeFileSync(broken, 'id: x\n  version: [\n');
  const res = pipework('validate', bad, broken, 'patterns/library/pothole.yaml');
  assert.equal(res.code, 1);
  assert.match(res.err, new RegExp(`${bad}:\\d+: questions\\[1\\]\\.code: "offensive" is already used by questions\\[0\\]`));
  assert.match(res.err, new RegExp(`${bad}:\\d+: lgsl_codes\\[0\\]: 12345 is not a code in the Local Government Service List`));
  assert.match(res.err, new RegExp(`${broken}:\\d+:\\d+: not valid YAML at line \\d+`));
  const ok = pipework('validate', 'patterns/library/pothole.yaml', 'patterns/library/missed_bin.yaml');
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /2 pattern\(s\) valid: pothole@1.0.0, missed_bin@1.0.0/);
});

test('export a bundle, import it into a second council, adopt, and diff against the origin', () => {
  const file = join(dir, 'set.yaml');
  const exported = pipework('export', 'pothole', 'street_light@1.0.0', '--jurisdiction', 'example', '--out', file);
  assert.equal(exported.code, 0, exported.err);
  const bundle = YAML.parse(readFileSync(file, 'utf8'));
  assert.deepEqual(bundle.patterns.map((p: { id: string }) => p.id), ['pothole', 'street_light']);

  const imported = pipework('import', file, '--jurisdiction', 'second');
  assert.equal(imported.code, 0, imported.err);
  assert.match(imported.out, /pothole@1.0.0 \(published\): created/);

  const adopted = pipework('adopt', 'street_light', '--jurisdiction', 'second', '--code', 'lights');
  assert.equal(adopted.code, 0, adopted.err);
  assert.match(adopted.out, /second: service lights now follows street_light@1.0.0/);

  // The council adapts the pattern in a file of its own and compares it with its origin.
  const mine = bundle.patterns[0];
  Object.assign(mine, { version: '1.1.0', lifecycle: 'draft', name: 'Pothole or sunken road' });
  mine.provenance = { publisher: 'Second District Council', licence: 'OGL-UK-3.0', derived_from: { id: 'pothole', version: '1.0.0' } };
  const mineFile = join(dir, 'mine.yaml');
  writeFileSync(mineFile, YAML.stringify(mine));
  const diff = pipework('diff', mineFile, '--jurisdiction', 'second');
  assert.equal(diff.code, 0, diff.err);
  assert.match(diff.out, /pothole@1.0.0 → pothole@1.1.0: \d+ change\(s\)/);
  assert.match(diff.out, /~ name: "Pothole" → "Pothole or sunken road"/);

  const notPublished = pipework('import', mineFile, '--jurisdiction', 'second');
  assert.equal(notPublished.code, 0, notPublished.err);
  assert.match(pipework('adopt', 'pothole@1.1.0', '--jurisdiction', 'second').err, /is a draft; publish it first/);
  assert.equal(pipework('publish', 'pothole@1.1.0', '--jurisdiction', 'second').code, 0);
  assert.match(pipework('list', '--jurisdiction', 'second').out, /pothole@1\.1\.0\tpublished\tPothole or sunken road/);
});

test('usage mistakes are clear and exit 64', () => {
  const none = pipework('validate');
  assert.equal(none.code, 64);
  assert.match(none.err, /needs at least one FILE/);
  const what = pipework('frobnicate');
  assert.equal(what.code, 64);
  assert.match(what.err, /patterns validate FILE…/);
  const missing = pipework('export', 'nope', '--jurisdiction', 'example');
  assert.equal(missing.code, 1);
  assert.match(missing.err, /No pattern nope in example's library/);
});
