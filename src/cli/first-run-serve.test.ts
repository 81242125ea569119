import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { freshDatabaseUrl } from '../../test/support/db.ts';

// `npx pipework serve` on an empty install with SEED_DEMO=false: it logs a one-time set-up token, and the
// first-run page takes it (and refuses it a second time).
let db: Awaited<ReturnType<typeof freshDatabaseUrl>>;
before(async () => (db = await freshDatabaseUrl()));
after(() => db.drop());

const bin = fileURLToPath(new URL('../../bin/pipework.js', import.meta.url));

test('serve with no council logs a set-up token that creates the first council once', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
  const child = spawn(process.execPath, [bin, 'serve'], {
    env: { PATH: process.env.PATH!, DATABASE_URL: db.url, LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1', RELAY_ENABLED: 'false', SEED_DEMO: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  try {
    const end = Date.now() + 90_000;
    while (!/set-up token setup_/.test(log) && Date.now() < end && child.exitCode === null) await new Promise((r) => setTimeout(r, 200));
    const token = /set-up token (setup_[\w-]+)/.exec(log)?.[1];
    assert.ok(token, `no set-up token in the log: ${log}`);
    assert.match(log, new RegExp(`No council yet: open http://localhost:${port}/staff/first-run`));

    // A browser's visit: the form's CSRF token and cookie, then the post.
    const page = await fetch(`${base}/staff/first-run`);
    const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
    const send = (t: string) =>
      fetch(`${base}/staff/first-run`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, token: t, id: 'westshire', name: 'Westshire Council', adminName: 'Kim Lee', email: 'kim@westshire.gov.uk' }),
      });
    const made = await send(token);
    assert.equal(made.status, 200);
    assert.match(await made.text(), /Westshire Council is set up/);
    assert.equal((await send(token)).status, 303, 'the page is gone: the token cannot be used again');
    assert.match(await (await fetch(`${base}/`)).text(), /Tell Westshire Council about a problem/);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, log);
});
