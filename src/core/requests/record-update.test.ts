import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { freshStore } from '../../../test/support/db.ts';
import { manualClock } from '../../../test/support/clock.ts';
import { seedDemo } from '../../demo/seed.ts';
import { PipeworkError } from '../errors.ts';
import type { AuthorKind } from './request.ts';
import { submitRequest } from './submit.ts';
import { recordUpdate, recordUpdateOnce } from './record-update.ts';

// recordUpdate on a real store, on whichever dialect DATABASE_URL names: races are run for real.

let store: Awaited<ReturnType<typeof freshStore>>;
const clock = manualClock(new Date('2026-06-01T09:00:00Z'));
before(async () => {
  store = await freshStore();
  await seedDemo(store);
});
after(() => store.close());

const pothole = () =>
  submitRequest(store, { jurisdictionId: 'example', serviceCode: 'pothole', attributes: { depth: 'deep' }, location: { lat: '51.5', long: '-0.12' }, contact: {}, mediaUrls: [], source: 'test' }, { clock });
const change = (requestId: string, status: string, authorKind: AuthorKind, over: object = {}) => ({
  requestId, jurisdictionId: 'example', status: status as never, description: `to ${status}`, mediaUrls: [], authorKind, contact: {}, ...over,
});
// From open the pothole process allows each of these, and none of them leads to another.
const CLOSINGS = ['fixed', 'duplicate', 'not_councils_responsibility', 'no_further_action'];

test('20 staff changes racing on one request: exactly one applies, the other 19 are refused and nothing of theirs is stored', async () => {
  const r = await pothole();
  // Each officer chose from a page showing "open", as the console's form says (seenStatus).
  const results = await Promise.allSettled(
    Array.from({ length: 20 }, (_, i) => recordUpdate(store, change(r.id, CLOSINGS[i % CLOSINGS.length], 'staff', { seenStatus: 'open' }), { clock })),
  );
  const applied = results.flatMap((x) => (x.status === 'fulfilled' ? [x.value] : []));
  const refused = results.flatMap((x) => (x.status === 'rejected' ? [x.reason as PipeworkError] : []));
  assert.equal(applied.length, 1, `one applied, got ${applied.map((u) => u.status)}`);
  assert.equal(refused.length, 19);
  assert.ok(refused.every((e) => e instanceof PipeworkError && e.code === 'TRANSITION_NOT_ALLOWED'), String(refused.find((e) => !(e instanceof PipeworkError))));
  const now = await store.requests.get('example', r.id);
  assert.equal(now!.status, applied[0].status);
  assert.deepEqual((await store.requests.history('example', r.id)).map((u) => u.id), [applied[0].id]);
});

test('20 back-end changes racing on one request: one closing applies, the other closings are kept in history flagged', async () => {
  const r = await pothole();
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => recordUpdate(store, change(r.id, CLOSINGS[i % CLOSINGS.length], 'backend'), { clock })));
  const final = (await store.requests.get('example', r.id))!.status;
  // A back-end sends no status it saw: one read after the winner committed that repeats the
  // request's status is a re-statement and stands; every other closing is flagged.
  const applied = results.filter((u) => !u.flag);
  assert.ok(applied.length >= 1 && applied.every((u) => u.status === final), `applied: ${applied.map((u) => u.status)}, final ${final}`);
  assert.ok(results.filter((u) => u.status !== final).every((u) => /^Not applied: /.test(u.flag ?? '')));
  assert.equal(results.filter((u) => u.status !== final).length, 15);
  const history = await store.requests.history('example', r.id);
  assert.equal(history.length, 20);
  assert.deepEqual(new Set(history.filter((u) => !u.flag).map((u) => u.status)), new Set([final]));
});

test('a change that loses a race is decided again against the new status, and applies when the process allows it from there', async () => {
  const r = await pothole();
  // open → investigating and open → action_scheduled race; investigating → action_scheduled is allowed too.
  const [a, b] = await Promise.all([
    recordUpdate(store, change(r.id, 'investigating', 'backend'), { clock }),
    recordUpdate(store, change(r.id, 'action_scheduled', 'backend'), { clock }),
  ]);
  const history = await store.requests.history('example', r.id);
  const final = (await store.requests.get('example', r.id))!.status;
  if (history[0].id === a.id) {
    // investigating first, then action_scheduled from there: both applied.
    assert.deepEqual([a.flag, b.flag, final], [undefined, undefined, 'action_scheduled']);
  } else {
    // action_scheduled first: action_scheduled → investigating is not in the process, so it is flagged.
    assert.equal(b.flag, undefined);
    assert.match(a.flag ?? '', /may not move to "investigating"/);
    assert.equal(final, 'action_scheduled');
  }
});

test('one update id re-sent 20 times at once is stored once, and every answer is that update', async () => {
  const r = await pothole();
  const results = await Promise.all(
    Array.from({ length: 20 }, () => recordUpdateOnce(store, change(r.id, 'investigating', 'backend', { externalId: 'streets:u-77' }), { clock })),
  );
  assert.equal(new Set(results.map((x) => x.update.id)).size, 1);
  assert.equal(results.filter((x) => !x.duplicate).length, 1);
  const history = await store.requests.history('example', r.id);
  assert.equal(history.length, 1);
  assert.equal(history[0].flag, undefined);
  assert.equal((await store.requests.get('example', r.id))!.status, 'investigating');
  // The same id on another request is another update.
  const other = await pothole();
  const there = await recordUpdateOnce(store, change(other.id, 'investigating', 'backend', { externalId: 'streets:u-77' }), { clock });
  assert.equal(there.duplicate, false);
});

test("the sender's time stays on the update; the request's own time stays between its creation and now", async () => {
  const r = await pothole();
  clock.advance(60_000);
  const future = await recordUpdate(store, change(r.id, 'unchanged', 'resident', { updatedAt: new Date('2031-01-01T00:00:00Z'), description: 'From a phone with its clock wrong' }), { clock });
  assert.equal(future.updatedAt.toISOString(), '2031-01-01T00:00:00.000Z');
  assert.equal((await store.requests.get('example', r.id))!.updatedAt.getTime(), clock.now().getTime());
  const past = await recordUpdate(store, change(r.id, 'investigating', 'backend', { updatedAt: new Date('2001-01-01T00:00:00Z') }), { clock });
  assert.equal(past.updatedAt.toISOString(), '2001-01-01T00:00:00.000Z');
  const after = (await store.requests.get('example', r.id))!;
  assert.equal(after.updatedAt.getTime(), r.requestedAt.getTime());
  assert.equal(after.status, 'investigating');
  // The target clock starts when the request entered the status in Pipework's time, not in 2001.
  assert.ok(after.expectedAt! > r.requestedAt);
});

test('a resident OPEN is a comment on an open and on a closed request; REOPEN reopens', async () => {
  const r = await pothole();
  const open = await recordUpdate(store, change(r.id, 'open', 'resident'), { clock });
  assert.equal(open.status, 'unchanged');
  await recordUpdate(store, change(r.id, 'fixed', 'backend'), { clock });
  const onClosed = await recordUpdate(store, change(r.id, 'open', 'resident', { description: 'Thanks!' }), { clock });
  assert.deepEqual([onClosed.status, onClosed.flag], ['unchanged', undefined]);
  assert.equal((await store.requests.get('example', r.id))!.status, 'fixed');
  const reopened = await recordUpdate(store, change(r.id, 'reopen', 'resident', { description: 'It is back' }), { clock });
  assert.equal(reopened.flag, undefined);
  assert.equal((await store.requests.get('example', r.id))!.status, 'reopen');
});

test('an update for a request that is not there is REQUEST_NOT_FOUND', async () => {
  await assert.rejects(recordUpdate(store, change('999999', 'fixed', 'backend'), { clock }), (e: PipeworkError) => e.code === 'REQUEST_NOT_FOUND');
});
