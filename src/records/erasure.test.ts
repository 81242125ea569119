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
