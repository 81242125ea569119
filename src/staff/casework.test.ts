import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../test/support/app.ts';
import { residentReference } from '../../test/support/web.ts';
import { staffClient, staffUser } from '../../test/support/staff.ts';
import { submitRequest } from '../core/requests/submit.ts';

// Working cases in the staff console over app.inject(): the queue, the case view and its actions.

let w: Awaited<ReturnType<typeof demoApp>>;
let officer: ReturnType<typeof staffClient>;
let officerId: string;
let held: string;

const submit = (serviceCode: string, description: string, attributes: Record<string, string>, address = '1 High Street') =>
  submitRequest(w.store, { jurisdictionId: 'example', serviceCode, description, attributes, location: { address }, contact: { email: 'resident@example.com', firstName: 'Sam', phone: '01632 960001' }, mediaUrls: [], source: 'web' });

before(async () => {
  w = await demoApp();
  officerId = (await staffUser(w.store, 'officer@example.gov.uk', 'officer', 'example', 'Olu Officer')).id;
  await staffUser(w.store, 'super@example.gov.uk', 'supervisor', 'example', 'Sue Supervisor');
  officer = staffClient(w.app);
  await officer.signIn('officer@example.gov.uk');
  // Graffiti goes to a webhook back-end: its requests are shown read-only.
  await w.store.routing.saveBackend({ name: 'hook', kind: 'webhook', config: { url: 'http://127.0.0.1:9/none', secret: 'x'.repeat(32) } }, 'test');
  await w.store.routing.save({ jurisdictionId: 'example', serviceCode: 'graffiti' }, { jurisdictionId: 'example', serviceCode: 'graffiti', primary: 'hook', canaryPercent: 0 }, { action: 'set', actor: 'test' });
  held = (await submit('graffiti', 'Tags on the bridge', { offensive: 'no' }, 'Canal Bridge')).id;
});
after(() => w.close());

test('an officer works a built-in case through its process: only allowed changes, a public reply, an internal note kept from every public path', async () => {
  const id = (await submit('pothole', 'Deep pothole outside number 4', { depth: 'deep' })).id;
  const page = await officer.get(`/staff/requests/${id}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /How deep is the pothole\?[\s\S]*More than 10cm/);
  assert.match(page.body, /Reported/); // the council's label for open
  // Only what the process allows from "open" is offered.
  assert.match(page.body, /value="investigating"/);
  assert.doesNotMatch(page.body, /value="in_progress"/);
  assert.doesNotMatch(page.body, /resident@example.com/);

  // A change the process does not allow comes back as an error on the page, and is not applied.
  const refused = await officer.post(`/staff/requests/${id}/status`, { status: 'in_progress' });
  assert.equal(refused.statusCode, 303);
  const shown = await officer.get(`/staff/requests/${id}`);
  assert.match(shown.body, /There is a problem[\s\S]*may not move to &quot;in_progress&quot;/);
  assert.equal((await w.store.requests.get('example', id))!.status, 'open');

  assert.equal((await officer.post(`/staff/requests/${id}/status`, { status: 'investigating', note: 'Inspector booked' })).statusCode, 303);
  assert.equal((await w.store.requests.get('example', id))!.status, 'investigating');
  assert.equal((await officer.post(`/staff/requests/${id}/reply`, { reply: 'We will inspect this week.' })).statusCode, 303);
  assert.equal((await officer.post(`/staff/requests/${id}/note`, { note: 'SECRET: resident is a councillor' })).statusCode, 303);
  const empty = await officer.post(`/staff/requests/${id}/note`, { note: '   ' });
  assert.equal(empty.statusCode, 303);
  assert.match((await officer.get(`/staff/requests/${id}`)).body, /Enter the note/);

  const view = await officer.get(`/staff/requests/${id}`);
  assert.match(view.body, /Internal note[\s\S]*SECRET: resident is a councillor/);
  assert.match(view.body, /Public reply[\s\S]*We will inspect this week/);
  assert.match(view.body, /Request sent to builtin/);

  // The note is nowhere residents or clients look.
  const track = await w.app.inject({ url: `/track?reference=${await residentReference(w.store, id)}`, headers: { accept: 'text/html' } });
  assert.equal(track.statusCode, 200);
  assert.match(track.body, /We will inspect this week/);
  assert.doesNotMatch(track.body, /SECRET/);
  const req = await w.app.inject({ url: `/open311/v2/requests/${id}.json` });
  assert.doesNotMatch(req.body, /SECRET/);
  const list = await w.app.inject({ url: '/open311/v2/requests.json' });
  assert.doesNotMatch(list.body, /SECRET/);
  const updates = await w.app.inject({ url: `/open311/v2/servicerequestupdates.json?start_date=${new Date(Date.now() - 3600_000).toISOString()}&end_date=${new Date(Date.now() + 3600_000).toISOString()}` });
  assert.equal(updates.statusCode, 200, updates.body);
  assert.match(updates.body, /We will inspect this week/);
  assert.doesNotMatch(updates.body, /SECRET/);
  const xml = await w.app.inject({ url: `/open311/v2/servicerequestupdates.xml?start_date=${new Date(Date.now() - 3600_000).toISOString()}&end_date=${new Date(Date.now() + 3600_000).toISOString()}` });
  assert.doesNotMatch(xml.body, /SECRET/);
  assert.ok((await w.store.requests.history('example', id)).every((u) => !u.internal));
  assert.equal((await w.store.requests.history('example', id, { internal: true })).filter((u) => u.internal).length, 1);
  // The reply tells the resident; the note never does.
  const all = await w.store.requests.history('example', id, { internal: true });
  assert.equal(all.find((u) => u.description === 'We will inspect this week.')?.notifyResident, true);
  assert.notEqual(all.find((u) => u.internal)?.notifyResident, true);

  // Every action is in the audit log, with before and after.
  const audit = await w.store.staff.audit.list({ jurisdictionId: 'example', requestId: id, limit: 20 });
  assert.deepEqual(audit.map((a) => a.action).reverse(), ['case.status', 'case.reply', 'case.note']);
  assert.equal(audit.at(-1)!.before, 'open');
  assert.equal(audit.at(-1)!.after, 'investigating');
});

test('two tabs: a change chosen on a page that showed an older status is refused, and the case moves once', async () => {
  const id = (await submit('pothole', 'Two tabs on one pothole', { depth: 'deep' })).id;
  const page = (await officer.get(`/staff/requests/${id}`)).body;
  const seen = /name="seen" value="([a-z_]+)"/.exec(page)?.[1];
  assert.equal(seen, 'open');
  assert.equal((await officer.post(`/staff/requests/${id}/status`, { status: 'fixed', seen })).statusCode, 303);
  // The second tab still shows "open" and asks for the same change.
  assert.equal((await officer.post(`/staff/requests/${id}/status`, { status: 'fixed', seen })).statusCode, 303);
  assert.match((await officer.get(`/staff/requests/${id}`)).body, /There is a problem[\s\S]*moved to &quot;fixed&quot; by another change/);
  const history = await w.store.requests.history('example', id);
  assert.deepEqual(history.map((u) => u.status), ['fixed']);
});

test('contact details are shown on request, and each view is recorded in the audit log', async () => {
  const id = (await submit('pothole', 'Pothole for contact test', { depth: 'shallow' })).id;
  const shown = await officer.get(`/staff/requests/${id}?contact=show`);
  assert.match(shown.body, /resident@example.com/);
  assert.match(shown.body, /01632 960001/);
  await officer.get(`/staff/requests/${id}?contact=show`);
  const views = await w.store.staff.audit.list({ jurisdictionId: 'example', requestId: id, actions: ['contact.view'], limit: 10 });
  assert.equal(views.length, 2);
  assert.equal(views[0].actor, 'officer@example.gov.uk');
});

test('assignment: to an officer of the council and back to nobody, on the timeline and in the queue filters', async () => {
  const id = (await submit('pothole', 'Pothole to assign', { depth: 'medium' })).id;
  assert.equal((await officer.post(`/staff/requests/${id}/assign`, { assignee: officerId })).statusCode, 303);
  assert.equal(await w.store.staff.assignments.get('example', id), officerId);
  const mine = await officer.get('/staff/?assigned=me');
  assert.match(mine.body, /Pothole to assign/);
  assert.doesNotMatch(mine.body, /Pothole for contact test/);
  const nobody = await officer.get('/staff/?assigned=nobody');
  assert.doesNotMatch(nobody.body, /Pothole to assign/);
  assert.match((await officer.get(`/staff/requests/${id}`)).body, /Assigned to Olu Officer/);
  // Not someone outside the council.
  const bad = await officer.post(`/staff/requests/${id}/assign`, { assignee: '999999' });
  assert.equal(bad.statusCode, 303);
  assert.match((await officer.get(`/staff/requests/${id}`)).body, /Choose an officer or team of this council/);
  await officer.post(`/staff/requests/${id}/assign`, { assignee: '' });
  assert.equal(await w.store.staff.assignments.get('example', id), undefined);
  const entries = await w.store.staff.audit.list({ jurisdictionId: 'example', requestId: id, actions: ['case.assign'], limit: 10 });
  assert.deepEqual(entries.map((e) => [e.before ?? null, e.after ?? null]), [['Olu Officer', null], [null, 'Olu Officer']]);
});

test('a request held by another back-end is read-only: back-end and state shown, status and replies refused, notes allowed', async () => {
  const queue = await officer.get('/staff/?q=bridge');
  assert.match(queue.body, /hook[\s\S]*read-only/);
  const page = await officer.get(`/staff/requests/${held}`);
  assert.match(page.body, /Held by hook: read-only/);
  assert.doesNotMatch(page.body, /Change status/);
  await officer.post(`/staff/requests/${held}/status`, { status: 'investigating' });
  assert.match((await officer.get(`/staff/requests/${held}`)).body, /held by back-end &quot;hook&quot;/);
  assert.equal((await w.store.requests.get('example', held))!.status, 'open');
  await officer.post(`/staff/requests/${held}/note`, { note: 'Chased the contractor' });
  assert.match((await officer.get(`/staff/requests/${held}`)).body, /Chased the contractor/);
});

test('queue: text search by reference and words, status and service filters, paging, and a CSV of exactly the filtered view', async () => {
  for (let i = 0; i < 55; i++) await submit('street_light', `Light out number ${i}`, { fault: 'out' }, `${i} Lamp Lane`).catch(async () => submit('street_light', `Light out number ${i}`, {}, `${i} Lamp Lane`));
  const first = await officer.get('/staff/?service=street_light');
  assert.match(first.body, /Showing 1 to 50 of 55 requests/);
  assert.match(first.body, /Light out number 54/);
  assert.doesNotMatch(first.body, /Light out number 4\b/);
  const second = await officer.get('/staff/?service=street_light&page=2');
  assert.match(second.body, /Showing 51 to 55 of 55/);
  assert.match(second.body, /Light out number 0\b/);
  const oldest = await officer.get('/staff/?service=street_light&sort=oldest');
  assert.ok(oldest.body.indexOf('Light out number 0<') < oldest.body.indexOf('Light out number 1<') || /Light out number 0\b[\s\S]*Light out number 1\b/.test(oldest.body));
  assert.match(oldest.body, /aria-sort="ascending"/);

  // Word searches are not counted (that could read the whole table): they page by "next".
  const words = await officer.get('/staff/?q=LAMP+lane');
  assert.match(words.body, /Showing 1 to 50, and more/);
  assert.match(words.body, /rel="next"/);
  const wordsLast = await officer.get('/staff/?q=LAMP+lane&page=2');
  assert.match(wordsLast.body, /Showing 51 to 55\s*</);
  assert.doesNotMatch(wordsLast.body, /rel="next"/);
  const byRef = await officer.get(`/staff/?q=${held}`);
  assert.match(byRef.body, /Showing 1 to 1 of 1 requests/);
  assert.match(byRef.body, /Tags on the bridge/);
  const none = await officer.get('/staff/?q=%25');
  assert.match(none.body, /No requests match/);
  const investigating = await officer.get('/staff/?status=investigating');
  assert.match(investigating.body, /Deep pothole outside number 4/);
  assert.doesNotMatch(investigating.body, /Light out/);
  // Unknown values in a bookmark are ignored, never a 500.
  assert.equal((await officer.get('/staff/?status=bogus&service=nope&page=-3&sort=sideways')).statusCode, 200);

  const csv = await officer.get('/staff/export.csv?service=street_light&q=lane');
  assert.equal(csv.statusCode, 200);
  assert.match(String(csv.headers['content-type']), /text\/csv/);
  const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines[0].split(',')[0], 'reference');
  assert.equal(lines.length, 1 + 55);
  assert.ok(lines.slice(1).every((l) => /Lamp Lane/.test(l)));
  assert.equal(new Set(lines.slice(1).map((l) => l.split(',')[0])).size, 55);
  const exports = await w.store.staff.audit.list({ jurisdictionId: 'example', actions: ['queue.export'], limit: 5 });
  assert.equal(exports.length, 1);
});

test('the audit log page is for supervisors and is append-only in the database', async () => {
  const sup = staffClient(w.app);
  await sup.signIn('super@example.gov.uk');
  const page = await sup.get('/staff/audit');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /officer@example.gov.uk[\s\S]*case.status[\s\S]*open → investigating/);
  await assert.rejects(w.store.db.updateTable('staff_audit').set({ actor: 'someone else' }).execute(), /append-only/);
  await assert.rejects(w.store.db.deleteFrom('staff_audit').execute(), /append-only/);
});

test('bulk: a supervisor assigns and moves many cases with a mandatory reason; each case keeps its own process; officers cannot', async () => {
  const a = (await submit('pothole', 'Bulk one', { depth: 'deep' })).id;
  const b = (await submit('pothole', 'Bulk two', { depth: 'deep' })).id;
  const c = (await submit('pothole', 'Bulk three', { depth: 'deep' })).id;
  await officer.post(`/staff/requests/${c}/status`, { status: 'investigating' });
  await officer.post(`/staff/requests/${c}/status`, { status: 'fixed' });
  const sup = staffClient(w.app);
  await sup.signIn('super@example.gov.uk');
  const queue = await sup.get('/staff/?q=bulk');
  assert.match(queue.body, /Change selected requests/);
  assert.doesNotMatch((await officer.get('/staff/?q=bulk')).body, /Change selected requests/);
  assert.equal((await officer.post('/staff/bulk', [['ids', a], ['action', 'assign'], ['assignee', officerId], ['reason', 'x']])).statusCode, 403);

  const noReason = await sup.post('/staff/bulk', [['ids', a], ['ids', b], ['action', 'assign'], ['assignee', officerId], ['reason', ' '], ['back', '/staff/?q=bulk']]);
  assert.equal(noReason.headers.location, '/staff/?q=bulk');
  assert.match((await sup.get('/staff/?q=bulk')).body, /Enter the reason for this change/);
  assert.equal(await w.store.staff.assignments.get('example', a), undefined);

  await sup.post('/staff/bulk', [['ids', a], ['ids', b], ['action', 'assign'], ['assignee', officerId], ['reason', 'Storm backlog'], ['back', 'https://evil.example/']]);
  assert.equal(await w.store.staff.assignments.get('example', a), officerId);
  assert.equal(await w.store.staff.assignments.get('example', b), officerId);
  // c is fixed: the pothole process does not allow fixed → investigating, so it is left and listed.
  await sup.post('/staff/bulk', [['ids', a], ['ids', b], ['ids', c], ['action', 'status'], ['status', 'investigating'], ['reason', 'Inspections booked for Monday']]);
  const after = await sup.get('/staff/?q=bulk');
  assert.match(after.body, /2 requests changed\. 1 left as they were \([\s\S]*may not move to/);
  assert.equal((await w.store.requests.get('example', a))!.status, 'investigating');
  assert.equal((await w.store.requests.get('example', c))!.status, 'fixed');
  const audit = await w.store.staff.audit.list({ jurisdictionId: 'example', requestId: b, limit: 10 });
  assert.deepEqual(audit.map((e) => [e.action, e.reason]), [['case.status', 'Inspections booked for Monday'], ['case.assign', 'Storm backlog']]);
});

test('contact centre: an agent raises a request for a caller through the same core (source phone), with the service\'s questions and checks', async () => {
  await staffUser(w.store, 'agent@example.gov.uk', 'agent', 'example', 'Ade Agent');
  const agent = staffClient(w.app);
  await agent.signIn('agent@example.gov.uk');
  const choose = await agent.get('/staff/raise');
  assert.equal(choose.statusCode, 200);
  assert.match(choose.body, /<option value="pothole">Pothole<\/option>/);
  assert.equal((await agent.get('/staff/raise?service=nope')).statusCode, 400);
  const form = await agent.get('/staff/raise?service=pothole');
  assert.match(form.body, /How deep is the pothole\?/);

  const missing = await agent.post('/staff/raise?service=pothole', { description: 'Caller says it is deep', first_name: 'Pat', phone: '01632 960002' });
  assert.equal(missing.statusCode, 400);
  assert.match(missing.body, /Select how deep the pothole is/);
  assert.match(missing.body, /Enter where the problem is/);
  assert.match(missing.body, /value="01632 960002"/); // what was typed is kept

  const ok = await agent.post('/staff/raise?service=pothole', { 'attribute[depth]': 'deep', description: 'Caller says it is deep', address: 'Outside 12 Park Road', first_name: 'Pat', phone: '01632 960002' });
  assert.equal(ok.statusCode, 303);
  const id = /\/staff\/requests\/(\d+)$/.exec(String(ok.headers.location))![1];
  const stored = (await w.store.requests.get('example', id))!;
  assert.equal(stored.source, 'phone');
  assert.deepEqual(stored.attributes, { depth: 'deep' });
  assert.equal((await w.store.requests.contact('example', id))?.phone, '01632 960002');
  // Routed like any other request: the built-in store holds it.
  assert.equal((await w.store.deliveries.forRequest(id))[0].backend, 'builtin');
  assert.match((await agent.get(`/staff/requests/${id}`)).body, new RegExp(`Give the caller this reference: ${id}`));
  assert.equal((await w.store.staff.audit.list({ jurisdictionId: 'example', requestId: id, actions: ['case.raise'], limit: 5 })).length, 1);
});
