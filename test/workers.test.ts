import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { freshStore } from './support/db.ts';
import { serveProcess } from './support/serve.ts';
import { pipework } from './support/cli.ts';
import { freePort } from '../bench/lib/load.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { createApiKey } from '../src/core/access/api-keys.ts';

// PIPEWORK_WORKERS through the real binary: several processes on one port, over one PostgreSQL database.

const postgres = process.env.DATABASE_URL?.startsWith('postgres');

test('workers on SQLite are refused with the reason, as configuration and as a flag', async () => {
  const env = { DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent' };
  const byEnv = await pipework(['serve'], { ...env, PIPEWORK_WORKERS: '2' });
  assert.equal(byEnv.code, 78);
  assert.match(byEnv.err, /PIPEWORK_WORKERS above 1 needs PostgreSQL/);
  const byFlag = await pipework(['serve', '--workers', '2'], env);
  assert.equal(byFlag.code, 64);
  assert.match(byFlag.err, /needs PostgreSQL/);
  const bad = await pipework(['serve', '--workers', 'lots'], env);
  assert.equal(bad.code, 64);
  assert.match(bad.err, /--workers takes a whole number from 1 to 64/);
});

test('two workers share the port and the work; one that dies is replaced; SIGTERM stops them all', { skip: !postgres && 'workers need PostgreSQL' }, async () => {
  const store = await freshStore();
  await seedDemo(store);
  const { key } = await createApiKey(store, 'workers');
  const metricsPort = await freePort();
  const server = await serveProcess({ DATABASE_URL: store.url, PIPEWORK_WORKERS: '2', SHUTDOWN_TIMEOUT_MS: '10000', METRICS_PORT: String(metricsPort) });
  const logLines = () => server.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  const waitFor = async (what: string, check: () => boolean) => {
    for (const end = Date.now() + 20_000; Date.now() < end; ) {
      if (check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`${what}:\n${server.output()}`);
  };
  const workerPids = () => logLines().filter((l) => l.msg === 'Pipework started').map((l) => l.worker as number);
  try {
    await waitFor('both workers started', () => logLines().some((l) => l.msg === 'Pipework started its workers') && workerPids().length === 2);
    assert.equal(new Set(workerPids()).size, 2);

    // New connections go to each worker in turn; every request is stored once.
    const post = async (i: number) => {
      const body = new URLSearchParams({ api_key: key, service_code: 'pothole', lat: '51.5', long: '-0.12', 'attribute[depth]': 'deep', description: `Worker test ${i}` });
      const res = await fetch(`${server.url}/open311/v2/requests.json`, { method: 'POST', body, headers: { connection: 'close' }, signal: AbortSignal.timeout(15_000) });
      const text = await res.text();
      assert.equal(res.status, 200, text);
      return (JSON.parse(text) as { service_request_id: string }[])[0].service_request_id;
    };
    const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => post(i)));
    assert.equal(new Set(ids).size, 40);
    const served = new Set(logLines().filter((l) => l.msg === 'request completed').map((l) => l.pid));
    assert.equal(served.size, 2, 'both workers answered requests');
    // METRICS_PORT is served by the supervising process: both workers' figures, summed.
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const posts = metrics
      .split('\n')
      .filter((l) => l.startsWith('pipework_http_request_duration_seconds_count{') && l.includes('method="POST"'))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    assert.equal(posts, 40);

    // A worker killed outright is replaced, and once the supervisor has seen it go the port answers from the other.
    // (A connection handed to it in the instant before is lost with it: the client's to retry.)
    const [first] = workerPids();
    process.kill(first, 'SIGKILL');
    await waitFor('the supervisor saw the worker stop', () => /Pipework worker stopped unexpectedly/.test(server.output()));
    assert.ok(await post(100));
    await waitFor('a new worker started', () => new Set(workerPids()).size === 3);

    server.child.kill('SIGTERM');
    const [code] = await once(server.child, 'exit');
    assert.equal(code, 0);
    for (const pid of workerPids()) assert.throws(() => process.kill(pid, 0), /ESRCH/, `worker ${pid} still running`);
    const stored = await store.db.selectFrom('service_requests').select((eb) => eb.fn.countAll<number>().as('n')).where('description', 'like', 'Worker test %').executeTakeFirstOrThrow();
    assert.equal(Number(stored.n), 41);
  } finally {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await store.close();
  }
});
