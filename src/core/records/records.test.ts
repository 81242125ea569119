import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshStore } from '../../../test/support/db.ts';
import { manualClock } from '../../../test/support/clock.ts';
import { seedDemo } from '../../demo/seed.ts';
import { submitRequest } from '../requests/submit.ts';
import { recordUpdate } from '../requests/record-update.ts';
import { applyRetention, erasePerson, exportPerson } from './records.ts';
import { addPeriod } from './retention.ts';

const store = await freshStore();
after(() => store.close());
await seedDemo(store);
const J = 'example';

const report = (email: string, description: string, extra: Record<string, string> = {}) =>
  submitRequest(store, {
    jurisdictionId: J,
    serviceCode: 'pothole',
    description,
    attributes: { depth: 'deep', width_cm: '40', ...extra },
    location: { lat: '51.501234', long: '-0.141234', address: '12 Acacia Avenue' },
    contact: { firstName: 'Sam', email, phone: '07700 900123' },
    mediaUrls: [],
    source: 'test',
  });
const close = (id: string) => recordUpdate(store, { requestId: id, jurisdictionId: J, status: 'fixed', description: 'Filled', mediaUrls: [], authorKind: 'staff', contact: { firstName: 'Officer' } });

const alice = await report('alice@example.org', 'Outside my house, number 12');
const bob = await report('bob@example.org', 'By the school gates');
const held = await report('Alice@Example.org', 'Where I fell off my bike');
const open = await report('carol@example.org', 'Still open');
for (const r of [alice, bob, held]) await close(r.id);
// Alice comments on Bob's report: her comment is hers, Bob's report is not.
await recordUpdate(store, { requestId: bob.id, jurisdictionId: J, status: 'unchanged', description: 'I saw it too', mediaUrls: [], authorKind: 'resident', contact: { email: 'alice@example.org' } });
await store.records.setHold(J, held.id, 'Insurance claim 2026/114');
// A staff note about Alice's report is part of what is held about her.
await recordUpdate(store, { requestId: alice.id, jurisdictionId: J, status: 'unchanged', description: 'Caller was upset, rang twice', mediaUrls: [], authorKind: 'staff', contact: { firstName: 'Officer' }, internal: true });

test('a subject-access export holds every request and comment of the person, and nothing of anyone else', async () => {
  const clock = manualClock(new Date());
  const found = await exportPerson(store, J, { email: ' ALICE@example.org ' }, 'test', clock);
  assert.deepEqual(found.requests.map((r) => r.request.id).sort(), [alice.id, held.id].sort());
  assert.ok(found.requests.every((r) => r.contact?.email?.toLowerCase() === 'alice@example.org'));
  const aliceHistory = found.requests.find((r) => r.request.id === alice.id)!.history;
  assert.ok(aliceHistory.some((u) => u.description === 'Filled'));
  assert.ok(aliceHistory.some((u) => u.internal && u.description === 'Caller was upset, rang twice'), 'internal notes are part of the export');
  assert.deepEqual(found.comments.map((c) => [c.requestId, c.description]), [[bob.id, 'I saw it too']]);
  assert.doesNotMatch(JSON.stringify(found), /bob@example\.org|By the school gates|carol/);
  assert.equal(found.access.dueAt.toISOString(), addPeriod(clock.now(), '1 month').toISOString());
  assert.deepEqual((await store.records.accessRequests(J)).map((a) => a.kind), ['export']);
});

test('retention by the pattern on a simulated clock: dry run, contact erased, then anonymised; held and open requests untouched', async () => {
  // Potholes (LGSL 557) keep contact details 3 years and the record 7 years after closing.
  const clock = manualClock(addPeriod(new Date(), '4 years'));
  const dry = await applyRetention(store, J, { dryRun: true, clock });
  assert.deepEqual(dry.services.map((s) => [s.serviceCode, s.contactErased.sort(), s.anonymised]), [['pothole', [alice.id, bob.id].sort(), []]]);
  assert.ok(await store.requests.contact(J, alice.id), 'a dry run changes nothing');

  await applyRetention(store, J, { dryRun: false, clock });
  assert.equal(await store.requests.contact(J, alice.id), undefined);
  assert.equal(await store.requests.contact(J, bob.id), undefined);
  assert.ok(await store.requests.contact(J, held.id), 'a held request keeps its contact details');
  assert.ok(await store.requests.contact(J, open.id), 'an open request keeps its contact details');
  assert.equal((await store.requests.get(J, alice.id))!.description, 'Outside my house, number 12', 'the record itself stays until its own period');

  clock.set(addPeriod(new Date(), '8 years'));
  const run = await applyRetention(store, J, { dryRun: false, clock });
  assert.deepEqual(run.services[0].anonymised.sort(), [alice.id, bob.id].sort());
  const gone = (await store.requests.get(J, alice.id))!;
  assert.equal(gone.description, undefined);
  assert.equal(gone.location.address, undefined);
  assert.deepEqual(gone.attributes, { depth: 'deep' }, 'list answers stay for statistics; free text and numbers go');
  assert.deepEqual([gone.serviceCode, gone.status, gone.location.lat, gone.location.long], ['pothole', 'fixed', 51.501, -0.141]);
  assert.ok((await store.requests.history(J, bob.id)).every((u) => u.description === '' && !u.contact.email));
  assert.equal((await store.requests.get(J, held.id))!.description, 'Where I fell off my bike');
  assert.equal((await applyRetention(store, J, { dryRun: false, clock })).services.length, 0, 'a second run has nothing left to do');
});

test('erasure anonymises every request about the person and blanks their comments', async () => {
  const clock = manualClock(new Date());
  const erased = await erasePerson(store, J, { phone: '07700 900123' }, 'test', clock);
  assert.ok(erased.requestIds.includes(open.id) && erased.requestIds.includes(held.id));
  assert.equal(await store.requests.contact(J, open.id), undefined);
  assert.equal((await store.requests.get(J, open.id))!.description, undefined);
  assert.deepEqual((await exportPerson(store, J, { phone: '07700900123' }, 'test', clock)).requests, []);
  await assert.rejects(exportPerson(store, J, {}, 'test', clock), /an email address or a phone number/);
});
