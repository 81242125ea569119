import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { relayWorld } from '../../test/support/delivery-world.ts';
import { recordUpdate } from '../core/requests/record-update.ts';
import { insertEvents } from './events.ts';
import { newEvent, EVENT_TYPES, type StoredEvent } from '../core/events/event.ts';
import type { NewRequestUpdate } from '../core/requests/request.ts';

// The event log on whichever dialect DATABASE_URL names: every change appends
// its events in its own transaction, and a reader polling `after` never skips one.

type World = Awaited<ReturnType<typeof relayWorld>>;
let w: World;
before(async () => {
  w = await relayWorld();
});
after(() => w.close());

const all = async () => {
  const out: StoredEvent[] = [];
  for (let after = 0; ; ) {
    const page = await w.store.events.read({ after, limit: 500 });
    if (!page.length) return out;
    out.push(...page);
    after = page.at(-1)!.seq;
  }
};
const ofRequest = async (id: string) => (await all()).filter((e) => e.requestId === id);
const update = (requestId: string, over: Partial<NewRequestUpdate> = {}): NewRequestUpdate => ({
  requestId,
  jurisdictionId: 'example',
  status: 'investigating',
  description: 'A crew is on the way',
  mediaUrls: [],
  authorKind: 'staff',
  contact: {},
  ...over,
});

test('a new request, a status change and a public update each append their events, without contact details', async () => {
  const req = await w.submit();
  await recordUpdate(w.store, update(req.id));
  await recordUpdate(w.store, update(req.id, { status: 'unchanged', description: 'Booked for Tuesday' }));
  const events = await ofRequest(req.id);
  assert.deepEqual(
    events.map((e) => e.type),
    [EVENT_TYPES.requestCreated, EVENT_TYPES.updateAdded, EVENT_TYPES.statusChanged, EVENT_TYPES.updateAdded],
  );
  assert.deepEqual(events[2].data.previous_status, 'open');
  assert.deepEqual(events[2].data.status, 'investigating');
  assert.equal(events[3].data.description, 'Booked for Tuesday');
  assert.ok(!JSON.stringify(events).includes('ada@example.org'), 'no contact details in events');
  for (let i = 1; i < events.length; i++) assert.ok(events[i].seq > events[i - 1].seq);
});

test('an internal note makes a note event without its text; a flagged change makes none', async () => {
  const req = await w.submit();
  await recordUpdate(w.store, update(req.id, { status: 'unchanged', description: 'Resident was rude on the phone', internal: true }));
  await w.store.requests.addUpdate(update(req.id, { status: 'fixed', flag: 'Not applied: not allowed' }));
  const events = await ofRequest(req.id);
  assert.deepEqual(events.map((e) => e.type), [EVENT_TYPES.requestCreated, EVENT_TYPES.noteAdded]);
  assert.equal(events[1].data.internal, true);
  assert.ok(!JSON.stringify(events[1]).includes('rude'));
});

test('a route change and a dead-lettered delivery append their events', async () => {
  await w.webhook('hook', 'http://127.0.0.1:9/never');
  await w.route('pothole', 'hook');
  const req = await w.submit();
  const job = (await w.store.deliveries.claim({ worker: 'w1', limit: 100, leaseMs: 10_000 })).find((j) => j.requestId === req.id)!;
  assert.equal(job.backend, 'hook');
  await w.store.deliveries.complete('w1', [{ deliveryId: job.id, startedAt: Date.now(), finishedAt: Date.now(), outcome: 'dead', error: 'refused' }]);
  const events = await all();
  const route = events.find((e) => e.type === EVENT_TYPES.routeChanged);
  assert.equal(route?.serviceCode, 'pothole');
  assert.equal((route?.data.after as { primary: string }).primary, 'hook');
  const dead = events.find((e) => e.type === EVENT_TYPES.deliveryDeadLettered);
  assert.equal(dead?.requestId, req.id);
  assert.equal(dead?.data.backend, 'hook');
  assert.equal(dead?.data.error, 'refused');
  await w.route('pothole', 'builtin');
});

test('a reader polling `after` sees every event exactly once and in order while 40 writers race and one transaction commits late', async () => {
  const start = await w.store.events.lastSeq();
  const seen: number[] = [];
  let writing = true;
  const reader = (async () => {
    let after = start;
    while (writing || after < (await w.store.events.lastSeq()) || (await w.store.events.sequence()) > 0) {
      const page = await w.store.events.read({ after, limit: 7 });
      seen.push(...page.map((e) => e.seq));
      if (page.length) after = page.at(-1)!.seq;
      else await new Promise((r) => setTimeout(r, 5));
    }
  })();
  // A transaction that writes its event first and commits last: with numbers given at insert
  // it would hold a lower number than events committed after it, and a reader would skip it.
  const late = w.store.db.transaction().execute(async (trx) => {
    await insertEvents(trx, [newEvent({ type: EVENT_TYPES.noteAdded, jurisdictionId: 'example', data: { late: true } })]);
    await new Promise((r) => setTimeout(r, 300));
  });
  const created = await Promise.all(Array.from({ length: 20 }, () => w.submit()));
  await Promise.all(created.map((r) => recordUpdate(w.store, update(r.id))));
  await late;
  writing = false;
  await reader;
  const log = (await all()).filter((e) => e.seq > start);
  assert.equal(log.length, 20 + 20 * 2 + 1);
  assert.deepEqual(seen, log.map((e) => e.seq), 'the reader saw the whole log, in order, once');
  assert.deepEqual(log.map((e) => e.seq), log.map((_, i) => start + i + 1), 'numbers are strictly increasing without gaps');
  assert.ok(log.some((e) => e.data.late === true));
});

test('20 readers sequencing at once give each event one number', async () => {
  await Promise.all(Array.from({ length: 20 }, () => w.submit()));
  const pages = await Promise.all(Array.from({ length: 20 }, () => w.store.events.read({ after: 0, limit: 1000 })));
  const seqs = (await all()).map((e) => e.seq);
  assert.equal(new Set(seqs).size, seqs.length);
  for (const p of pages) assert.deepEqual(p.map((e) => e.seq), seqs.slice(0, p.length));
});
