import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relayWorld, until, SECRET } from '../../test/support/delivery-world.ts';
import { open311StandIn } from '../../test/support/open311-stand-in.ts';
import { saveBackend } from './manage.ts';
import { webhookPeer } from '../../test/support/backends/webhook-peer.ts';

test('admin API: move-open dry run, then the move; a case the old back-end does not hold yet fails with why and moves on a later run', async () => {
  const w = await relayWorld();
  const peer = await webhookPeer({ secret: SECRET });
  const old = await webhookPeer({ secret: SECRET, refuseFirst: 1000 });
  const api = (url: string, payload?: object) => w.app.inject({ method: 'POST', url: `/admin/api${url}`, headers: { authorization: `Bearer ${w.adminKey}` }, payload: payload ?? {} });
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

    const run = await api('/migration/example/pothole/move-open');
    assert.equal(run.statusCode, 200, run.body);
    assert.equal(run.json().moved, 2);
    assert.equal(run.json().finished, false);
    assert.deepEqual(run.json().failed.map((f: { service_request_id: string }) => f.service_request_id), [stuck]);
    assert.equal(peer.cases.size, 2);
    for (const id of inStore) assert.deepEqual((await w.store.deliveries.forRequest(id)).map((d) => `${d.backend}/${d.role}`), ['builtin/former', 'streets/primary']);

    // Once legacy holds it (its delivery done), running again resumes the same move and takes it.
    const [job] = await w.store.deliveries.forRequest(stuck);
    const [claimed] = await w.store.deliveries.claim({ worker: 't', limit: 10, leaseMs: 1000 });
    assert.equal(claimed.id, job.id);
    await w.store.deliveries.complete('t', [{ deliveryId: job.id, startedAt: Date.now(), finishedAt: Date.now(), outcome: 'delivered', externalRef: 'LEGACY-1' }]);
    const again = await api('/migration/example/pothole/move-open');
    assert.equal(again.json().move_id, run.json().move_id);
    assert.equal(again.json().moved, 3);
    assert.equal(again.json().finished, true);
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
    const run = await w.app.inject({ method: 'POST', url: '/admin/api/migration/example/pothole/move-open', headers: { authorization: `Bearer ${w.adminKey}` }, payload: {} });
    assert.equal(run.json().moved, 2, run.body);
    assert.equal(up.comments.length, 2);
    assert.ok(up.comments.every((c) => /now handled by streets/.test(c.description)));
    assert.deepEqual(up.comments.map((c) => c.service_request_id).sort(), up.cases.map((c) => c.service_request_id).sort());
  } finally {
    await peer.close();
    await up.close();
    await w.close();
  }
});
