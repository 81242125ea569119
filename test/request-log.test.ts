import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { freshDatabaseUrl } from './support/db.ts';
import { serveProcess } from './support/serve.ts';

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

// One line per answered request (not Fastify's two: each is a synchronous write(2); decision 0142).
test('each answered request is one log line with the request, the status and the time taken', async () => {
  const db = await freshDatabaseUrl();
  const server = await serveProcess({ DATABASE_URL: db.url });
  try {
    const answers = [await fetch(`${server.url}/healthz`), await fetch(`${server.url}/open311/v2/requests.json?api_key=sekrit-key&service_code=x`), await fetch(`${server.url}/no-such-page`)];
    for (const r of answers) await r.arrayBuffer();
    const lines = () => server.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
    for (const end = Date.now() + 5000; lines().filter((l) => l.req).length < 3 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
    const access = lines().filter((l) => l.req);
    assert.equal(access.length, 3, 'one line per request');
    assert.ok(access.every((l) => l.msg === 'request completed'));
    assert.deepEqual(access.map((l) => [l.req.method, l.res.statusCode]), [['GET', answers[0].status], ['GET', answers[1].status], ['GET', 404]]);
    assert.equal(access[1].req.url, '/open311/v2/requests.json?api_key=[Redacted]&service_code=x');
    assert.ok(access.every((l) => typeof l.responseTime === 'number' && l.reqId && l.req.remoteAddress));
    assert.ok(!server.output().includes('sekrit-key'), 'the key is never written');
    assert.ok(!lines().some((l) => l.msg === 'incoming request'));
  } finally {
    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
    await db.drop();
  }
});
