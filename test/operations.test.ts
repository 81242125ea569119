import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { freshStore } from './support/db.ts';
import { serveProcess } from './support/serve.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { createApiKey } from '../src/core/access/api-keys.ts';

// What an operator meets at 3 a.m., through the real binary.

const pipework = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['bin/pipework.js', ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, encoding: 'utf8', timeout: 60_000 });

test('an unreachable database is named by its variable, with the password hidden', () => {
  const res = pipework(['migrate'], { DATABASE_URL: 'postgres://pipework:s3cret@127.0.0.1:5999/nowhere' });
  assert.equal(res.status, 1);
  assert.match(res.stderr, /DATABASE_URL \(postgres:\/\/pipework:\*\*\*@127\.0\.0\.1:5999\/nowhere\)/);
  assert.match(res.stderr, /ECONNREFUSED/);
  assert.doesNotMatch(res.stderr, /s3cret/);
});

test('migrations refuse a database that a newer Pipework migrated', async () => {
  const store = await freshStore();
  try {
    await store.db.insertInto('kysely_migration' as never).values({ name: '9999_from_the_future', timestamp: new Date().toISOString() } as never).execute();
    const res = pipework(['migrate'], { DATABASE_URL: store.url });
    assert.equal(res.status, 1);
    assert.match(res.stderr, /migrated by a newer Pipework: it has migration\(s\) 9999_from_the_future/);
    assert.match(res.stderr, /docs\/upgrading\.md/);
  } finally {
    await store.close();
  }
});

test('start and stop lines; SIGTERM under load: every request the server took is answered and stored, then exit 0', async () => {
  const store = await freshStore();
  await seedDemo(store);
  const { key } = await createApiKey(store, 'load');
  const server = await serveProcess({ DATABASE_URL: store.url, SHUTDOWN_TIMEOUT_MS: '10000' });
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const outcomes: { i: number; status?: number; id?: string; error?: string }[] = [];
  const post = (i: number) =>
    new Promise<void>((resolve) => {
      const body = new URLSearchParams({ api_key: key, service_code: 'pothole', lat: '51.5', long: '-0.12', 'attribute[depth]': 'deep', description: `Shutdown ${i}` }).toString();
      const req = request(`${server.url}/open311/v2/requests.json`, { method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          outcomes.push({ i, status: res.statusCode, id: res.statusCode === 200 ? JSON.parse(text)[0].service_request_id : undefined });
          resolve();
        });
        res.on('error', (e) => (outcomes.push({ i, error: (e as NodeJS.ErrnoException).code ?? e.message }), resolve()));
      });
      req.on('error', (e) => (outcomes.push({ i, error: (e as NodeJS.ErrnoException).code ?? e.message }), resolve()));
      req.end(body);
    });
  try {
    const deadline0 = Date.now() + 10_000;
    while (!server.output().includes('Pipework started') && Date.now() < deadline0) await new Promise((r) => setTimeout(r, 20));
    const line = JSON.parse(server.output().split('\n').find((l) => l.includes('Pipework started')) ?? '{}');
    assert.deepEqual([line.database, line.demoSeeded, line.address, line.migrationsApplied >= 6, /^\d+\.\d+\.\d+/.test(line.version)], [store.dialect, false, server.url, true, true]);
    // 16 clients keep sending (at most 600 requests, at most 10 s); SIGTERM lands in the middle.
    let next = 0;
    const deadline = Date.now() + 10_000;
    const client = async () => {
      while (next < 600 && Date.now() < deadline) await post(next++);
    };
    const clients = Array.from({ length: 16 }, client);
    const started = Date.now();
    while (outcomes.filter((o) => o.status === 200).length < 100 && Date.now() - started < 8_000) await new Promise((r) => setTimeout(r, 5));
    const exited = once(server.child, 'exit');
    server.child.kill('SIGTERM');
    await Promise.all(clients);
    const [code] = await exited;
    agent.destroy();

    assert.equal(code, 0, server.output());
    const created = outcomes.filter((o) => o.status === 200);
    const unexpected = outcomes.filter((o) => o.status !== undefined && o.status !== 200 && o.status !== 503);
    assert.deepEqual(unexpected, [], 'only 200, or 503 for a request that arrived while closing');
    // What the database holds is exactly what clients were told was created: nothing taken and left unanswered.
    const stored = await store.db.selectFrom('service_requests').select(['id', 'description']).execute();
    assert.deepEqual(stored.map((r) => String(r.id)).sort(), created.map((o) => o.id!).sort());
    assert.ok(created.length >= 100);
    assert.match(server.output(), /Pipework stopping/);
    assert.match(server.output(), /Pipework stopped/);
  } finally {
    server.child.kill('SIGKILL');
    await store.close();
  }
});
