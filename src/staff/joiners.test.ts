import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../test/support/app.ts';
import { residentReference } from '../../test/support/web.ts';
import { staffClient, staffUser } from '../../test/support/staff.ts';
import { submitRequest } from '../core/requests/submit.ts';
import { joinRequest } from '../core/requests/join.ts';
import { CLOSED_STATUSES } from '../core/statuses.ts';

// Residents who joined a report ("I'm reporting this too"), as staff see them; and a case found by its resident reference.

let w: Awaited<ReturnType<typeof demoApp>>;
let officer: ReturnType<typeof staffClient>;
let admin: ReturnType<typeof staffClient>;
let id: string;

before(async () => {
  w = await demoApp();
  await staffUser(w.store, 'officer@example.gov.uk', 'officer', 'example', 'Olu Officer');
  await staffUser(w.store, 'admin@example.gov.uk', 'admin', 'example', 'Ada Admin');
  officer = staffClient(w.app);
  await officer.signIn('officer@example.gov.uk');
  admin = staffClient(w.app);
  await admin.signIn('admin@example.gov.uk');
  id = (await submitRequest(w.store, { jurisdictionId: 'example', serviceCode: 'pothole', description: 'Joined pothole', attributes: { depth: 'deep' }, location: { address: '9 Mill Lane' }, contact: { email: 'reporter@example.com' }, mediaUrls: [], source: 'web' })).id;
  for (const [n, email] of [['1', 'second@example.com'], ['2', 'third@example.com']]) {
    await joinRequest(w.store, { requestId: id, jurisdictionId: 'example', contact: { email, firstName: `Joiner${n}` }, key: `join-test-${n}` }, [...CLOSED_STATUSES]);
  }
});
after(() => w.close());

test('"3 residents reported this" on the case page and in its queue row; joiners\' details only for contact roles, each view audited', async () => {
  const page = await officer.get(`/staff/requests/${id}`);
  assert.match(page.body, /3 residents reported this/);
  assert.doesNotMatch(page.body, /second@example\.com/, 'not until asked for');
  const queue = await officer.get('/staff/?q=Joined%20pothole');
  assert.match(queue.body, /3 residents reported this/);

  const shown = await officer.get(`/staff/requests/${id}?contact=show`);
  assert.match(shown.body, /reporter@example\.com/);
  assert.match(shown.body, /Residents who joined this report[\s\S]*second@example\.com[\s\S]*third@example\.com/);
  const views = await w.store.staff.audit.list({ jurisdictionId: 'example', requestId: id, actions: ['contact.view'], limit: 10 });
  assert.equal(views.length, 2, 'the reporter\'s details and the joiners\' each recorded');
  assert.ok(views.some((v) => v.reason === '2 joining resident(s)'));

  // An admin's role does not show contact details: neither the reporter's nor the joiners'.
  const asAdmin = await admin.get(`/staff/requests/${id}?contact=show`);
  assert.match(asAdmin.body, /3 residents reported this/);
  assert.doesNotMatch(asAdmin.body, /second@example\.com|reporter@example\.com/);
});

test('the queue finds a request by its resident reference, typed as residents read it out; a reference failing its check finds nothing', async () => {
  const reference = await residentReference(w.store, id);
  for (const typed of [reference, reference.toLowerCase().replace('-', ' '), `#${reference.replace('-', '')}`]) {
    const found = await officer.get(`/staff/?q=${encodeURIComponent(typed)}`);
    assert.equal(found.statusCode, 200);
    assert.match(found.body, new RegExp(`href="/staff/requests/${id}"`), typed);
  }
  const wrong = reference.slice(0, -1) + (reference.endsWith('A') ? 'B' : 'A');
  const none = await officer.get(`/staff/?q=${encodeURIComponent(wrong)}`);
  assert.equal(none.statusCode, 200);
  assert.doesNotMatch(none.body, new RegExp(`href="/staff/requests/${id}"`));
  const csv = await officer.get(`/staff/export.csv?q=${encodeURIComponent(reference)}`);
  assert.match(csv.body, new RegExp(`^${id},`, 'm'));
});
