import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { freshDatabaseUrl } from '../../test/support/db.ts';
import { pipework as run } from '../../test/support/cli.ts';
import { openStore } from '../store/index.ts';
import { hashKey } from '../core/access/api-keys.ts';

// The real command line, as a council's operator runs it: bin/pipework.js in a separate process.
// One database for the whole file; calls that do not depend on each other run at once.
let db: Awaited<ReturnType<typeof freshDatabaseUrl>>;
const dir = mkdtempSync(join(tmpdir(), 'pipework-cli-'));
before(async () => {
  db = await freshDatabaseUrl();
});
after(() => db.drop());

const pipework = (args: string[], env: Record<string, string> = {}) => run(args, { DATABASE_URL: db.url, ...env });

test('migrate creates the schema, then has nothing to do', async () => {
  const first = await pipework(['migrate']);
  assert.equal(first.code, 0, first.err);
  assert.match(first.out, /Applied 0001_core/);
  const again = await pipework(['migrate']);
  assert.equal(again.code, 0);
  assert.match(again.out, /up to date/);
});

test('version, help and usage mistakes: exit 0 for help, 64 (EX_USAGE) with the usage for a mistake, 78 for bad configuration', async () => {
  const [version, help, bare, unknown, badFlag, stray, unknownSub, subHelp, config] = await Promise.all([
    pipework(['version']),
    pipework(['--help']),
    pipework([]),
    pipework(['frobnicate']),
    pipework(['keys', 'create', '--name', 'x', '--frob']),
    pipework(['migrate', 'now']),
    pipework(['routes', 'fly']),
    // Help needs no database and no valid configuration.
    pipework(['routes', 'canary', '--help'], { DATABASE_URL: 'mysql://x' }),
    pipework(['migrate'], { PORT: 'eighty', DATABASE_URL: 'mysql://x' }),
  ]);
  assert.equal(version.code, 0, version.err);
  assert.equal(version.out.trim(), JSON.parse(readFileSync('package.json', 'utf8')).version);

  assert.equal(help.code, 0);
  assert.match(help.out, /^Usage: npx pipework <command>/);
  for (const name of ['serve', 'migrate', 'version', 'keys', 'services', 'deliveries', 'routes', 'migration', 'cases', 'patterns']) assert.match(help.out, new RegExp(`^  ${name} `, 'm'));
  assert.equal(bare.code, 64);
  assert.match(bare.err, /^Usage: npx pipework <command>/);

  assert.equal(unknown.code, 64);
  assert.match(unknown.err, /Unknown command "frobnicate"/);
  assert.equal(badFlag.code, 64);
  assert.match(badFlag.err, /Unknown option '--frob'[\s\S]*Usage:\n  npx pipework keys create --name NAME/);
  assert.equal(stray.code, 64);
  assert.match(stray.err, /Unexpected argument "now"/);
  assert.equal(unknownSub.code, 64);
  assert.match(unknownSub.err, /Unknown sub-command "routes fly"[\s\S]*npx pipework routes promote SERVICE/);
  for (const r of [bare, unknown, badFlag, stray, unknownSub]) assert.doesNotMatch(r.err, /at .*\.ts:\d+/, 'no stack trace');

  assert.equal(subHelp.code, 0, subHelp.err);
  assert.equal(subHelp.out.split('\n').filter((l) => l.startsWith('  npx pipework')).length, 2, 'only the canary lines');

  assert.equal(config.code, 78);
  assert.match(config.err, /PORT must be a whole number, got "eighty"/);
  assert.match(config.err, /DATABASE_URL must be sqlite:PATH or postgres:/);
  assert.doesNotMatch(config.err, /at .*\.ts:\d+/);
});

test('keys: create prints the key alone on its last line, only its hash is stored; revoke takes an id, never a shared name', async () => {
  // A rotation: the new key has the old one's name.
  const [old, fresh] = [await pipework(['keys', 'create', '--name', 'fixmystreet']), await pipework(['keys', 'create', '--name', 'fixmystreet', '--admin'])];
  assert.equal(old.code, 0, old.err);
  assert.equal(fresh.code, 0, fresh.err);
  const oldKey = old.out.trim().split('\n').at(-1)!;
  const freshKey = fresh.out.trim().split('\n').at(-1)!;
  assert.match(oldKey, /^pw_[\w-]{43}$/);
  const store = await openStore(db.url);
  try {
    const oldId = (await store.apiKeys.findActiveByHash(hashKey(oldKey)))!.id;
    const freshId = (await store.apiKeys.findActiveByHash(hashKey(freshKey)))!.id;
    assert.ok(!JSON.stringify(await store.apiKeys.list()).includes(oldKey));
    const list = await pipework(['keys', 'list']);
    assert.match(list.out, new RegExp(`^${oldId}\\tfixmystreet\\tclient\\tpw_[\\w-]+…`, 'm'));
    assert.match(list.out, new RegExp(`^${freshId}\\tfixmystreet\\tadmin\\t`, 'm'));

    const byName = await pipework(['keys', 'revoke', 'fixmystreet']);
    assert.equal(byName.code, 64);
    assert.match(byName.err, new RegExp(`takes a key's ID, not its name. Active keys named "fixmystreet": ${oldId} \\(created [^)]+\\), ${freshId} `));
    assert.ok(await store.apiKeys.findActiveByHash(hashKey(oldKey)), 'a name revokes nothing');

    const revoked = await pipework(['keys', 'revoke', String(oldId)]);
    assert.equal(revoked.code, 0, revoked.err);
    assert.match(revoked.out, new RegExp(`Revoked key ${oldId}\\.`));
    assert.equal(await store.apiKeys.findActiveByHash(hashKey(oldKey)), undefined);
    assert.equal((await store.apiKeys.findActiveByHash(hashKey(freshKey)))?.id, freshId, 'the new key of the same name still works');

    const [again, missing, nameless] = await Promise.all([pipework(['keys', 'revoke', String(oldId)]), pipework(['keys', 'create']), pipework(['keys', 'revoke', 'nobody'])]);
    assert.equal(again.code, 1);
    assert.match(again.err, new RegExp(`No active key with ID ${oldId}`));
    assert.equal(missing.code, 64);
    assert.match(missing.err, /--name/);
    assert.equal(nameless.code, 64);
    assert.match(nameless.err, /no active key is named "nobody"/);
  } finally {
    await store.close();
  }
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
  const broken = join(dir, 'broken.yaml');
  writeFileSync(broken, 'services:\n  - code: [unclosed\n');
  const [res, brokenRes, wrongJurisdiction] = await Promise.all([
    pipework(['services', 'import', bad]),
    pipework(['services', 'import', broken]),
    pipework(['services', 'export', '--jurisdiction', 'atlantis']),
  ]);
  assert.equal(res.code, 1);
  assert.match(res.err, /services\[0\]\.type: must be one of realtime, batch, blackbox, got "sometimes"/);
  assert.match(res.err, /services\[0\]\.attributes\[0\]\.datatype: must be one of string/);
  assert.match(res.err, /services\[0\]\.attributes\[1\]\.code: "depth" appears twice/);
  assert.match(res.err, /services\[0\]\.attributes\[1\]\.values: a singlevaluelist needs at least one value/);
  assert.match(res.err, /services\[1\]\.code: is required/);
  assert.match(res.err, /Nothing was imported/);
  assert.equal(brokenRes.code, 1);
  assert.match(brokenRes.err, /broken\.yaml: not valid YAML/);
  // The core decides which jurisdiction; the command line words it as a usage mistake.
  assert.equal(wrongJurisdiction.code, 64);
  assert.match(wrongJurisdiction.err, /No jurisdiction "atlantis". Known: elmbridge/);

  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify([{ code: 'graffiti', name: 'Graffiti', lgsl_code: 584, attributes: [{ code: 'offensive', datatype: 'singlevaluelist', description: 'Offensive?', values: [{ key: 'yes', name: 'Yes' }] }] }]));
  const imported = await pipework(['services', 'import', good]);
  assert.equal(imported.code, 0, imported.err);
  assert.match(imported.out, /Imported 1 service\(s\) into elmbridge/);
  const exported = await pipework(['services', 'export', '--format', 'json']);
  assert.equal(exported.code, 0, exported.err);
  assert.equal(JSON.parse(exported.out).services[0].lgsl_code, 584);
});

test('serve answers over HTTP, and stops with exit 0 on SIGTERM', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
  const child = spawn(process.execPath, ['bin/pipework.js', 'serve'], {
    env: { PATH: process.env.PATH!, DATABASE_URL: db.url, LOG_LEVEL: 'silent', PORT: String(port), HOST: '127.0.0.1', RELAY_ENABLED: 'false' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const end = Date.now() + 90_000;
    let health: Response | undefined;
    while (!health && Date.now() < end && child.exitCode === null) {
      health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
      if (!health) await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(health?.status, 200, `serve did not come up: ${err}`);
    // The same database the commands above wrote: the service imported by services import is served.
    const services = await fetch(`http://127.0.0.1:${port}/open311/v2/services.json`);
    assert.equal(services.status, 200);
    assert.ok(((await services.json()) as { service_code: string }[]).some((s) => s.service_code === 'graffiti'));
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, err);
});
