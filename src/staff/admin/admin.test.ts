import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../../test/support/app.ts';
import { staffClient, staffUser } from '../../../test/support/staff.ts';

// Council set-up is for admins: the guard on /staff/admin/ covers every route under it.

let w: Awaited<ReturnType<typeof demoApp>>;

before(async () => {
  w = await demoApp();
  await staffUser(w.store, 'admin@example.gov.uk', 'admin', 'example', 'Ada Admin');
  await staffUser(w.store, 'super@example.gov.uk', 'supervisor', 'example', 'Sue Supervisor');
});
after(() => w.close());

test('an admin sees council set-up in the navigation and its page; a supervisor is refused it', async () => {
  const admin = staffClient(w.app);
  await admin.signIn('admin@example.gov.uk');
  const home = await admin.get('/staff/admin/');
  assert.equal(home.statusCode, 200);
  assert.match(home.body, /<h1[^>]*>Council set-up<\/h1>/);
  assert.match((await admin.get('/staff/account')).body, /href="\/staff\/admin\/"/);

  const supervisor = staffClient(w.app);
  await supervisor.signIn('super@example.gov.uk');
  assert.equal((await supervisor.get('/staff/admin/')).statusCode, 403);
  assert.doesNotMatch((await supervisor.get('/staff/account')).body, /href="\/staff\/admin\/"/);
});
