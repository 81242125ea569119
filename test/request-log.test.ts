import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The request log of a real server (`pipework serve`, LOG_LEVEL=info): an api_key sent in a
// query string, as FixMyStreet does on GET servicerequestupdates, never reaches it.

test('an api_key in a query string is redacted in the request log', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipework-log-'));
  const server = spawn(process.execPath, ['bin/pipework.js', 'serve'], {
    cwd: join(import.meta.dirname, '..'),
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`, LOG_LEVEL: 'info', RELAY_ENABLED: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  try {
    const address = await new Promise<string>((resolve, reject) => {
      server.stdout.on('data', (d) => {
        log += d;
        const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
        if (m) resolve(m[1]);
      });
      server.once('exit', (code) => reject(new Error(`server exited ${code}: ${log}`)));
    });
    const secret = 'pw_secret-key-in-the-query';
    const res = await fetch(`${address}/open311/v2/servicerequestupdates.xml?jurisdiction_id=example&api_key=${secret}&start_date=2026-11-01T00:00:00Z`);
    assert.equal(res.status, 200);
    await fetch(`${address}/open311/v2/requests.xml?API_KEY=${secret}&key=${secret}`);
    await new Promise((r) => setTimeout(r, 200));
    assert.match(log, /servicerequestupdates\.xml\?jurisdiction_id=example&api_key=\[Redacted\]&start_date=/);
    assert.ok(!log.includes(secret), 'the key is not in the log');
  } finally {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
