import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relayWorld, until } from '../../../test/support/delivery-world.ts';
import { alloyWorld, confirmWorld } from '../../../test/support/backends/rest-vendors.ts';
import { saveBackend } from '../../routing/manage.ts';
import { BackendRegistry } from '../registry.ts';
import { pullOne } from '../../delivery/pull.ts';
import { recordUpdate } from '../../core/requests/record-update.ts';
import { PipeworkError } from '../../core/errors.ts';
import { staffClient, staffUser } from '../../../test/support/staff.ts';

// The shipped configurations end to end, on this test run's database (SQLite, or PostgreSQL with DATABASE_URL):
// saved through the same check as the CLI and admin API, delivered by the relay, status pulled into the history.

const quiet = { info() {}, warn() {}, error() {} };

test('rest: a configuration with a broken template is refused when saved, naming the field', async () => {
  const w = await relayWorld();
  try {
    const { peer, config } = await alloyWorld();
    await peer.close();
    const broken = { ...config, comment: { ...config.comment!, body: "{ 'attributes': [ }" } };
    const err = await saveBackend(w.store, { name: 'alloy', kind: 'rest', config: broken }, 'test').catch((e: unknown) => e);
    assert.ok(err instanceof PipeworkError);
    assert.equal(err.code, 'INVALID_INPUT');
    assert.deepEqual(err.problems.map((p) => p.field), ['config.comment.body']);
    // The admin API answers in its JSON error shape, field by field.
    const res = await w.app.inject({ method: 'PUT', url: '/admin/api/backends/alloy', headers: { authorization: `Bearer ${w.adminKey}` }, payload: { kind: 'rest', config: broken } });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().error.code, 'INVALID_INPUT');
    assert.deepEqual(res.json().error.problems.map((p: { field: string }) => p.field), ['config.comment.body']);
    assert.equal(await w.store.routing.backend('alloy'), undefined);
  } finally {
    await w.close();
  }
});

test('rest + Alloy: relayed to the item, a comment appended, the status pulled back into the request', async () => {
  const w = await relayWorld();
  const { peer, config, attributes } = await alloyWorld({ '000000000000000000000203': 'fixed' });
  try {
    await saveBackend(w.store, { name: 'alloy', kind: 'rest', config }, 'test');
    await w.route('pothole', 'alloy');
    w.relay();
    const req = await w.submit('Pothole on Alloy Road');
    await until(async () => (await w.store.deliveries.forRequest(req.id))[0]?.state === 'delivered', 10_000, 'delivery to Alloy');
    const [job] = await w.store.deliveries.forRequest(req.id);
    const item = peer.items.get(job.externalRef!)!;
    assert.equal(peer.attribute(item.itemId, attributes.pipeworkId), req.id);

    await recordUpdate(w.store, { requestId: req.id, jurisdictionId: 'example', status: 'unchanged', description: 'Still there', mediaUrls: [], authorKind: 'resident', contact: {} });
    await until(() => String(peer.attribute(item.itemId, attributes.comments) ?? '').includes('Still there'), 10_000, 'comment in Alloy');

    peer.edit(item.itemId, attributes.status, ['000000000000000000000203']);
    const registry = new BackendRegistry(w.store.routing, { timeoutMs: 2000 }, 0);
    const pulled = await pullOne(w.store, 'alloy', registry, quiet);
    assert.equal(pulled.applied, 1);
    const latest = (await w.store.requests.history('example', req.id)).filter((u) => u.authorKind === 'backend').at(-1)!;
    assert.equal(latest.status, 'fixed');
    assert.equal(latest.externalStatusCode, '000000000000000000000203');
    assert.equal((await w.store.requests.get('example', req.id))?.status, 'fixed');
    await registry.close();
  } finally {
    await w.close();
    await peer.close();
  }
});

test('rest + Confirm: relayed as a NewEnquiry, a comment as a status log note, status changes read from the feed with its cursor kept', async () => {
  const w = await relayWorld();
  const { peer, config } = await confirmWorld({ NEW: 'open', INP: 'action_scheduled', FIX: 'fixed' });
  try {
    await saveBackend(w.store, { name: 'confirm', kind: 'rest', config }, 'test');
    await w.route('pothole', 'confirm');
    w.relay();
    const req = await w.submit('Pothole on Confirm Street');
    await until(async () => (await w.store.deliveries.forRequest(req.id))[0]?.state === 'delivered', 10_000, 'delivery to Confirm');
    const number = (await w.store.deliveries.forRequest(req.id))[0].externalRef!;
    assert.equal(peer.enquiries.get(number)?.fields.EnquiryReference, req.id);

    await recordUpdate(w.store, { requestId: req.id, jurisdictionId: 'example', status: 'unchanged', description: 'Any news?', mediaUrls: [], authorKind: 'resident', contact: {} });
    await until(() => peer.enquiries.get(number)!.logs.some((l) => l.StatusLogNotes === 'Resident: Any news?'), 10_000, 'comment in Confirm');

    const registry = new BackendRegistry(w.store.routing, { timeoutMs: 2000 }, 0);
    peer.setStatus(number, 'INP');
    await pullOne(w.store, 'confirm', registry, quiet);
    assert.equal((await w.store.requests.get('example', req.id))?.status, 'action_scheduled');
    const cursor = await w.store.deliveries.cursor('confirm');
    assert.ok(cursor, 'the feed cursor is kept for the next poll');
    peer.setStatus(number, 'FIX');
    await pullOne(w.store, 'confirm', registry, quiet);
    await pullOne(w.store, 'confirm', registry, quiet); // the overlap brings the same logs again: recorded once
    const history = (await w.store.requests.history('example', req.id)).filter((u) => u.authorKind === 'backend');
    assert.deepEqual(history.map((u) => u.externalStatusCode), ['NEW', 'INP', 'FIX']);
    assert.equal((await w.store.requests.get('example', req.id))?.status, 'fixed');
    await registry.close();
  } finally {
    await w.close();
    await peer.close();
  }
});

test('rest without a "comment" call: a resident\'s comment is kept in Pipework with a note staff see, never dead-lettered', async () => {
  const w = await relayWorld();
  const { peer, config, attributes } = await alloyWorld();
  try {
    const { comment: _, ...noComment } = config;
    await saveBackend(w.store, { name: 'alloy', kind: 'rest', config: noComment }, 'test');
    await w.route('pothole', 'alloy');
    w.relay();
    const req = await w.submit('Pothole whose comments stay here');
    await until(async () => (await w.store.deliveries.forRequest(req.id))[0]?.state === 'delivered', 10_000, 'delivery to Alloy');
    const item = peer.items.get((await w.store.deliveries.forRequest(req.id))[0].externalRef!)!;
    await recordUpdate(w.store, { requestId: req.id, jurisdictionId: 'example', status: 'unchanged', description: 'It is getting deeper', mediaUrls: [], authorKind: 'resident', contact: {} });
    const updateJob = async () => (await w.store.deliveries.forRequest(req.id)).find((d) => d.kind === 'update');
    await until(async () => (await updateJob())?.state === 'delivered', 10_000, 'comment job settled');
    assert.match((await updateJob())!.note ?? '', /^kept in Pipework, not sent: alloy's configuration has no "comment" call/);
    assert.equal((await w.store.deliveries.list({ state: 'dead', limit: 10 })).length, 0, 'nothing dead-lettered');
    assert.equal(peer.attribute(item.itemId, attributes.comments) ?? '', '', 'nothing sent to Alloy');

    await staffUser(w.store, 'officer@example.gov.uk', 'officer');
    const staff = staffClient(w.app);
    await staff.signIn('officer@example.gov.uk');
    const page = await staff.get(`/staff/requests/${req.id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /It is getting deeper/);
    assert.match(page.body, /kept in Pipework, not sent: alloy&#39;s configuration has no &quot;comment&quot; call/);
  } finally {
    await w.close();
    await peer.close();
  }
});
