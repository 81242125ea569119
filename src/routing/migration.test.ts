import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relayWorld, until, SECRET } from '../../test/support/delivery-world.ts';
import { webhookPeer } from '../../test/support/backends/webhook-peer.ts';
import { recordUpdate } from '../core/requests/record-update.ts';
import { canaryBucket } from '../core/routing/decide.ts';

test('one service walks from the built-in store to a webhook back-end: shadow, canary 50%, promote; nothing lost', async () => {
  const w = await relayWorld();
  const peer = await webhookPeer({ secret: SECRET });
  const auth = { authorization: `Bearer ${w.adminKey}` };
  const api = (method: 'PUT' | 'POST' | 'GET', url: string, payload?: object) => w.app.inject({ method, url: `/admin/api${url}`, headers: auth, payload });
  try {
    await w.webhook('streets', peer.url);
    w.relay();
    const all: string[] = [];
    const submit = async (n: number) => {
      const ids = [];
      for (let i = 0; i < n; i++) ids.push((await w.submit()).id);
      all.push(...ids);
      return ids;
    };
    const jobsOf = async (id: string) => (await w.store.deliveries.forRequest(id)).filter((d) => d.kind === 'request');

    // 1. No route: the built-in case store holds every request.
    for (const id of await submit(5)) assert.deepEqual((await jobsOf(id)).map((j) => `${j.backend}/${j.role}`), ['builtin/primary']);

    // 2. Shadow: both receive; residents only ever see the primary's status.
    const shadow = await api('PUT', '/routes/example/pothole/shadow', { backend: 'streets' });
    assert.equal(shadow.statusCode, 200, shadow.body);
    const shadowed = await submit(10);
    for (const id of shadowed) assert.deepEqual((await jobsOf(id)).map((j) => `${j.backend}/${j.role}`).sort(), ['builtin/primary', 'streets/shadow']);
    await until(async () => (await Promise.all(shadowed.map(jobsOf))).flat().every((j) => j.state === 'delivered'), 10_000, 'shadow deliveries');
    // The new back-end closes 4 of them; staff close 2 in the built-in store.
    for (const id of shadowed.slice(0, 4)) {
      const [job] = (await jobsOf(id)).filter((j) => j.role === 'shadow');
      const call = peer.statusCall([{ reference: job.externalRef, status: 'DONE', update_id: `done-${id}` }]);
      assert.equal((await w.app.inject({ method: 'POST', url: '/backends/streets/updates', headers: call.headers, payload: call.body })).statusCode, 200);
    }
    for (const id of shadowed.slice(3, 5)) {
      await recordUpdate(w.store, { requestId: id, jurisdictionId: 'example', status: 'fixed', description: 'Filled', mediaUrls: [], authorKind: 'staff', contact: {} });
    }
    const seen = await w.app.inject({ url: `/open311/v2/requests/${shadowed[0]}.json` });
    assert.equal(seen.json()[0].status, 'open', "the shadow's DONE never reaches residents");

    // 3. Canary at 50%: about half go to the new back-end instead; a retried submission lands in the same place.
    assert.equal((await api('PUT', '/routes/example/pothole/canary', { backend: 'streets', percent: 50 })).statusCode, 200);
    const canaried = await submit(40);
    const owners = await Promise.all(canaried.map(async (id) => (await jobsOf(id)).find((j) => j.role !== 'shadow')!));
    const toNew = owners.filter((j) => j.backend === 'streets' && j.role === 'canary').length;
    assert.ok(toNew >= 10 && toNew <= 30, `about half went to the canary, got ${toNew}/40`);
    assert.equal(canaryBucket(['same', { a: 1 }]), canaryBucket(['same', { a: 1 }]));

    // 4. Promote: the new back-end is the primary; old requests stay where they are.
    const promoted = await api('POST', '/routes/example/pothole/promote');
    assert.equal(promoted.statusCode, 200, promoted.body);
    assert.equal(promoted.json().change.after.primary, 'streets');
    for (const id of await submit(5)) assert.deepEqual((await jobsOf(id)).map((j) => `${j.backend}/${j.role}`), ['streets/primary']);

    // Not one request lost: each has exactly one owner, and every job is delivered.
    // Wait for every job to finish, not only to leave the queue: a claimed job is in flight until its outcome is written.
    await until(async () => (await Promise.all(all.map(jobsOf))).flat().every((j) => j.state === 'delivered'), 10_000, 'all delivered');
    for (const id of all) {
      const jobs = await jobsOf(id);
      assert.equal(jobs.filter((j) => j.role !== 'shadow').length, 1, `request ${id} has one owner`);
      assert.ok(jobs.every((j) => j.state === 'delivered'), `request ${id} delivered`);
    }

    const report = (await api('GET', '/migration/example/pothole/report')).json();
    assert.equal(report.requests, 60);
    assert.equal(report.withoutOwner, 0);
    const fig = (name: string) => report.backends.find((b: { backend: string }) => b.backend === name);
    // builtin: 5 + 10 + the canary stage's non-canary share; streets: 10 shadows + 40 (shadow or canary) + 5.
    assert.equal(fig('builtin').jobs, 15 + 40 - toNew);
    assert.equal(fig('streets').jobs, 55);
    assert.equal(fig('streets').delivered, fig('streets').jobs);
    assert.equal(fig('streets').closed, 4);
    assert.ok(fig('streets').deliveryMs.p50 !== null);
    // Shadow closed 4 (one of which staff also closed) and staff closed one more: 4 requests disagree on being closed.
    assert.equal(report.divergences.closed, 4);
    assert.deepEqual(report.changes.map((c: { action: string }) => c.action), ['promote', 'canary', 'shadow']);
    assert.ok(report.changes.every((c: { actor: string }) => c.actor === 'api:ops'));
  } finally {
    await peer.close();
    await w.close();
  }
});
