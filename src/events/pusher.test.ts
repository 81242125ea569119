import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { relayWorld } from '../../test/support/delivery-world.ts';
import { eventSubscriber } from '../../test/support/event-subscriber.ts';
import { manualClock } from '../../test/support/clock.ts';
import { recordUpdate } from '../core/requests/record-update.ts';
import { EventPusher } from './pusher.ts';
import { pusherOptions } from './start.ts';

// Push subscriptions over real HTTP, on whichever dialect DATABASE_URL names,
// with time moved by a manual clock (days pass in milliseconds).

type World = Awaited<ReturnType<typeof relayWorld>>;
let w: World;
const HOUR = 3_600_000;
// An hour ahead of the wall clock, so a subscription made through the admin API (at wall-clock time) is due at once.
const clock = manualClock(new Date(Date.now() + HOUR));
let pusher: EventPusher;
before(async () => {
  w = await relayWorld({ publicUrl: 'https://reports.example.gov.uk', eventsPushBackoffMs: 60_000, eventsPushBackoffMaxMs: HOUR });
  pusher = new EventPusher(w.store, pusherOptions(w.config), { warn() {}, error() {} }, clock);
});
after(() => w.close());

const admin = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
  w.app.inject({ method, url: `/admin/api${url}`, headers: { authorization: `Bearer ${w.adminKey}` }, ...(payload ? { payload } : {}) });
const subscribe = async (sub: Awaited<ReturnType<typeof eventSubscriber>>, body: object = {}) => {
  const res = await admin('POST', '/subscriptions', { url: sub.url, ...body });
  assert.equal(res.statusCode, 201, res.body);
  sub.state.secret = res.json().secret;
  return res.json() as { id: string; cursor: number; secret: string };
};
const status = async (id: string) => (await admin('GET', `/subscriptions/${id}`)).json();
/** Rounds until nothing is due now. */
const drain = async () => {
  for (let i = 0; i < 50 && (await pusher.runOnce()) > 0; i++);
};
/** Moves the clock to the subscription's next try and runs a round, until `until` is reached. */
const retryUntil = async (id: string, until: number) => {
  let rounds = 0;
  for (;;) {
    const s = await status(id);
    const next = Date.parse(s.next_attempt_at);
    if (s.state === 'paused' || next > until) return rounds;
    clock.set(new Date(next));
    await pusher.runOnce();
    rounds++;
  }
};
const someChanges = async () => {
  const made = [await w.submit(), await w.submit()];
  await recordUpdate(w.store, { requestId: made[0].id, jurisdictionId: 'example', status: 'action_scheduled', description: 'Booked', mediaUrls: [], authorKind: 'staff', contact: {} });
  return made;
};

test('after the web-hook handshake, every event from now on arrives once, in order, signed, as structured CloudEvents', async () => {
  await w.submit(); // before the subscription: not sent
  const sub = await eventSubscriber();
  try {
    const { id, cursor } = await subscribe(sub);
    assert.equal((await status(id)).state, 'validating');
    await someChanges();
    const before = { ...pusher.stats };
    await drain();
    // Four events in one round: one read of the log for them all, counted for /metrics.
    assert.equal(pusher.stats.pushed - before.pushed, 4);
    assert.equal(pusher.stats.rounds - before.rounds, 1);
    assert.deepEqual(sub.state.handshakes, ['reports.example.gov.uk']);
    assert.equal((await status(id)).state, 'active');
    const log = (await w.store.events.read({ after: cursor, limit: 1000 })).map((e) => e.seq);
    assert.equal(log.length, 4);
    assert.deepEqual(sub.events.map((e) => e.seq), log);
    assert.equal(sub.state.badSignatures, 0);
    assert.deepEqual([...sub.state.contentTypes], ['application/cloudevents+json; charset=utf-8']);
    assert.equal(sub.events[0].type, 'uk.pipework.request.created');
    assert.equal((sub.events[0] as unknown as { source: string }).source, 'https://reports.example.gov.uk/councils/example');
    assert.equal((await status(id)).cursor, log.at(-1));
  } finally {
    await sub.close();
    await drain();
  }
});

test('nothing is sent to a URL that does not consent in the handshake', async () => {
  const sub = await eventSubscriber();
  sub.state.consent = false;
  try {
    const { id } = await subscribe(sub);
    await w.submit();
    await drain();
    assert.equal(sub.events.length, 0);
    const s = await status(id);
    assert.equal(s.state, 'validating');
    assert.match(s.last_error, /WebHook-Allowed-Origin is missing/);
    assert.equal((await admin('DELETE', `/subscriptions/${id}`)).statusCode, 204);
  } finally {
    await sub.close();
  }
});

test('filters by type and council', async () => {
  const sub = await eventSubscriber();
  try {
    await subscribe(sub, { types: ['uk.pipework.request.status_changed'], councils: ['example'] });
    const [first] = await someChanges();
    await drain();
    assert.deepEqual(sub.events.map((e) => [e.type, e.data.service_request_id]), [['uk.pipework.request.status_changed', first.id]]);
    const bad = await admin('POST', '/subscriptions', { url: sub.url, types: ['uk.pipework.nothing'], councils: ['atlantis'] });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json().error.problems.map((p: { field: string }) => p.field), ['types', 'councils']);
    assert.equal((await admin('POST', '/subscriptions', { url: 'ftp://x' })).statusCode, 400);
  } finally {
    await sub.close();
  }
});

test('a subscriber down for three days is retried with backoff, then catches up in order', async () => {
  const sub = await eventSubscriber();
  try {
    const { id, cursor } = await subscribe(sub);
    await drain();
    sub.state.down = true;
    await someChanges();
    await drain();
    const wentDown = clock.now().getTime();
    const rounds = await retryUntil(id, wentDown + 72 * HOUR);
    const during = await status(id);
    assert.equal(during.state, 'active', 'still retrying after three days');
    assert.ok(rounds >= 70 && during.failures >= 70, `retried ${rounds} times over three days`);
    assert.equal(sub.events.length, 0);
    await someChanges(); // more events while it is down
    sub.state.down = false;
    clock.set(new Date(Date.parse((await status(id)).next_attempt_at)));
    await drain();
    const log = (await w.store.events.read({ after: cursor, limit: 1000 })).map((e) => e.seq);
    assert.equal(log.length, 8);
    assert.deepEqual(sub.events.map((e) => e.seq), log, 'every event, in order');
    assert.equal(sub.state.repeats, 0);
    assert.equal((await status(id)).failures, 0);
  } finally {
    await sub.close();
  }
});

test('after days of failures the subscription pauses; a replay from a sequence number resumes it from there', async () => {
  const sub = await eventSubscriber();
  try {
    const { id } = await subscribe(sub);
    await drain();
    sub.state.down = true;
    await someChanges();
    await drain();
    await retryUntil(id, clock.now().getTime() + 200 * HOUR);
    const paused = await status(id);
    assert.equal(paused.state, 'paused');
    assert.equal(paused.next_attempt_at, null);
    assert.match(paused.last_error, /answered 503/);
    const refused = sub.state.refused;
    clock.advance(24 * HOUR);
    await drain();
    assert.equal(sub.state.refused, refused, 'a paused subscription is left alone');
    sub.state.down = false;
    const from = paused.cursor; // from one event before it went down: a replay sends whatever the operator asks for
    const replay = await admin('POST', `/subscriptions/${id}/replay`, { from });
    assert.equal(replay.statusCode, 200);
    assert.equal(replay.json().state, 'active');
    await drain();
    const log = (await w.store.events.read({ after: from - 1, limit: 1000 })).map((e) => e.seq);
    assert.equal(log[0], from);
    assert.deepEqual(sub.events.map((e) => e.seq), log);
    assert.equal((await admin('POST', `/subscriptions/${id}/replay`, { from: 0 })).statusCode, 400);
    assert.equal((await admin('POST', '/subscriptions/nope/replay', { from: 1 })).statusCode, 404);
  } finally {
    await sub.close();
  }
});
