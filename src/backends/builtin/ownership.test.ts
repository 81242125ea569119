import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { relayWorld, until, SECRET } from '../../../test/support/delivery-world.ts';
import { webhookPeer } from '../../../test/support/backends/webhook-peer.ts';
import { recordUpdate } from '../../core/requests/record-update.ts';
import { setShadow } from '../../routing/manage.ts';
import { Relay } from '../../delivery/relay.ts';
import { BackendRegistry } from '../registry.ts';
import { relayOptions } from '../../delivery/start.ts';

// The built-in case store is Pipework itself: it holds a request as the request is written.

type World = Awaited<ReturnType<typeof relayWorld>>;
let w: World;
let peer: Awaited<ReturnType<typeof webhookPeer>>;
before(async () => {
  w = await relayWorld();
  peer = await webhookPeer({ secret: SECRET });
  await w.webhook('hook', peer.url);
});
after(async () => {
  await w.close();
  await peer.close();
});

const quiet = { info() {}, warn() {}, error() {} };

test('a request routed to the built-in store is owned at once: delivered with its id as reference, no attempts, never claimed', async () => {
  const req = await w.submit('Held in Pipework from the start');
  const [job] = await w.store.deliveries.forRequest(req.id);
  assert.deepEqual([job.backend, job.role, job.state, job.externalRef, job.attempts], ['builtin', 'primary', 'delivered', req.id, 0]);
  assert.ok(job.deliveredAt);
  assert.deepEqual(await w.store.deliveries.attempts(job.id), []);
  // A relay finds nothing to do, now or later.
  const relay = new Relay(w.store, new BackendRegistry(w.store.routing, { timeoutMs: 1000 }), relayOptions(w.config), quiet);
  assert.equal(await relay.runOnce(), 0);
  assert.equal((await w.store.deliveries.claim({ worker: 'probe', limit: 100, leaseMs: 1000, now: Date.now() + 3_600_000 })).length, 0);
  assert.deepEqual(await w.store.deliveries.attempts(job.id), []);
  // A resident's comment is already in Pipework's history: no job to "send" it to Pipework.
  await recordUpdate(w.store, { requestId: req.id, jurisdictionId: 'example', status: 'unchanged', description: 'Any news?', mediaUrls: [], authorKind: 'resident', contact: {} });
  assert.deepEqual((await w.store.deliveries.forRequest(req.id)).map((d) => d.kind), ['request']);
});

test('a built-in shadow is held at once too, while the real owner goes through the relay', async () => {
  await w.route('pothole', 'hook');
  await setShadow(w.store, { jurisdictionId: 'example', serviceCode: 'pothole' }, 'builtin', 'test');
  const req = await w.submit('Owned by the webhook, shadowed in Pipework');
  const jobs = await w.store.deliveries.forRequest(req.id);
  const byRole = new Map(jobs.map((j) => [j.role, j]));
  assert.deepEqual([byRole.get('shadow')!.backend, byRole.get('shadow')!.state, byRole.get('shadow')!.externalRef], ['builtin', 'delivered', req.id]);
  assert.deepEqual([byRole.get('primary')!.backend, byRole.get('primary')!.state], ['hook', 'pending']);
  w.relay();
  await until(async () => (await w.store.deliveries.forRequest(req.id)).every((d) => d.state === 'delivered'), 10_000, 'the webhook delivery');
  assert.equal((await w.store.deliveries.attempts(byRole.get('primary')!.id)).length, 1);
  assert.deepEqual(await w.store.deliveries.attempts(byRole.get('shadow')!.id), []);
  // The resident's comment goes to the webhook only.
  await recordUpdate(w.store, { requestId: req.id, jurisdictionId: 'example', status: 'unchanged', description: 'Bigger now', mediaUrls: [], authorKind: 'resident', contact: {} });
  const updates = (await w.store.deliveries.forRequest(req.id)).filter((d) => d.kind === 'update');
  assert.deepEqual(updates.map((d) => d.backend), ['hook']);
});
