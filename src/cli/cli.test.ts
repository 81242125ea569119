import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabaseUrl } from '../../test/support/db.ts';
import { openStore } from '../store/index.ts';
import { hashKey } from '../core/access/api-keys.ts';

// The real command line, as a council's operator runs it: a separate process.
let db: Awaited<ReturnType<typeof freshDatabaseUrl>>;
const dir = mkdtempSync(join(tmpdir(), 'pipework-cli-'));
before(async () => {
  db = await freshDatabaseUrl();
});
after(() => db.drop());

function pipework(args: string[], env: Record<string, string> = {}) {
  const res = spawnSync(process.execPath, ['bin/pipework.js', ...args], {
    env: { PATH: process.env.PATH!, DATABASE_URL: db.url, LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

test('migrate creates the schema, then has nothing to do', () => {
  assert.match(pipework(['migrate']).out, /Applied 0001_core/);
  assert.match(pipework(['migrate']).out, /up to date/);
});

test('keys create prints the key alone on its last line; only its hash is stored; revoke ends it', async () => {
  const created = pipework(['keys', 'create', '--name', 'fixmystreet']);
  assert.equal(created.code, 0, created.err);
  const key = created.out.trim().split('\n').at(-1)!;
  assert.match(key, /^pw_[\w-]{43}$/);
  const store = await openStore(db.url);
  try {
    assert.equal((await store.apiKeys.findActiveByHash(hashKey(key)))?.name, 'fixmystreet');
    assert.ok(!JSON.stringify(await store.apiKeys.list()).includes(key));
    assert.match(pipework(['keys', 'list']).out, /fixmystreet\tclient\tpw_[\w-]+…/);
    assert.equal(pipework(['keys', 'revoke', 'fixmystreet']).code, 0);
    assert.equal(await store.apiKeys.findActiveByHash(hashKey(key)), undefined);
  } finally {
    await store.close();
  }
  const missing = pipework(['keys', 'create']);
  assert.equal(missing.code, 64);
  assert.match(missing.err, /--name/);
});

test('services import reports every problem with its path and imports nothing; a good file imports', async () => {
  const store = await openStore(db.url);
  await store.jurisdictions.upsert({ id: 'elmbridge', name: 'Elmbridge' });
  await store.close();
  const bad = join(dir, 'bad.yaml');
  writeFileSync(
    bad,
    [
      'services:',
      '  - code: potholes',
      '    name: Potholes',
      '    type: sometimes',
      '    attributes:',
      '      - { code: depth, datatype: colour, description: How deep? }',
      '      - { code: depth, datatype: singlevaluelist, description: Again }',
      '  - name: No code',
    ].join('\n'),
  );
  const res = pipework(['services', 'import', bad]);
  assert.equal(res.code, 1);
  assert.match(res.err, /services\[0\]\.type: must be one of realtime, batch, blackbox, got "sometimes"/);
  assert.match(res.err, /services\[0\]\.attributes\[0\]\.datatype: must be one of string/);
  assert.match(res.err, /services\[0\]\.attributes\[1\]\.code: "depth" appears twice/);
  assert.match(res.err, /services\[0\]\.attributes\[1\]\.values: a singlevaluelist needs at least one value/);
  assert.match(res.err, /services\[1\]\.code: is required/);
  assert.match(res.err, /Nothing was imported/);

  const broken = join(dir, 'broken.yaml');
  writeFileSync(broken, 'services:\n  - code: [unclosed\n');
  assert.match(pipework(['services', 'import', broken]).err, /broken\.yaml: not valid YAML/);

  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify([{ code: 'graffiti', name: 'Graffiti', lgsl_code: 584, attributes: [{ code: 'offensive', datatype: 'singlevaluelist', description: 'Offensive?', values: [{ key: 'yes', name: 'Yes' }] }] }]));
  assert.match(pipework(['services', 'import', good]).out, /Imported 1 service\(s\) into elmbridge/);
  const exported = pipework(['services', 'export', '--format', 'json']);
  assert.equal(JSON.parse(exported.out).services[0].lgsl_code, 584);
});

test('bad configuration and unknown commands stop with a clear message, not a stack trace', () => {
  const config = pipework(['migrate'], { PORT: 'eighty', DATABASE_URL: 'mysql://x' });
  assert.equal(config.code, 78);
  assert.match(config.err, /PORT must be a whole number, got "eighty"/);
  assert.match(config.err, /DATABASE_URL must be sqlite:PATH or postgres:/);
  assert.doesNotMatch(config.err, /at .*\.ts:\d+/);
  const unknown = pipework(['frobnicate']);
  assert.equal(unknown.code, 64);
  assert.match(unknown.err, /Unknown command "frobnicate"/);
});
