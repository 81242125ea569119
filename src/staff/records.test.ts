import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../test/support/app.ts';
import { staffClient, staffUser } from '../../test/support/staff.ts';
import { submitRequest } from '../core/requests/submit.ts';
import { recordUpdate } from '../core/requests/record-update.ts';

// Subject access and erasure in the staff console, over app.inject(), on whichever dialect DATABASE_URL names.

let w: Awaited<ReturnType<typeof demoApp>>;
let supervisor: ReturnType<typeof staffClient>;
let officer: ReturnType<typeof staffClient>;
const submit = (email: string, description: string) =>
  submitRequest(w.store, { jurisdictionId: 'example', serviceCode: 'pothole', description, attributes: { depth: 'deep' }, location: { address: '4 High Street' }, contact: { email, firstName: 'Sam' }, mediaUrls: [], source: 'web' });

before(async () => {
  w = await demoApp();
  await staffUser(w.store, 'super@example.gov.uk', 'supervisor', 'example', 'Sue Supervisor');
  await staffUser(w.store, 'officer@example.gov.uk', 'officer', 'example', 'Olu Officer');
  await staffUser(w.store, 'admin@example.gov.uk', 'admin', 'example', 'Ade Admin');
  supervisor = staffClient(w.app);
  await supervisor.signIn('super@example.gov.uk');
  officer = staffClient(w.app);
  await officer.signIn('officer@example.gov.uk');
});
after(() => w.close());

test('only a supervisor answers records requests (not an admin alone: exports hold contact details)', async () => {
  assert.equal((await officer.get('/staff/records')).statusCode, 403);
  const admin = staffClient(w.app);
  await admin.signIn('admin@example.gov.uk');
  assert.equal((await admin.get('/staff/records')).statusCode, 403);
  assert.doesNotMatch((await officer.get('/staff/')).body, /Records requests/);
  const home = await supervisor.get('/staff/records');
  assert.equal(home.statusCode, 200);
  assert.match(home.body, /href="\/staff\/records"[\s\S]{0,200}Records requests/);
});

test('a supervisor finds a person, exports their records (JSON and a page), and every step is audited without their details', async () => {
  const mine = await submit('pat@example.org', 'Outside my gate');
  await recordUpdate(w.store, { requestId: mine.id, jurisdictionId: 'example', status: 'unchanged', description: 'Rang to chase', mediaUrls: [], authorKind: 'staff', contact: {}, internal: true });
  const theirs = await submit('lee@example.org', 'Near the park');

  const empty = await supervisor.post('/staff/records/find', { email: ' ', phone: '' });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /govuk-error-summary[\s\S]*Enter an email address or a phone number/);

  const found = await supervisor.post('/staff/records/find', { email: 'PAT@example.org' });
  assert.equal(found.statusCode, 200);
  assert.match(found.body, new RegExp(`Report <a[^>]*>${mine.id}</a>`));
  assert.match(found.body, /Outside my gate/);
  assert.doesNotMatch(found.body, /Near the park/);

  const json = await supervisor.post('/staff/records/export', { email: 'pat@example.org', format: 'json' });
  assert.equal(json.statusCode, 200);
  assert.match(String(json.headers['content-disposition']), /attachment; filename="subject-access-\d+\.json"/);
  const doc = JSON.parse(json.body);
  assert.deepEqual(doc.requests.map((r: { request: { id: string } }) => r.request.id), [mine.id]);
  assert.ok(doc.requests[0].history.some((u: { description: string }) => u.description === 'Rang to chase'));
  assert.ok(doc.access.dueAt, 'the due date is tracked');
  assert.doesNotMatch(json.body, new RegExp(`lee@example|Near the park|"id": "${theirs.id}"`));

  const html = await supervisor.post('/staff/records/export', { email: 'pat@example.org', format: 'html' });
  assert.match(String(html.headers['content-type']), /text\/html/);
  assert.match(html.body, /What the council holds about pat@example\.org/);

  const list = await supervisor.get('/staff/records');
  assert.match(list.body, /Export<\/td>/);
  const audit = await w.store.staff.audit.list({ jurisdictionId: 'example', actions: ['records.find', 'records.export'], limit: 10 });
  assert.deepEqual(audit.map((a) => a.action).sort(), ['records.export', 'records.export', 'records.find']);
  assert.ok(audit.every((a) => a.actor === 'super@example.gov.uk' && a.userId));
  assert.doesNotMatch(JSON.stringify(audit), /pat@example/);
});

test('erasure asks to confirm, then anonymises and shows where it was sent and who confirmed', async () => {
  const r = await submit('kim@example.org', 'Kim’s pothole');
  await w.store.subscriptions.create({ id: 'sub-1', url: 'http://127.0.0.1:9/events', types: [], councils: [], secret: 'whsec_' + 'a'.repeat(32), cursor: 0, at: new Date() });

  const ask = await supervisor.post('/staff/records/erase', { email: 'kim@example.org' });
  assert.equal(ask.statusCode, 200);
  assert.match(ask.body, /Erasure cannot be undone/);
  assert.ok(await w.store.requests.contact('example', r.id), 'nothing erased before confirming');

  const unconfirmed = await supervisor.post('/staff/records/erase', { email: 'kim@example.org', step: 'confirm' });
  assert.equal(unconfirmed.statusCode, 400);
  assert.match(unconfirmed.body, /govuk-error-summary[\s\S]*Confirm that this person asked/);
  assert.ok(await w.store.requests.contact('example', r.id));

  const done = await supervisor.post('/staff/records/erase', { email: 'kim@example.org', step: 'confirm', confirm: 'yes' });
  assert.equal(done.statusCode, 303);
  const where = String(done.headers.location);
  assert.match(where, /^\/staff\/records\/requests\/\d+$/);
  assert.equal(await w.store.requests.contact('example', r.id), undefined);
  assert.equal((await w.store.requests.get('example', r.id))!.description, undefined);

  const shown = await supervisor.get(where);
  assert.equal(shown.statusCode, 200);
  assert.match(shown.body, /Erased: 1 request\(s\) anonymised/);
  assert.match(shown.body, /Back-end builtin[\s\S]*Confirmed/);
  assert.match(shown.body, /Subscriber sub-1[\s\S]*Waiting/);
  assert.match(shown.body, /1 of 2 confirmed/);
  const [erased] = await w.store.staff.audit.list({ jurisdictionId: 'example', actions: ['records.erase'], limit: 1 });
  assert.match(erased.after!, /access request \d+: 1 request\(s\) anonymised/);

  assert.equal((await supervisor.get('/staff/records/requests/99999')).statusCode, 404);
  assert.equal((await officer.get(where)).statusCode, 403);
});
