import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveProcess } from '../../test/support/serve.ts';
import { freshStore } from '../../test/support/db.ts';
import { openStore } from '../store/index.ts';
import type { Store } from '../core/store.ts';
import { seedDemo } from '../demo/seed.ts';
import { createApiKey } from '../core/access/api-keys.ts';
import { saveBackend, setPrimary } from '../routing/manage.ts';
import { webhookPeer } from '../../test/support/backends/webhook-peer.ts';
import { relayWorld, until, SECRET } from '../../test/support/delivery-world.ts';

/** The demo council with potholes routed to a webhook back-end at `url`; returns a client API key. */
async function potholesToHook(store: Store, url: string): Promise<string> {
  await seedDemo(store);
  const { key } = await createApiKey(store, 'client');
  await saveBackend(store, { name: 'hook', kind: 'webhook', config: { url, secret: SECRET } }, 'test');
  await setPrimary(store, { jurisdictionId: 'example', serviceCode: 'pothole' }, 'hook', 'test');
  return key;
}

const serve = async (env: Record<string, string>) => serveProcess(env);

test('kill -9 of Pipework mid-delivery, then restart: every accepted request delivered, none twice', async () => {
  const store = await freshStore();
  const peer = await webhookPeer({ secret: SECRET, delayMs: 150 });
  const children: ChildProcess[] = [];
  try {
    const key = await potholesToHook(store, peer.url);
    const env = { DATABASE_URL: store.url, RELAY_LEASE_MS: '1000', DELIVERY_TIMEOUT_MS: '500', RELAY_IDLE_POLL_MS: '50', RELAY_CONCURRENCY: '4', DELIVERY_BACKOFF_MS: '20' };

    const first = await serve(env);
    children.push(first.child);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await fetch(`${first.url}/open311/v2/requests.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ api_key: key, service_code: 'pothole', lat: '51.5', long: '-0.12', 'attribute[depth]': 'deep', description: `Crash test ${i}` }),
      });
      assert.equal(res.status, 200);
      ids.push((await res.json())[0].service_request_id);
    }
    await until(() => peer.calls.size >= 5, 15_000, 'the first deliveries');
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const jobs = async () => (await Promise.all(ids.map((id) => store.deliveries.forRequest(id)))).flat();
    const leftOver = (await jobs()).filter((j) => j.state !== 'delivered').length;
    assert.ok(leftOver > 0, 'the kill landed while deliveries were still to do');

    const second = await serve(env);
    children.push(second.child);
    await until(async () => (await jobs()).every((j) => j.state === 'delivered'), 30_000, 'every job delivered after the restart');
    const all = await jobs();
    assert.equal(all.length, 40);
    // One case per request at the back-end, whatever was re-sent after the kill.
    const descriptions = [...peer.cases.values()].map((c) => c.body.request.description);
    assert.equal(peer.cases.size, 40);
    assert.equal(new Set(descriptions).size, 40);
    assert.equal(new Set(all.map((j) => j.externalRef)).size, 40);
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await peer.close();
    await store.close();
  }
});

test('two relays on one database never deliver a job twice', async () => {
  const w = await relayWorld({ relayBatchSize: 10, relayConcurrency: 8 });
  // This peer does NOT drop repeats, so any double delivery would show.
  const peer = await webhookPeer({ secret: SECRET, honourIdempotency: false });
  try {
    await w.webhook('hook', peer.url);
    await w.route('pothole', 'hook');
    const second = await openStore(w.store.url, { migrate: false });
    const requests = [];
    for (let i = 0; i < 150; i++) requests.push(await w.submit());
    const a = w.relay();
    const b = w.relay({}, second);
    const pending = async () => (await w.store.deliveries.list({ state: 'pending', limit: 1 })).length + (await w.store.deliveries.list({ state: 'in_flight', limit: 1 })).length;
    await until(async () => (await pending()) === 0, 30_000, 'all delivered');
    await a.stop();
    await b.stop();
    await second.close();
    assert.equal(peer.calls.size, 150);
    assert.ok([...peer.calls.values()].every((n) => n === 1), 'each job delivered once');
    if (w.store.dialect === 'postgres') {
      // Both relays really worked side by side (SKIP LOCKED), not one after the other.
      const workers = new Set<string>();
      for (const r of requests.slice(0, 150)) for (const j of await w.store.deliveries.forRequest(r.id)) for (const at of await w.store.deliveries.attempts(j.id)) workers.add(at.worker);
      assert.equal(workers.size, 2);
    }
  } finally {
    await peer.close();
    await w.close();
  }
});

test('two `serve` processes on one PostgreSQL relay side by side and never deliver a job twice', { skip: !process.env.DATABASE_URL?.startsWith('postgres') && 'PostgreSQL only (SQLite has one relay per database, by lease)' }, async () => {
  const store = await freshStore();
  const peer = await webhookPeer({ secret: SECRET, honourIdempotency: false, delayMs: 5 });
  const children: ChildProcess[] = [];
  try {
    const key = await potholesToHook(store, peer.url);
    const env = { DATABASE_URL: store.url, RELAY_BATCH_SIZE: '5', RELAY_IDLE_POLL_MS: '20' };
    const servers = await Promise.all([serve(env), serve(env)]);
    children.push(...servers.map((s) => s.child));
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 120 }, async (_, i) => {
        const res = await fetch(`${servers[i % 2].url}/open311/v2/requests.json`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ api_key: key, service_code: 'pothole', lat: '51.5', long: '-0.12', 'attribute[depth]': 'deep', description: `Two relays ${i}` }),
        });
        assert.equal(res.status, 200);
        ids.push((await res.json())[0].service_request_id);
      }),
    );
    const jobs = async () => (await Promise.all(ids.map((id) => store.deliveries.forRequest(id)))).flat();
    await until(async () => (await jobs()).every((j) => j.state === 'delivered'), 30_000, 'all delivered');
    assert.equal(peer.calls.size, 120);
    assert.ok([...peer.calls.values()].every((n) => n === 1), 'no job delivered twice');
    const workers = new Set<string>();
    for (const j of await jobs()) for (const a of await store.deliveries.attempts(j.id)) workers.add(a.worker.split(':')[1]);
    assert.equal(workers.size, 2, 'both processes delivered');
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await peer.close();
    await store.close();
  }
});

test('batches overlap, yet never more than RELAY_CONCURRENCY calls are out at once, and each job goes once', async () => {
  const w = await relayWorld({ relayBatchSize: 5, relayConcurrency: 3, relayMinRoundMs: 0 });
  // A slow back-end that counts the calls it holds at once.
  let open = 0;
  let most = 0;
  const calls = new Map<string, number>();
  const server = http.createServer((req, res) => {
    most = Math.max(most, ++open);
    const key = String(req.headers['idempotency-key']);
    calls.set(key, (calls.get(key) ?? 0) + 1);
    req.resume().on('end', () =>
      setTimeout(() => {
        open--;
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ reference: `R-${key}` }));
      }, 15),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await w.webhook('slow', `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
    await w.route('pothole', 'slow');
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await w.submit()).id);
    w.relay();
    const jobs = async () => (await Promise.all(ids.map((id) => w.store.deliveries.forRequest(id)))).flat();
    await until(async () => (await jobs()).every((j) => j.state === 'delivered'), 20_000, 'all delivered');
    assert.equal(most, 3, 'the pool was kept full, and never fuller');
    assert.equal(calls.size, 40);
    assert.ok([...calls.values()].every((n) => n === 1), 'each job sent once');
    // The batch after the first went out before the first batch's last answer: the pool did not drain between them.
    const attempts = (await Promise.all((await jobs()).map((j) => w.store.deliveries.attempts(j.id)))).flat();
    const firstBatch = attempts.filter((a) => Number(a.deliveryId) <= Math.min(...attempts.map((x) => Number(x.deliveryId))) + 4);
    const lastAnswer = Math.max(...firstBatch.map((a) => a.finishedAt.getTime()));
    assert.ok(attempts.some((a) => !firstBatch.includes(a) && a.startedAt.getTime() < lastAnswer));
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await w.close();
  }
});
