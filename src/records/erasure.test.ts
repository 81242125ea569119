import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { relayWorld, SECRET, until } from '../../test/support/delivery-world.ts';
import { webhookPeer } from '../../test/support/backends/webhook-peer.ts';
import { eventSubscriber } from '../../test/support/event-subscriber.ts';
import { manualClock } from '../../test/support/clock.ts';
import { pipework } from '../../test/support/cli.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveBackend } from '../routing/manage.ts';
import { EVENT_TYPES } from '../core/events/event.ts';
import { erasePerson } from '../core/records/records.ts';
import { submitRequest } from '../core/requests/submit.ts';
import { recordUpdate } from '../core/requests/record-update.ts';
import { EventPusher } from '../events/pusher.ts';
import { pusherOptions } from '../events/start.ts';

// Erasure sent on, over real HTTP, on whichever dialect DATABASE_URL names:
// a webhook back-end and an event subscriber each receive it and their
// acknowledgements are recorded; the built-in case store and a back-end the
// request never reached are recorded as such.

type World = Awaited<ReturnType<typeof relayWorld>>;
let w: World;
let peer: Awaited<ReturnType<typeof webhookPeer>>;
let refusing: Awaited<ReturnType<typeof webhookPeer>>;
let sub: Awaited<ReturnType<typeof eventSubscriber>>;
before(async () => {
  w = await relayWorld({ publicUrl: 'https://reports.example.gov.uk', deliveryMaxAttempts: 1 });
  peer = await webhookPeer({ secret: SECRET });
  // Signed with another secret: it refuses every call with 401, so its jobs are dead at once.
  refusing = await webhookPeer({ secret: 'another-secret-0123456789abcdef' });
  sub = await eventSubscriber();
});
after(async () => {
  await w.close();
  await peer.close();
  await refusing.close();
  await sub.close();
});

test('an erasure reaches a webhook back-end and a subscriber, each acknowledgement recorded', async () => {
  // The pusher's clock is an hour ahead, so the subscription made at wall-clock time is due at once.
  const clock = manualClock(new Date(Date.now() + 3_600_000));
  // Only created events asked for: the erasure comes all the same.
  const created = await w.app.inject({ method: 'POST', url: '/admin/api/subscriptions', headers: { authorization: `Bearer ${w.adminKey}` }, payload: { url: sub.url, types: [EVENT_TYPES.requestCreated] } });
  assert.equal(created.statusCode, 201, created.body);
  sub.state.secret = created.json().secret;
  const subscriptionId = created.json().id as string;

  const inBuiltin = await w.submit('Kept in the built-in case store');
  await w.webhook('streets', peer.url);
  await w.route('pothole', 'streets');
  const atStreets = await w.submit('Sent to streets');
  // A file drop has no way to say "erase": the erasure is recorded for the council to pass on.
  const dir = mkdtempSync(join(tmpdir(), 'pipework-erasure-'));
  await saveBackend(w.store, { name: 'batch', kind: 'file-drop', config: { outbox: join(dir, 'out'), inbox: join(dir, 'in'), intervalSeconds: 1 } }, 'test');
  await w.route('pothole', 'batch');
  const inFile = await w.submit('Written to a file');
  await w.webhook('refusing', refusing.url);
  await w.route('pothole', 'refusing');
  const neverArrived = await w.submit('Refused by its back-end');

  w.relay();
  await until(async () => (await w.store.deliveries.forRequest(atStreets.id)).some((d) => d.state === 'delivered'), 10_000, 'delivery to streets');
  await until(async () => (await w.store.deliveries.forRequest(neverArrived.id)).some((d) => d.state === 'dead'), 10_000, 'refusal');
  await until(async () => (await w.store.deliveries.forRequest(inFile.id)).some((d) => d.state === 'delivered'), 10_000, 'the file drop');

  const erased = await erasePerson(w.store, 'example', { email: 'ADA@example.org' }, 'test', manualClock(new Date()));
  assert.deepEqual(erased.requestIds.sort(), [inBuiltin.id, atStreets.id, inFile.id, neverArrived.id].sort());

  await until(async () => (await w.store.erasures.acks(erased.id)).filter((a) => a.target === 'backend').every((a) => a.state !== 'pending'), 10_000, 'back-ends to answer');
  const pusher = new EventPusher(w.store, pusherOptions(w.config), { warn() {}, error() {} }, clock);
  for (let i = 0; i < 20 && (await pusher.runOnce()) > 0; i++);
  await pusher.stop(); // gives up the pusher's lease for the next test

  const acks = await w.store.erasures.acks(erased.id);
  const of = (name: string, requestId?: string) => acks.find((a) => a.name === name && (requestId === undefined || a.requestId === requestId));
  assert.equal(of('streets', atStreets.id)?.state, 'confirmed');
  assert.match(of('streets', atStreets.id)!.detail!, /ERASURE-1/);
  assert.equal(of('builtin', inBuiltin.id)?.state, 'confirmed');
  assert.equal(of('refusing', neverArrived.id)?.state, 'recorded');
  assert.match(of('refusing', neverArrived.id)!.detail!, /never reached/);
  assert.equal(of('batch', inFile.id)?.state, 'recorded');
  assert.match(of('batch', inFile.id)!.detail!, new RegExp(`a file-drop back-end cannot be sent an erasure: tell its owner to erase reference \\S+`));
  assert.equal(of(subscriptionId)?.state, 'confirmed');
  assert.ok(of(subscriptionId)?.ackedAt);

  assert.equal(peer.erasures.length, 1, 'sent once');
  assert.equal(peer.erasures[0].reference, 'CASE-1');
  assert.equal(peer.erasures[0].service_request_id, atStreets.id);
  assert.equal(refusing.erasures.length, 0);
  const event = sub.events.find((e) => e.type === EVENT_TYPES.recordsErased);
  assert.ok(event, 'the subscriber received the erasure');
  assert.deepEqual([...(event!.data.request_ids as string[])].sort(), [...erased.requestIds].sort());
  assert.doesNotMatch(JSON.stringify(event), /ada@example\.org/i, 'the event names no one');
  assert.equal(sub.state.badSignatures, 0);

  // The same, as an operator reads it.
  const shown = await pipework(['records', 'erasure', erased.id], { DATABASE_URL: w.store.url! });
  assert.equal(shown.code, 0, shown.err);
  assert.match(shown.out, /3 of 5 confirmed/);
  assert.match(shown.out, new RegExp(`backend\tstreets\t${atStreets.id}\tconfirmed`));
  assert.match(shown.out, /backend\trefusing\t\d+\trecorded/);
  assert.equal((await pipework(['records', 'erasure', '999'], { DATABASE_URL: w.store.url! })).code, 1);
});

test("a person's comments on other people's reports: each back-end that was sent one is told to erase that comment alone, and answers are recorded", async () => {
  const clock = manualClock(new Date(Date.now() + 7_200_000));
  const report = (email: string) =>
    submitRequest(w.store, { jurisdictionId: 'example', serviceCode: 'pothole', description: 'Someone else’s pothole', attributes: { depth: 'deep' }, location: { lat: '51.5', long: '-0.12' }, contact: { email }, mediaUrls: [], source: 'test' });
  await w.route('pothole', 'streets');
  const atStreets = await report('bea@example.org');
  await w.route('pothole', 'batch');
  const inFile = await report('bea@example.org');
  const comment = (requestId: string, text: string) =>
    recordUpdate(w.store, { requestId, jurisdictionId: 'example', status: 'unchanged', description: text, mediaUrls: [], authorKind: 'resident', contact: { email: 'cai@example.org', firstName: 'Cai' } });
  const c1 = await comment(atStreets.id, 'It is deeper now');
  const c2 = await comment(atStreets.id, 'A car hit it');
  const c3 = await comment(inFile.id, 'Still there');
  await until(async () => {
    const all = [...(await w.store.deliveries.forRequest(atStreets.id)), ...(await w.store.deliveries.forRequest(inFile.id))];
    return all.filter((d) => d.kind === 'update' && d.state === 'delivered').length === 3;
  }, 15_000, 'the comments delivered');
  const caseRef = (await w.store.deliveries.forRequest(atStreets.id)).find((d) => d.kind === 'request')!.externalRef;
  const before = peer.erasures.length;

  const erased = await erasePerson(w.store, 'example', { email: 'cai@example.org' }, 'test', manualClock(new Date()));
  assert.deepEqual(erased.requestIds, [], 'Cai reported nothing of their own');
  await until(async () => (await w.store.erasures.acks(erased.id)).filter((a) => a.target === 'backend').every((a) => a.state !== 'pending'), 10_000, 'back-ends to answer');
  const pusher = new EventPusher(w.store, pusherOptions(w.config), { warn() {}, error() {} }, clock);
  for (let i = 0; i < 20 && (await pusher.runOnce()) > 0; i++);
  await pusher.stop(); // gives up the pusher's lease for the next test

  const acks = (await w.store.erasures.acks(erased.id)).filter((a) => a.target === 'backend');
  assert.deepEqual(
    acks.map((a) => [a.name, a.requestId, a.updateId, a.state]).sort(),
    [['batch', inFile.id, c3.id, 'recorded'], ['streets', atStreets.id, c1.id, 'confirmed'], ['streets', atStreets.id, c2.id, 'confirmed']].sort(),
  );
  assert.match(acks.find((a) => a.name === 'batch')!.detail!, new RegExp(`tell its owner to erase comment ${c3.id} on reference \\S+`));
  // The webhook back-end got one update.erased per comment, naming the comment; never request.erased for Bea's report.
  const sent = peer.erasures.slice(before);
  assert.deepEqual(sent.map((e) => [e.event, e.reference, e.service_request_id, e.update_id]).sort(), [['update.erased', caseRef, atStreets.id, c1.id], ['update.erased', caseRef, atStreets.id, c2.id]].sort());
  assert.ok(peer.erasures.every((e) => e.service_request_id !== atStreets.id || e.event === 'update.erased'));
  // In Pipework: the comments blanked, Bea's report as it was.
  assert.equal((await w.store.requests.get('example', atStreets.id))?.description, 'Someone else’s pothole');
  const history = await w.store.requests.history('example', atStreets.id, { internal: true });
  assert.ok(!history.some((u) => /deeper|car hit/.test(u.description)), 'the comments are blanked');
  assert.equal((await w.store.requests.contact('example', atStreets.id))?.email, 'bea@example.org');
  // Subscribers hear of it in the same erasure event, and acknowledge it.
  const event = sub.events.find((e) => e.type === EVENT_TYPES.recordsErased && e.data.erasure_id === erased.id);
  assert.ok(event, 'the subscriber received the erasure');
  assert.deepEqual([...(event!.data.update_ids as string[])].sort(), [c1.id, c2.id, c3.id].sort());
  assert.deepEqual((await w.store.erasures.acks(erased.id)).filter((a) => a.target === 'subscriber').map((a) => a.state), ['confirmed']);

  const shown = await pipework(['records', 'erasure', erased.id], { DATABASE_URL: w.store.url! });
  assert.equal(shown.code, 0, shown.err);
  assert.match(shown.out, new RegExp(`backend\tstreets\t${atStreets.id} comment ${c1.id}\tconfirmed`));
  const api = await w.app.inject({ url: `/admin/api/records/example/erasures/${erased.id}`, headers: { authorization: `Bearer ${w.adminKey}` } });
  assert.equal(api.statusCode, 200, api.body);
  const listed = (api.json().acknowledgements as { name: string; request_id: string; update_id: string | null; state: string }[]).filter((a) => a.name === 'streets');
  assert.deepEqual(listed.map((a) => [a.request_id, a.update_id, a.state]).sort(), [[atStreets.id, c1.id, 'confirmed'], [atStreets.id, c2.id, 'confirmed']].sort());
});
