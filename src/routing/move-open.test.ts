import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relayWorld, until, SECRET } from '../../test/support/delivery-world.ts';
import { open311StandIn } from '../../test/support/open311-stand-in.ts';
import { saveBackend } from './manage.ts';
import { webhookPeer } from '../../test/support/backends/webhook-peer.ts';
import { MoveRunner } from './move-runner.ts';
import { BackendRegistry } from '../backends/registry.ts';

type World = Awaited<ReturnType<typeof relayWorld>>;

/** Starts a move through the admin API (202 at once, with where to follow it) and follows it until it is not running. */
async function startAndFollow(w: World, url: string) {
  const auth = { authorization: `Bearer ${w.adminKey}` };
  const started = await w.app.inject({ method: 'POST', url: `/admin/api${url}`, headers: auth, payload: {} });
  assert.equal(started.statusCode, 202, started.body);
  assert.equal(started.headers.location, started.json().progress_url);
  assert.match(started.json().progress_url, new RegExp(`^/admin/api${url}/\\d+$`));
  let p = started.json();
  await until(async () => {
    p = (await w.app.inject({ url: started.json().progress_url, headers: auth })).json();
    return p.state !== 'running';
  }, 10_000, 'the move to stop running');
  return p;
}

test('admin API: move-open dry run, then the move; a case the old back-end does not hold yet fails with why and moves on a later run', async () => {
  const w = await relayWorld();
  const peer = await webhookPeer({ secret: SECRET });
  const old = await webhookPeer({ secret: SECRET, refuseFirst: 1000 });
  const api = (url: string, payload?: object) => w.app.inject({ method: 'POST', url: `/admin/api${url}`, headers: { authorization: `Bearer ${w.adminKey}` }, payload: payload ?? {} });
  const move = () => startAndFollow(w, '/migration/example/pothole/move-open');
  try {
    const inStore = [(await w.submit('A')).id, (await w.submit('B')).id];
    await w.webhook('legacy', old.url);
    await w.route('pothole', 'legacy');
    const stuck = (await w.submit('C, never reached legacy')).id;
    await w.webhook('streets', peer.url);
    await w.route('pothole', 'streets');

    const dry = await api('/migration/example/pothole/move-open', { dry_run: true });
    assert.equal(dry.statusCode, 200, dry.body);
    assert.equal(dry.json().to_backend, 'streets');
    assert.deepEqual(dry.json().by_backend, { builtin: 2, legacy: 1 });
    assert.deepEqual(dry.json().cases.map((c: { ready: boolean }) => c.ready), [true, true, false]);
    assert.match(dry.json().cases[2].why, /its delivery to legacy is pending/);

    const run = await move();
    assert.equal(run.moved, 2);
    assert.equal(run.finished, false);
    assert.equal(run.state, 'stopped', 'unfinished and not running: start again to resume');
    assert.deepEqual(run.failed.map((f: { service_request_id: string }) => f.service_request_id), [stuck]);
    assert.equal(peer.cases.size, 2);
    for (const id of inStore) assert.deepEqual((await w.store.deliveries.forRequest(id)).map((d) => `${d.backend}/${d.role}`), ['builtin/former', 'streets/primary']);

    // Once legacy holds it (its delivery done), running again resumes the same move and takes it.
    const [job] = await w.store.deliveries.forRequest(stuck);
    const [claimed] = await w.store.deliveries.claim({ worker: 't', limit: 10, leaseMs: 1000 });
    assert.equal(claimed.id, job.id);
    await w.store.deliveries.complete('t', [{ deliveryId: job.id, startedAt: Date.now(), finishedAt: Date.now(), outcome: 'delivered', externalRef: 'LEGACY-1' }]);
    const again = await move();
    assert.equal(again.move_id, run.move_id);
    assert.equal(again.moved, 3);
    assert.equal(again.finished, true);
    assert.equal(again.state, 'finished');
    assert.equal(peer.cases.size, 3);

    const bad = await api('/migration/example/no_such_service/move-open', { dry_run: true });
    assert.equal(bad.statusCode, 404);
  } finally {
    await peer.close();
    await old.close();
    await w.close();
  }
});

test('move-open from an Open311 upstream tells it, on each case, where the case went', async () => {
  const w = await relayWorld();
  const peer = await webhookPeer({ secret: SECRET });
  const up = await open311StandIn('k');
  try {
    await saveBackend(w.store, { name: 'county', kind: 'open311-upstream', config: { url: up.url, apiKey: 'k', pollSeconds: 3600 } }, 'test');
    await w.route('pothole', 'county');
    const ids = [(await w.submit('Old system case 1')).id, (await w.submit('Old system case 2')).id];
    const relay = w.relay();
    await until(async () => (await Promise.all(ids.map((id) => w.store.deliveries.forRequest(id)))).flat().every((d) => d.state === 'delivered'), 10_000, 'delivered to county');
    await relay.stop();
    await w.webhook('streets', peer.url);
    await w.route('pothole', 'streets');
    const run = await startAndFollow(w, '/migration/example/pothole/move-open');
    assert.equal(run.moved, 2, JSON.stringify(run));
    assert.equal(up.comments.length, 2);
    assert.ok(up.comments.every((c) => /now handled by streets/.test(c.description)));
    assert.deepEqual(up.comments.map((c) => c.service_request_id).sort(), up.cases.map((c) => c.service_request_id).sort());
  } finally {
    await peer.close();
    await up.close();
    await w.close();
  }
});

test('admin API: the move answers before it is done; a second start while it runs is refused; progress of an unknown move is 404', async () => {
  const w = await relayWorld();
  const peer = await webhookPeer({ secret: SECRET, delayMs: 300 });
  const auth = { authorization: `Bearer ${w.adminKey}` };
  try {
    for (let i = 0; i < 6; i++) await w.submit(`Slow case ${i}`);
    await w.webhook('streets', peer.url);
    await w.route('pothole', 'streets');
    const started = await w.app.inject({ method: 'POST', url: '/admin/api/migration/example/pothole/move-open', headers: auth, payload: {} });
    assert.equal(started.statusCode, 202, started.body);
    // Answered while the move runs (six deliveries of 300 ms each), not when it is done.
    assert.equal(started.json().state, 'running');
    assert.ok(started.json().moved < 6, `answered with ${started.json().moved} of 6 moved`);
    assert.equal(started.json().total, 6);
    const twice = await w.app.inject({ method: 'POST', url: '/admin/api/migration/example/pothole/move-open', headers: auth, payload: {} });
    assert.equal(twice.statusCode, 400);
    assert.match(twice.json().error.message, /is running already/);
    await until(async () => (await w.app.inject({ url: started.json().progress_url, headers: auth })).json().state === 'finished', 10_000, 'finished');
    const done = (await w.app.inject({ url: started.json().progress_url, headers: auth })).json();
    assert.deepEqual([done.moved, done.pending, done.failed.length, done.finished_at !== null], [6, 0, 0, true]);
    assert.equal((await w.app.inject({ url: '/admin/api/migration/example/pothole/move-open/999999', headers: auth })).statusCode, 404);
    assert.equal((await w.app.inject({ url: '/admin/api/migration/example/pothole/move-open/abc', headers: auth })).statusCode, 404);
  } finally {
    await peer.close();
    await w.close();
  }
});

test('move-open from a webhook back-end tells it of each case with a signed request.moved', async () => {
  const w = await relayWorld();
  const old = await webhookPeer({ secret: SECRET });
  const peer = await webhookPeer({ secret: SECRET });
  try {
    await w.webhook('legacy', old.url);
    await w.route('pothole', 'legacy');
    const ids = [(await w.submit('Legacy case 1')).id, (await w.submit('Legacy case 2')).id];
    const relay = w.relay();
    await until(async () => (await Promise.all(ids.map((id) => w.store.deliveries.forRequest(id)))).flat().every((d) => d.state === 'delivered'), 10_000, 'delivered to legacy');
    await relay.stop();
    const refs = new Map(await Promise.all(ids.map(async (id) => [id, (await w.store.deliveries.forRequest(id))[0].externalRef!] as const)));
    await w.webhook('streets', peer.url);
    await w.route('pothole', 'streets');
    const run = await startAndFollow(w, '/migration/example/pothole/move-open');
    assert.equal(run.moved, 2, JSON.stringify(run));
    assert.equal(old.badSignatures, 0);
    assert.deepEqual(
      old.moves.map((m) => [m.event, m.reference, m.to_backend, m.request.service_request_id]).sort(),
      ids.map((id) => ['request.moved', refs.get(id), 'streets', id]).sort(),
    );
    assert.ok(old.moves.every((m) => /-handover$/.test(m.idempotency_key)));
  } finally {
    await peer.close();
    await old.close();
    await w.close();
  }
});

test('a server stopping mid-move stops at the next case; a later start resumes the same move and finishes it', async () => {
  const w = await relayWorld();
  const peer = await webhookPeer({ secret: SECRET, delayMs: 100 });
  const quiet = { error() {} };
  try {
    for (let i = 0; i < 8; i++) await w.submit(`Case moved across a restart ${i}`);
    await w.webhook('streets', peer.url);
    await w.route('pothole', 'streets');
    const registry = new BackendRegistry(w.store.routing, { timeoutMs: 2000 }, 0);
    const first = new MoveRunner(w.store, registry, quiet);
    const move = await first.start({ jurisdictionId: 'example', serviceCode: 'pothole' }, 'test');
    await until(async () => (await first.progress(move.id))!.moved >= 2, 10_000, 'two moved');
    await first.close(); // the server shutting down
    const stopped = (await first.progress(move.id))!;
    assert.equal(stopped.state, 'stopped');
    assert.ok(stopped.moved < 8, `stopped part-way (${stopped.moved} moved)`);

    const second = new MoveRunner(w.store, registry, quiet);
    // The stopped run released its hold on the move, so the next start takes it at once.
    const resumed = await second.start({ jurisdictionId: 'example', serviceCode: 'pothole' }, 'test');
    assert.equal(resumed.id, move.id, 'the same move, resumed');
    await second.settled(move.id);
    const done = (await second.progress(move.id))!;
    assert.deepEqual([done.state, done.moved, done.failed.length], ['finished', 8, 0]);
    assert.equal(peer.cases.size, 8, 'each case once at the new back-end');
    await registry.close();
  } finally {
    await peer.close();
    await w.close();
  }
});
