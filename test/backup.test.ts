import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freshDatabaseUrl, freshStore } from './support/db.ts';
import { serveProcess } from './support/serve.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { createApiKey } from '../src/core/access/api-keys.ts';
import { openStore } from '../src/store/index.ts';

const run = promisify(execFile);
/** The real binary, without blocking this process (the load goes on meanwhile). */
const pipework = (args: string[], databaseUrl: string) =>
  run(process.execPath, ['bin/pipework.js', ...args], { env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' }, timeout: 60_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string }),
  );

test('a backup taken under load, restored into a new database, holds every request acknowledged before it began', async () => {
  const store = await freshStore();
  await seedDemo(store);
  const { key } = await createApiKey(store, 'load');
  const server = await serveProcess({ DATABASE_URL: store.url, RELAY_ENABLED: 'true' });
  const file = join(mkdtempSync(join(tmpdir(), 'pipework-backup-')), store.dialect === 'sqlite' ? 'backup.db' : 'backup.pgdump');
  const target = await freshDatabaseUrl();
  const acknowledged: string[] = [];
  let sending = true;
  const client = async () => {
    // Bounded: at most 2,000 requests or 30 s per client, whichever comes first.
    for (let i = 0, until = Date.now() + 30_000; sending && i < 2000 && Date.now() < until; i++) {
      const res = await fetch(`${server.url}/open311/v2/requests.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ api_key: key, service_code: 'pothole', lat: '51.5', long: '-0.12', 'attribute[depth]': 'deep', description: `Backup load ${i}` }),
      });
      if (res.status === 200) acknowledged.push((await res.json())[0].service_request_id);
    }
  };
  try {
    const clients = Array.from({ length: 8 }, client);
    while (acknowledged.length < 200) await new Promise((r) => setTimeout(r, 10));
    const before = [...acknowledged];
    const backup = await pipework(['backup', file], store.url);
    const during = acknowledged.length - before.length;
    sending = false;
    await Promise.all(clients);
    assert.equal(backup.code, 0, backup.stderr);
    assert.ok(during > 0, 'requests kept being acknowledged while the backup ran');

    if (store.dialect === 'sqlite') {
      // Restoring over a database that is serving is refused.
      const busy = await pipework(['restore', file], store.url);
      assert.equal(busy.code, 1);
      assert.match(busy.stderr, /is using .*; stop it before restoring/);
    }
    const restored = await pipework(['restore', file], target.url);
    assert.equal(restored.code, 0, restored.stderr);
    const copy = await openStore(target.url);
    try {
      const ids = new Set((await copy.db.selectFrom('service_requests').select('id').execute()).map((r) => String(r.id)));
      assert.deepEqual(before.filter((id) => !ids.has(id)), [], 'every request acknowledged before the backup is in it');
    } finally {
      await copy.close();
    }
  } finally {
    sending = false;
    server.child.kill('SIGKILL');
    await store.close();
    await target.drop();
  }
});

test('restore refuses a file that is not a backup, and backup never overwrites a file', async () => {
  const store = await freshStore();
  const dir = mkdtempSync(join(tmpdir(), 'pipework-backup-'));
  try {
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'not a database at all');
    const res = await pipework(['restore', junk], store.url);
    assert.equal(res.code, 1);
    assert.match(res.stderr, store.dialect === 'sqlite' ? /is not a Pipework SQLite backup/ : /pg_restore failed/);
    const again = await pipework(['backup', junk], store.url);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);
    const usage = await pipework(['backup'], store.url);
    assert.equal(usage.code, 64);
  } finally {
    await store.close();
  }
});
