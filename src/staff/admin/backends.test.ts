import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { relayWorld, until, SECRET } from '../../../test/support/delivery-world.ts';
import { webhookPeer } from '../../../test/support/backends/webhook-peer.ts';
import { staffClient, staffUser } from '../../../test/support/staff.ts';

// Back-ends and routes in /staff/admin/: a real webhook peer on 127.0.0.1 and a real relay.

let w: Awaited<ReturnType<typeof relayWorld>>;
let peer: Awaited<ReturnType<typeof webhookPeer>>;
let admin: ReturnType<typeof staffClient>;

before(async () => {
  w = await relayWorld();
  peer = await webhookPeer({ secret: SECRET });
  await staffUser(w.store, 'admin@example.gov.uk', 'admin', 'example', 'Ada Admin');
  await staffUser(w.store, 'super@example.gov.uk', 'supervisor', 'example', 'Sue Supervisor');
  admin = staffClient(w.app);
  await admin.signIn('admin@example.gov.uk');
});
after(async () => {
  await w.close();
  await peer.close();
});

const audit = async (action: string) => (await w.store.staff.audit.list({ jurisdictionId: 'example', limit: 200 })).filter((e) => e.action === action);

test('an admin adds a webhook back-end; its secret is never shown again and a masked secret keeps the saved one', async () => {
  await admin.get('/staff/admin/backends');
  const saved = await admin.post('/staff/admin/backends', { name: 'streets', kind: 'webhook', config: JSON.stringify({ url: peer.url, secret: SECRET }) });
  assert.equal(saved.statusCode, 303);
  const list = await admin.get('/staff/admin/backends');
  assert.equal(list.statusCode, 200);
  assert.match(list.body, /streets/);
  assert.doesNotMatch(list.body, new RegExp(SECRET));
  const edit = await admin.get('/staff/admin/backends?edit=streets');
  assert.doesNotMatch(edit.body, new RegExp(SECRET));
  assert.match(edit.body, /\*\*\*\*\*\*\*\*/);
  const again = await admin.post('/staff/admin/backends', { name: 'streets', kind: 'webhook', config: JSON.stringify({ url: peer.url, secret: '********', statusMap: { DONE: 'fixed' } }) });
  assert.equal(again.statusCode, 303);
  const stored = (await w.store.routing.backend('streets'))!;
  assert.equal(stored.config.secret, SECRET);
  assert.deepEqual(stored.config.statusMap, { DONE: 'fixed' });
  const [entry] = await audit('backend.save');
  assert.equal(entry.actor, 'admin@example.gov.uk');
  assert.equal(entry.after, 'streets (webhook)');

  const check = await admin.post('/staff/admin/backends/streets/check', {});
  assert.equal(check.statusCode, 303);
  assert.match((await admin.get('/staff/admin/backends')).body, /streets: (healthy|NOT healthy)/);
});

test('bad back-end settings are shown on the form, nothing is saved', async () => {
  await admin.get('/staff/admin/backends');
  const notJson = await admin.post('/staff/admin/backends', { name: 'crm', kind: 'webhook', config: '{ url: ' });
  assert.equal(notJson.statusCode, 400);
  assert.match(notJson.body, /href="#config"/);
  const badSchema = await admin.post('/staff/admin/backends', { name: 'crm', kind: 'webhook', config: '{ "url": "not a url", "secret": "short" }' });
  assert.equal(badSchema.statusCode, 400);
  assert.match(badSchema.body, /govuk-error-summary/);
  const badName = await admin.post('/staff/admin/backends', { name: 'Bad Name', kind: 'webhook', config: '{}' });
  assert.equal(badName.statusCode, 400);
  assert.equal(await w.store.routing.backend('crm'), undefined);
});

test('an admin moves pothole to the webhook as a page: shadow, canary 50%, promote, reading the report and the history', async () => {
  w.relay();
  const page = await admin.get('/staff/admin/routes/pothole');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Now: no route of its own/);

  assert.equal((await admin.post('/staff/admin/routes/pothole/shadow', { backend: 'streets' })).statusCode, 303);
  const shadowed: string[] = [];
  for (let i = 0; i < 4; i++) shadowed.push((await w.submit()).id);
  await until(async () => (await Promise.all(shadowed.map((id) => w.store.deliveries.forRequest(id)))).flat().every((d) => d.state === 'delivered'), 10_000, 'shadow deliveries');
  const report = await admin.get('/staff/admin/routes/pothole');
  assert.match(report.body, /Now: builtin; shadow streets/);
  assert.match(report.body, /<svg class="staff-chart"[^>]*role="img"/);
  assert.match(report.body, /<th scope="row" class="govuk-table__header">streets<\/th><td class="govuk-table__cell">shadow<\/td>/);
  assert.match(report.body, /Where the shadow and the owner disagree: \d+/);

  const badPercent = await admin.post('/staff/admin/routes/pothole/canary', { backend: 'streets', percent: '150' });
  assert.equal(badPercent.statusCode, 400);
  assert.match(badPercent.body, /href="#percent"/);
  assert.equal((await admin.post('/staff/admin/routes/pothole/canary', { backend: 'streets', percent: '50' })).statusCode, 303);
  assert.equal((await w.store.routing.get('example', 'pothole'))!.canaryPercent, 50);

  const sue = staffClient(w.app);
  await sue.signIn('super@example.gov.uk');
  await sue.get('/staff/account');
  assert.equal((await sue.post('/staff/admin/routes/pothole/promote', {})).statusCode, 403);
  assert.equal((await sue.get('/staff/admin/routes/pothole')).statusCode, 403);

  assert.equal((await admin.post('/staff/admin/routes/pothole/promote', {})).statusCode, 303);
  const route = (await w.store.routing.get('example', 'pothole'))!;
  assert.equal(route.primary, 'streets');
  assert.equal(route.canary, undefined);
  const done = await admin.get('/staff/admin/routes/pothole');
  assert.match(done.body, /Now: streets/);
  const history = done.body.slice(done.body.indexOf('id="history"'));
  assert.equal((history.match(/staff:admin@example\.gov\.uk/g) ?? []).length, 3);
  assert.deepEqual((await audit('route.promote')).map((e) => e.after), ['pothole: streets']);
  assert.equal((await audit('route.shadow')).length, 1);
  assert.equal((await audit('route.canary')).length, 1);
  assert.equal((await admin.get('/staff/admin/routes')).statusCode, 200);
  // The council's default route ("*") has its page too.
  assert.equal((await admin.get('/staff/admin/routes/%2A')).statusCode, 200);
  assert.equal((await admin.post('/staff/admin/routes/%2A/primary', { backend: 'streets' })).statusCode, 303);
  assert.equal((await w.store.routing.get('example', '*'))!.primary, 'streets');
  assert.equal((await admin.get('/staff/admin/routes/no-such')).statusCode, 404);
});
