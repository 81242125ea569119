import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { relayWorld, until, SECRET } from '../../test/support/delivery-world.ts';
import { webhookPeer } from '../../test/support/backends/webhook-peer.ts';

// A back-end that re-sends one status report many times at once (its own retries, two of its workers…).

type World = Awaited<ReturnType<typeof relayWorld>>;
let w: World;
let peer: Awaited<ReturnType<typeof webhookPeer>>;
before(async () => {
  w = await relayWorld();
  peer = await webhookPeer({ secret: SECRET });
  await w.webhook('hook', peer.url);
  await w.route('pothole', 'hook');
  w.relay();
});
after(async () => {
  await w.close();
  await peer.close();
});

test('one back-end update id pushed 20 times at once: one row, and all 20 answers carry the same update id', async () => {
  const req = await w.submit();
  await until(async () => (await w.store.deliveries.forRequest(req.id))[0].state === 'delivered', 10_000, 'delivery');
  const [job] = await w.store.deliveries.forRequest(req.id);
  const call = peer.statusCall([{ reference: job.externalRef, status: 'DONE', description: 'Filled in', update_id: 'done-1' }]);
  const answers = await Promise.all(
    Array.from({ length: 20 }, () => w.app.inject({ method: 'POST', url: '/backends/hook/updates', headers: call.headers, payload: call.body })),
  );
  for (const a of answers) assert.equal(a.statusCode, 200, a.body);
  const results = answers.map((a) => a.json().results[0]);
  assert.equal(new Set(results.map((r) => r.update_id)).size, 1);
  assert.match(results[0].update_id, /^[1-9]\d*$/);
  assert.equal(results.filter((r) => !r.duplicate).length, 1);
  const history = (await w.store.requests.history('example', req.id)).filter((u) => u.authorKind === 'backend');
  assert.deepEqual(history.map((u) => [u.id, u.status, u.flag]), [[results[0].update_id, 'fixed', undefined]]);
  assert.equal((await w.store.deliveries.events({ requestIds: [req.id], limit: 100 })).length, 1);
});
