import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../../test/support/app.ts';
import { staffClient, staffUser } from '../../../test/support/staff.ts';
import { submitRequest } from '../requests/submit.ts';
import { assignCase, assigneeName, type Actor } from './work.ts';
import { bulkChange } from './bulk.ts';
import { deactivateStaff, setStaffRole, type PeopleActor } from '../staff/people.ts';
import { mayWork } from './eligible.ts';
import { PipeworkError } from '../errors.ts';
import { systemClock } from '../clock.ts';

// Assignment and the changes that make an officer ineligible, raced for real on this
// dialect's database (decision 0175): many assignments to an officer at the moment an
// admin deactivates them or changes their role. At the end no open case is theirs,
// every refusal is NOT_ASSIGNABLE, and each case's audit trail ends where the case is.

let w: Awaited<ReturnType<typeof demoApp>>;
let ada: PeopleActor;
let sam: Actor;
const clock = systemClock;

const submit = (serviceCode: string, n: number) =>
  submitRequest(w.store, { jurisdictionId: 'example', serviceCode, description: `Race case ${n}`, attributes: serviceCode === 'pothole' ? { depth: 'deep' } : { offensive: 'no' }, location: { address: '1 High Street' }, contact: { email: 'resident@example.com' }, mediaUrls: [], source: 'web' });

before(async () => {
  w = await demoApp();
  const admin = await staffUser(w.store, 'ada@example.gov.uk', 'admin', 'example', 'Ada Admin');
  ada = { userId: admin.id, email: admin.email, jurisdictionId: 'example' };
  const supervisor = await staffUser(w.store, 'sam@example.gov.uk', 'supervisor', 'example', 'Sam Supervisor');
  await w.store.staff.users.setTeam(supervisor.id, 'example', 'Highways');
  sam = { userId: supervisor.id, email: supervisor.email, name: supervisor.name, jurisdictionId: 'example', role: 'supervisor', team: 'Highways' };
});
after(() => w.close());

/** NOT_ASSIGNABLE as the console shows it: a 400 on the assignee field. */
const isNotAssignable = (err: unknown) =>
  err instanceof PipeworkError && err.code === 'INVALID_INPUT' && err.status === 400 && err.problems[0]?.field === 'assignee' && err.message === 'Choose an officer or team of this council';

/** An officer in team Highways with `held` open pothole cases already theirs, and `fresh` unassigned ones. */
async function officerWithCases(email: string, held: number, fresh: number, service = 'pothole') {
  const officer = await staffUser(w.store, email, 'officer', 'example', email.split('@')[0]);
  await w.store.staff.users.setTeam(officer.id, 'example', 'Highways');
  const heldIds: string[] = [];
  for (let i = 0; i < held; i++) {
    const id = (await submit(service, i)).id;
    await assignCase(w.store, clock, sam, id, { userId: officer.id });
    heldIds.push(id);
  }
  const freshIds: string[] = [];
  for (let i = 0; i < fresh; i++) freshIds.push((await submit(service, i)).id);
  return { officer, heldIds, freshIds };
}

/** Each case's case.assign entries, oldest first, chain from nobody to where the case is now. */
async function auditAgrees(ids: string[]) {
  for (const id of ids) {
    const entries = (await w.store.staff.audit.list({ jurisdictionId: 'example', requestId: id, actions: ['case.assign'], limit: 100 })).reverse();
    let at: string | undefined;
    for (const e of entries) {
      assert.equal(e.before, at, `case ${id}: an audit entry starts where the one before it ended`);
      at = e.after;
    }
    assert.equal(at, await assigneeName(w.store.staff.users, await w.store.staff.assignments.of('example', id)), `case ${id}: the audit log ends where the case is`);
  }
}

/** No open case of the officer's is one they may not work. */
async function noneIneligible(userId: string, ids: string[]) {
  const user = await w.store.staff.users.get(userId);
  for (const id of ids) {
    const a = await w.store.staff.assignments.of('example', id);
    if (a?.userId !== userId) continue;
    const request = (await w.store.requests.get('example', id))!;
    assert.ok(mayWork(user, 'example', await w.store.services.get('example', request.serviceCode)), `case ${id} is with an officer who cannot work it`);
  }
}

/**
 * Fires single assignments and two bulk assignments of `freshIds` to the officer, with `change`
 * placed among them at `position` (0..1), all at once; returns how many went through and were refused.
 */
async function race(officerId: string, freshIds: string[], position: number, change: () => Promise<unknown>) {
  type Start = { kind: 'single' | 'bulk' | 'change'; start: () => Promise<unknown> };
  const singles = freshIds.slice(0, -8);
  const starts: Start[] = singles.map((id) => ({ kind: 'single', start: () => assignCase(w.store, clock, sam, id, { userId: officerId }, 'race') }));
  for (const ids of [freshIds.slice(-8, -4), freshIds.slice(-4)]) {
    starts.splice(Math.round(starts.length / 3), 0, { kind: 'bulk', start: () => bulkChange(w.store, clock, sam, ids, { kind: 'assign', to: { userId: officerId } }, 'race in bulk') });
  }
  starts.splice(Math.round(starts.length * position), 0, { kind: 'change', start: change });
  // All started at once, in this order.
  const settled = await Promise.allSettled(starts.map((s) => s.start()));
  let done = 0;
  let refused = 0;
  settled.forEach((s, i) => {
    const { kind } = starts[i];
    if (kind === 'change') assert.equal(s.status, 'fulfilled', `the change itself went through: ${(s as PromiseRejectedResult).reason}`);
    else if (kind === 'bulk') {
      assert.equal(s.status, 'fulfilled', `a bulk change never fails whole: ${(s as PromiseRejectedResult).reason}`);
      const r = (s as PromiseFulfilledResult<Awaited<ReturnType<typeof bulkChange>>>).value;
      done += r.done.length;
      refused += r.refused.length;
      for (const x of r.refused) assert.equal(x.message, 'Choose an officer or team of this council');
    } else if (s.status === 'fulfilled') done++;
    else {
      assert.ok(isNotAssignable(s.reason), `a refused assignment is NOT_ASSIGNABLE, not ${(s.reason as Error)?.stack ?? s.reason}`);
      refused++;
    }
  });
  assert.equal(done + refused, freshIds.length);
  return { done, refused };
}

for (const [position, label] of [[0, 'first'], [0.5, 'midway'], [1, 'last']] as const) {
  test(`deactivating an officer while 24 assignments to them run (the deactivation started ${label}): no open case is left with them`, async (t) => {
    const { officer, heldIds, freshIds } = await officerWithCases(`gone-${label}@example.gov.uk`, 6, 24);
    const { done, refused } = await race(officer.id, freshIds, position, () => deactivateStaff(w.store, ada, officer.id, clock.now()));
    t.diagnostic(`${w.store.dialect}: ${done} assigned before the deactivation (then handed over), ${refused} refused`);
    assert.ok((await w.store.staff.users.get(officer.id))!.disabledAt);
    const all = [...heldIds, ...freshIds];
    for (const id of all) {
      const a = await w.store.staff.assignments.of('example', id);
      assert.notEqual(a?.userId, officer.id, `case ${id} is still with the deactivated officer`);
      // Those that reached the officer went on to their team, where Sam still works potholes.
      if (a) assert.deepEqual(a, { team: 'Highways' });
    }
    const handedOver = (await w.store.staff.audit.list({ jurisdictionId: 'example', actions: ['case.assign'], actor: ada.email, limit: 200 })).filter((e) => all.includes(e.requestId!));
    assert.equal(handedOver.length, heldIds.length + done, 'every case that reached them was handed over, each with an entry');
    for (const e of handedOver) assert.equal(e.reason, `${officer.name} was deactivated`);
    await auditAgrees(all);
  });
}

test('changing an officer to an agent while assignments to them run: none is left with them; a second officer’s cases are untouched', async (t) => {
  const { officer, heldIds, freshIds } = await officerWithCases('demoted@example.gov.uk', 6, 24);
  const other = await officerWithCases('stays@example.gov.uk', 3, 0);
  const { done, refused } = await race(officer.id, freshIds, 0.5, () => setStaffRole(w.store, ada, officer.id, { role: 'agent', team: 'Highways' }, clock.now()));
  t.diagnostic(`${w.store.dialect}: ${done} assigned before the role change (then handed over), ${refused} refused`);
  assert.equal((await w.store.staff.users.get(officer.id))!.roles[0].role, 'agent');
  const all = [...heldIds, ...freshIds];
  for (const id of all) assert.notEqual((await w.store.staff.assignments.of('example', id))?.userId, officer.id);
  for (const id of other.heldIds) assert.equal(await w.store.staff.assignments.get('example', id), other.officer.id);
  await noneIneligible(officer.id, all);
  await auditAgrees([...all, ...other.heldIds]);
  // An agent is refused from now on.
  await assert.rejects(assignCase(w.store, clock, sam, freshIds[0], { userId: officer.id }), isNotAssignable);
});

test('taking a service out of an officer’s groups hands over only those cases, even as assignments of both kinds run', async () => {
  const { officer, heldIds: potholes, freshIds: freshPotholes } = await officerWithCases('narrowed@example.gov.uk', 4, 12);
  const graffiti: string[] = [];
  for (let i = 0; i < 4; i++) {
    const id = (await submit('graffiti', i)).id;
    await assignCase(w.store, clock, sam, id, { userId: officer.id });
    graffiti.push(id);
  }
  const results = await Promise.allSettled([
    ...freshPotholes.slice(0, 6).map((id) => assignCase(w.store, clock, sam, id, { userId: officer.id })),
    setStaffRole(w.store, ada, officer.id, { role: 'officer', team: 'Highways', groups: ['Environmental crime'] }, clock.now()),
    ...freshPotholes.slice(6).map((id) => assignCase(w.store, clock, sam, id, { userId: officer.id })),
  ]);
  assert.equal(results[6].status, 'fulfilled');
  for (const r of results) if (r.status === 'rejected') assert.ok(isNotAssignable(r.reason), String(r.reason));
  for (const id of [...potholes, ...freshPotholes]) assert.notEqual((await w.store.staff.assignments.of('example', id))?.userId, officer.id);
  for (const id of graffiti) assert.deepEqual(await w.store.staff.assignments.of('example', id), { userId: officer.id, team: 'Highways' }, 'cases they still work stay with them');
  await noneIneligible(officer.id, [...potholes, ...freshPotholes, ...graffiti]);
  await auditAgrees([...potholes, ...freshPotholes, ...graffiti]);
});

test('an officer with no team, or a team nobody else works the service in: their cases go back to nobody; closed cases keep their officer', async () => {
  const loner = await staffUser(w.store, 'loner@example.gov.uk', 'officer', 'example', 'Lee Loner');
  const parks = await staffUser(w.store, 'parks@example.gov.uk', 'officer', 'example', 'Pat Parks');
  await w.store.staff.users.setTeam(parks.id, 'example', 'Parks');
  const [a, b, closed] = [(await submit('pothole', 1)).id, (await submit('pothole', 2)).id, (await submit('pothole', 3)).id];
  await assignCase(w.store, clock, sam, a, { userId: loner.id });
  await assignCase(w.store, clock, sam, b, { userId: parks.id });
  await assignCase(w.store, clock, sam, closed, { userId: parks.id });
  await w.store.requests.addUpdate({ requestId: closed, jurisdictionId: 'example', status: 'fixed', description: 'Done', mediaUrls: [], authorKind: 'staff', contact: {}, updatedAt: clock.now() });
  await deactivateStaff(w.store, ada, loner.id, clock.now());
  await setStaffRole(w.store, ada, parks.id, { role: 'agent', team: 'Parks' }, clock.now());
  assert.equal(await w.store.staff.assignments.of('example', a), undefined);
  assert.equal(await w.store.staff.assignments.of('example', b), undefined);
  assert.deepEqual(await w.store.staff.assignments.of('example', closed), { userId: parks.id, team: 'Parks' });
  const [entry] = await w.store.staff.audit.list({ jurisdictionId: 'example', requestId: b, actions: ['case.assign'], limit: 1 });
  assert.deepEqual([entry.actor, entry.before, entry.after, entry.reason], [ada.email, 'Pat Parks (Parks)', undefined, 'Pat Parks’s role is now agent (Parks)']);
  // The `assigned` event says the officer no longer has it.
  await w.store.events.sequence();
  const events = (await w.store.events.read({ after: 0, limit: 10_000, types: ['uk.pipework.request.assigned'] })).filter((e) => e.requestId === a);
  assert.deepEqual(events.map((e) => [e.data.assigned_to, e.data.previously_assigned_to]), [[loner.id, null], [null, loner.id]]);
});

test('over HTTP: officers assigning in the console while an admin deactivates the assignee get a page, never a 500', async () => {
  const { officer, freshIds } = await officerWithCases('console@example.gov.uk', 0, 12);
  const admin = staffClient(w.app);
  await admin.signIn('ada@example.gov.uk');
  await admin.get(`/staff/admin/people/${officer.id}`);
  const supervisor = staffClient(w.app);
  await supervisor.signIn('sam@example.gov.uk');
  await supervisor.get(`/staff/requests/${freshIds[0]}`);
  const posts = freshIds.map((id) => () => supervisor.post(`/staff/requests/${id}/assign`, { assignee: officer.id }));
  posts.splice(6, 0, () => admin.post(`/staff/admin/people/${officer.id}/deactivate`, {}));
  const responses = await Promise.all(posts.map((post) => post()));
  assert.deepEqual([...new Set(responses.map((r) => r.statusCode))], [303]);
  assert.ok((await w.store.staff.users.get(officer.id))!.disabledAt);
  for (const id of freshIds) assert.notEqual(await w.store.staff.assignments.get('example', id), officer.id);
  await auditAgrees(freshIds);
});
