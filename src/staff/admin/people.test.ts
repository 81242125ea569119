import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../../test/support/app.ts';
import { staffClient, staffUser, STAFF_PASSWORD } from '../../../test/support/staff.ts';

// The people page: invite with a one-time link, role and team, deactivate (signed out at once), last sign-in.
let w: Awaited<ReturnType<typeof demoApp>>;
let admin: ReturnType<typeof staffClient>;
before(async () => {
  w = await demoApp();
  await staffUser(w.store, 'admin@example.gov.uk', 'admin', 'example', 'Ada');
  await staffUser(w.store, 'super@example.gov.uk', 'supervisor', 'example', 'Sue');
  admin = staffClient(w.app);
  await admin.signIn('admin@example.gov.uk');
});
after(() => w.close());

test('invite, set a role and team, see last sign-in, deactivate; audited; a supervisor is refused', async () => {
  const list = await admin.get('/staff/admin/people');
  assert.equal(list.statusCode, 200);
  assert.match(list.body, /Ada<\/a> \(you\)/);
  assert.doesNotMatch(list.body.split('Ada</a>')[1].split('</tr>')[0], /Never/, 'the admin has signed in');

  const bad = await admin.post('/staff/admin/people', { name: '', email: 'nope', role: 'officer' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /href="#email"/);
  const invited = await admin.post('/staff/admin/people', { name: 'Oli Officer', email: 'oli@example.gov.uk', role: 'officer', team: 'Highways' });
  assert.equal(invited.statusCode, 200);
  const link = /href="http:\/\/pipework\.test(\/staff\/set-password\/[^"]+)"/.exec(invited.body)![1];
  const oli = staffClient(w.app);
  await oli.get(link);
  assert.equal((await oli.post(link, { password: STAFF_PASSWORD, confirm: STAFF_PASSWORD })).statusCode, 303);
  await oli.signIn('oli@example.gov.uk');
  assert.equal((await oli.get('/staff/')).statusCode, 200);

  const user = (await w.store.staff.users.byEmail('oli@example.gov.uk'))!;
  assert.deepEqual(user.roles, [{ jurisdictionId: 'example', role: 'officer', team: 'Highways' }]);
  assert.ok(user.lastSignInAt);
  assert.equal((await admin.post(`/staff/admin/people/${user.id}`, { role: 'supervisor', team: 'Street scene' })).statusCode, 303);
  assert.deepEqual((await w.store.staff.users.get(user.id))!.roles, [{ jurisdictionId: 'example', role: 'supervisor', team: 'Street scene' }]);

  const me = (await w.store.staff.users.byEmail('admin@example.gov.uk'))!;
  const demote = await admin.post(`/staff/admin/people/${me.id}`, { role: 'agent' });
  assert.equal(demote.statusCode, 400);
  assert.match(demote.body, /cannot lower your own role/);

  assert.equal((await admin.post(`/staff/admin/people/${user.id}/deactivate`, {})).statusCode, 303);
  assert.ok((await w.store.staff.users.get(user.id))!.disabledAt);
  assert.equal((await oli.get('/staff/')).statusCode, 303, 'signed out at once');

  const actions = (await w.store.staff.audit.list({ jurisdictionId: 'example', actions: ['staff.invite', 'staff.role', 'staff.deactivate'], limit: 10 })).map((e) => [e.actor, e.action, e.after]);
  assert.deepEqual(actions, [
    ['admin@example.gov.uk', 'staff.deactivate', 'account disabled'],
    ['admin@example.gov.uk', 'staff.role', 'supervisor (Street scene)'],
    ['admin@example.gov.uk', 'staff.invite', 'oli@example.gov.uk officer (Highways)'],
  ]);

  const sue = staffClient(w.app);
  await sue.signIn('super@example.gov.uk');
  assert.equal((await sue.get('/staff/admin/people')).statusCode, 403);
  assert.equal((await sue.post('/staff/admin/people', { name: 'X', email: 'x@example.gov.uk', role: 'admin' })).statusCode, 403);
  assert.equal(await w.store.staff.users.byEmail('x@example.gov.uk'), undefined);
});
