import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../test/support/app.ts';
import { staffClient, staffUser } from '../../test/support/staff.ts';
import { submitRequest } from '../core/requests/submit.ts';
import { compose } from '../notify/messages.ts';

// The staff console's second round over app.inject(): duplicates, the `assigned` event,
// roles limited to service groups, and saved views of the queue.

let w: Awaited<ReturnType<typeof demoApp>>;
let officer: ReturnType<typeof staffClient>;
let officerId: string;

const submit = (serviceCode: string, description: string, attributes: Record<string, string>, contact: Record<string, string> = { email: 'resident@example.com' }) =>
  submitRequest(w.store, { jurisdictionId: 'example', serviceCode, description, attributes, location: { address: '1 High Street' }, contact, mediaUrls: [], source: 'web' });

const eventsOf = async (requestId: string) => {
  await w.store.events.sequence();
  return (await w.store.events.read({ after: 0, limit: 10_000 })).filter((e) => e.requestId === requestId);
};

before(async () => {
  w = await demoApp();
  officerId = (await staffUser(w.store, 'officer2@example.gov.uk', 'officer', 'example', 'Olu Officer')).id;
  officer = staffClient(w.app);
  await officer.signIn('officer2@example.gov.uk');
  await officer.get('/staff/');
});
after(() => w.close());

test('marking a duplicate closes it with a link to the original, tells its resident (merged) and writes an event', async () => {
  const original = (await submit('pothole', 'Pothole by the bus stop', { depth: 'deep' })).id;
  const dup = (await submit('pothole', 'Same pothole, bus stop', { depth: 'deep' }, { email: 'second@example.com', language: 'cy' })).id;

  // Mistakes come back to the page, and change nothing.
  for (const [original_, message] of [['', /Enter the reference of the original request/], [dup, /cannot be a duplicate of itself/], ['99999999', /There is no request 99999999 in this council/]] as const) {
    assert.equal((await officer.post(`/staff/requests/${dup}/duplicate`, { original: original_ })).statusCode, 303);
    assert.match((await officer.get(`/staff/requests/${dup}`)).body, message);
  }
  assert.equal((await w.store.requests.get('example', dup))!.status, 'open');

  assert.equal((await officer.post(`/staff/requests/${dup}/duplicate`, { original })).statusCode, 303);
  const closed = (await w.store.requests.get('example', dup))!;
  assert.equal(closed.status, 'duplicate');
  assert.equal(await w.store.staff.duplicates.originalOf('example', dup), original);
  assert.deepEqual(await w.store.staff.duplicates.of('example', original), [dup]);
  assert.equal((await w.store.requests.get('example', original))!.status, 'open', 'the original is left as it was');

  // Both pages link to each other; the resident sees where to look instead.
  assert.match((await officer.get(`/staff/requests/${dup}`)).body, new RegExp(`A duplicate of <a class="govuk-link" href="/staff/requests/${original}">request ${original}</a>`));
  assert.match((await officer.get(`/staff/requests/${original}`)).body, new RegExp(`Duplicates of this request:[\\s\\S]*href="/staff/requests/${dup}"`));
  const track = await w.app.inject({ url: `/track?reference=${dup}`, headers: { accept: 'text/html' } });
  assert.match(track.body, new RegExp(`same problem as report ${original}`));

  const notes = await w.store.notifications.forRequest(dup);
  assert.deepEqual(notes.map((n) => n.kind), ['confirmation', 'merged']);
  const [job] = (await w.store.notifications.claim({ worker: 't', limit: 100, leaseMs: 60_000 })).filter((j) => j.requestId === dup && j.kind === 'merged');
  assert.equal(job.duplicateOf, original);
  const msg = compose(job, { serviceName: 'Potholes', councilName: 'Example Council', publicUrl: 'https://x.test' });
  assert.match(msg.subject, new RegExp(`Adroddiad ${dup}: wedi’i adrodd eisoes fel ${original}`));
  assert.match(msg.text, new RegExp(`https://x.test/track\\?reference=${original}`));

  const events = await eventsOf(dup);
  const marked = events.find((e) => e.type === 'uk.pipework.request.marked_duplicate');
  assert.equal(marked?.data.duplicate_of, original);
  assert.ok(events.some((e) => e.type === 'uk.pipework.request.status_changed' && e.data.status === 'duplicate'));

  // Once is enough: a second mark, or a duplicate of the duplicate, is refused.
  const third = (await submit('pothole', 'Third report', { depth: 'deep' })).id;
  await officer.post(`/staff/requests/${third}/duplicate`, { original: dup });
  assert.match((await officer.get(`/staff/requests/${third}`)).body, new RegExp(`Request ${dup} is itself a duplicate of ${original}: choose ${original}`));
  assert.equal((await w.store.requests.get('example', third))!.status, 'open');
  const audit = await w.store.staff.audit.list({ jurisdictionId: 'example', requestId: dup, actions: ['case.duplicate'], limit: 5 });
  assert.equal(audit[0]?.after, `duplicate of ${original}`);
});

test('assigning a case writes an `assigned` event with user ids only, once per change', async () => {
  const id = (await submit('pothole', 'Assign me', { depth: 'deep' })).id;
  await officer.post(`/staff/requests/${id}/assign`, { assignee: 'me' });
  await officer.post(`/staff/requests/${id}/assign`, { assignee: 'me' });
  await officer.post(`/staff/requests/${id}/assign`, { assignee: '' });
  const assigned = (await eventsOf(id)).filter((e) => e.type === 'uk.pipework.request.assigned');
  assert.deepEqual(assigned.map((e) => [e.data.assigned_to, e.data.previously_assigned_to]), [[officerId, null], [null, officerId]]);
  assert.doesNotMatch(JSON.stringify(assigned), /Olu|officer2@/);
});

test('a role limited to a service group sees and works only those services, everywhere', async () => {
  const roads = (await submit('pothole', 'Roads only please', { depth: 'deep' })).id;
  const tags = (await submit('graffiti', 'Tags on the wall', { offensive: 'no' })).id;
  const user = await staffUser(w.store, 'roads@example.gov.uk', 'officer', 'example', 'Rhys Roads');
  await w.store.staff.users.setRole(user.id, 'example', 'officer', new Date(), ['Roads and pavements']);
  const roadsOfficer = staffClient(w.app);
  await roadsOfficer.signIn('roads@example.gov.uk');
  await roadsOfficer.get('/staff/');

  const queue = await roadsOfficer.get('/staff/');
  assert.equal(queue.statusCode, 200);
  assert.match(queue.body, /Your role covers the services in: Roads and pavements/);
  assert.match(queue.body, new RegExp(`href="/staff/requests/${roads}"`));
  assert.doesNotMatch(queue.body, new RegExp(`href="/staff/requests/${tags}"`));
  // Asking for another group's service by address still shows nothing of it.
  assert.doesNotMatch((await roadsOfficer.get('/staff/?service=graffiti')).body, new RegExp(`href="/staff/requests/${tags}"`));
  assert.doesNotMatch((await roadsOfficer.get('/staff/export.csv?service=graffiti')).body, /Tags on the wall/);
  assert.equal((await roadsOfficer.get(`/staff/requests/${tags}`)).statusCode, 404);
  assert.equal((await roadsOfficer.post(`/staff/requests/${tags}/note`, { note: 'sneaky' })).statusCode, 404);
  assert.equal((await roadsOfficer.get(`/staff/requests/${roads}`)).statusCode, 200);
  assert.equal((await roadsOfficer.post(`/staff/requests/${roads}/status`, { status: 'investigating' })).statusCode, 303);
  assert.equal((await w.store.requests.get('example', roads))!.status, 'investigating');
  // Raising: only their services are offered, and another is refused.
  assert.doesNotMatch((await roadsOfficer.get('/staff/raise')).body, /value="graffiti"/);
  assert.equal((await roadsOfficer.get('/staff/raise?service=graffiti')).statusCode, 400);
  // Nobody can assign them a case outside their groups.
  await officer.post(`/staff/requests/${tags}/assign`, { assignee: user.id });
  assert.equal(await w.store.staff.assignments.get('example', tags), undefined);
  // The group filter narrows the full queue for everyone else.
  const grouped = await officer.get('/staff/?group=Environmental+crime');
  assert.match(grouped.body, new RegExp(`href="/staff/requests/${tags}"`));
  assert.doesNotMatch(grouped.body, new RegExp(`href="/staff/requests/${roads}"`));
});

test('saved views: named filters per user, replaced by name, removable only by their owner', async () => {
  await officer.get('/staff/');
  assert.equal((await officer.post('/staff/views', { name: '  ', query: 'status=open' })).statusCode, 303);
  assert.match((await officer.get('/staff/?status=open')).body, /Enter a name for this view/);
  const saved = await officer.post('/staff/views', { name: 'Open potholes', query: 'service=pothole&status=open&bogus=1&service=nope' });
  assert.equal(saved.headers.location, '/staff/?service=pothole&status=open');
  await officer.post('/staff/views', { name: 'Open potholes', query: 'service=pothole&status=open&overdue=1' });
  const views = await w.store.staff.views.list(officerId, 'example');
  assert.deepEqual(views.map((v) => [v.name, v.query]), [['Open potholes', 'service=pothole&status=open&overdue=1']]);
  const page = await officer.get('/staff/?service=pothole&status=open&overdue=1');
  assert.match(page.body, /Your saved views[\s\S]*href="\/staff\/\?service=pothole&amp;status=open&amp;overdue=1" aria-current="page">Open potholes/);

  const other = await staffUser(w.store, 'other@example.gov.uk', 'agent');
  const agent = staffClient(w.app);
  await agent.signIn('other@example.gov.uk');
  await agent.get('/staff/');
  assert.doesNotMatch((await agent.get('/staff/')).body, /Open potholes/);
  assert.equal((await agent.post(`/staff/views/${views[0].id}/delete`, {})).statusCode, 404);
  assert.equal((await w.store.staff.views.list(officerId, 'example')).length, 1);
  assert.equal((await w.store.staff.views.list(other.id, 'example')).length, 0);
  assert.equal((await officer.post(`/staff/views/${views[0].id}/delete`, {})).statusCode, 303);
  assert.equal((await w.store.staff.views.list(officerId, 'example')).length, 0);
});

test('the dashboard: supervisors only, charts each with a table of the same figures, limited to the role’s services', async () => {
  const sup = await staffUser(w.store, 'dash@example.gov.uk', 'supervisor', 'example', 'Dee Dash');
  const client = staffClient(w.app);
  await client.signIn('dash@example.gov.uk');
  const before = await client.get('/staff/dashboard');
  assert.equal(before.statusCode, 200);
  const openOf = (body: string, name: string) => Number(new RegExp(`>${name}</a></th>\\s*<td[^>]*>(\\d+)</td>`).exec(body)?.[1] ?? 0);
  const potholes = openOf(before.body, 'Pothole');
  const fixedId = (await submit('pothole', 'Dash one', { depth: 'deep' })).id;
  await submit('pothole', 'Dash two', { depth: 'deep' });
  await submit('graffiti', 'Dash three', { offensive: 'no' });
  await officer.post(`/staff/requests/${fixedId}/status`, { status: 'fixed' });

  const page = await client.get('/staff/dashboard');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<svg class="staff-chart"[^>]*role="img" aria-labelledby="per-day-title per-day-desc"/);
  assert.match(page.body, /<svg class="staff-chart"[^>]*aria-labelledby="per-service-title per-service-desc"/);
  assert.match(page.body, /<svg class="staff-chart"[^>]*aria-labelledby="close-time-title close-time-desc"/);
  assert.equal(openOf(page.body, 'Pothole'), potholes + 1);
  assert.match(page.body, /id="per-day-table"/);
  // Today's row of the per-day table counts what came in and what closed today.
  const rows = [...page.body.matchAll(/<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">([^<]+)<\/th><td[^>]*>(\d+)<\/td><td[^>]*>(\d+)<\/td><\/tr>/g)];
  assert.equal(rows.length, 30);
  const today = rows.at(-1)!;
  assert.ok(Number(today[2]) >= 3 && Number(today[3]) >= 1, today[0]);
  assert.match(page.body, /Graffiti/);

  // An officer has no dashboard; a supervisor of one group sees only its services.
  assert.equal((await officer.get('/staff/dashboard')).statusCode, 403);
  await w.store.staff.users.setRole(sup.id, 'example', 'supervisor', new Date(), ['Roads and pavements']);
  const limited = await client.get('/staff/dashboard');
  assert.match(limited.body, />Pothole</);
  assert.doesNotMatch(limited.body, />Graffiti</);
});

test('words are found through the trigram index, in any case, and edits and erasure keep it in step; overdue reads open targets', async () => {
  const id = (await submit('pothole', 'Crater beside the Zebracrossing on Quayside', { depth: 'deep' })).id;
  const has = async (q: string) => (await officer.get(`/staff/?q=${encodeURIComponent(q)}`)).body.includes(`href="/staff/requests/${id}"`);
  assert.equal(await has('zebracross'), true);
  assert.equal(await has('ZEBRACROSSING ON'), true);
  assert.equal(await has('zebracrossings'), false);
  assert.equal(await has('1 High Street'), true, 'the address is searched too');
  // Whatever is typed is a search, never a broken query.
  for (const q of ['"', '"""', "a'b'c", '%_\\', '--- OR *', 'NEAR(a b)', '\u0000abc', 'ab']) assert.equal((await officer.get(`/staff/?q=${encodeURIComponent(q)}`)).statusCode, 200, q);
  assert.equal(await has('%'), false);
  // The resident's words erased (as retention does): the index forgets them.
  await w.store.db.updateTable('service_requests').set({ description: null }).where('id', '=', Number(id)).execute();
  assert.equal(await has('zebracross'), false);
  // SQLite indexes new reports at the next search, not on insert: one erased before any search is never found by its old words.
  const early = (await submit('pothole', 'Xylophonestreet crater', { depth: 'deep' })).id;
  await w.store.db.updateTable('service_requests').set({ description: 'Kingfisherlane crater' }).where('id', '=', Number(early)).execute();
  const found = async (q: string, rid: string) => (await officer.get(`/staff/?q=${encodeURIComponent(q)}`)).body.includes(`href="/staff/requests/${rid}"`);
  assert.equal(await found('xylophonestreet', early), false);
  assert.equal(await found('kingfisherlane', early), true);

  const late = (await submit('pothole', 'Overdue one', { depth: 'deep' })).id;
  await w.store.db.updateTable('service_requests').set({ expected_at: Date.now() - 60_000 }).where('id', '=', Number(late)).execute();
  const overdue = await officer.get('/staff/?overdue=1');
  assert.equal(overdue.statusCode, 200);
  assert.match(overdue.body, new RegExp(`href="/staff/requests/${late}"`));
  assert.doesNotMatch(overdue.body, new RegExp(`href="/staff/requests/${id}"`));
});

test('supervisors search the audit log by who, what and request, and export exactly that as CSV', async () => {
  await staffUser(w.store, 'auditor@example.gov.uk', 'supervisor');
  const sup = staffClient(w.app);
  await sup.signIn('auditor@example.gov.uk');
  const id = (await submit('pothole', 'Audited', { depth: 'deep' })).id;
  await officer.post(`/staff/requests/${id}/note`, { note: 'first' });
  await officer.post(`/staff/requests/${id}/note`, { note: 'second' });
  await officer.post(`/staff/requests/${id}/assign`, { assignee: 'me' });
  const page = await sup.get(`/staff/audit?who=OFFICER2%40example.gov.uk&action=case.note&request=${id}`);
  assert.equal(page.statusCode, 200);
  assert.equal((page.body.match(/<td class="govuk-table__cell">case\.note<\/td>/g) ?? []).length, 2);
  assert.doesNotMatch(page.body, /<td class="govuk-table__cell">case\.assign<\/td>/);
  const csv = (await sup.get(`/staff/audit.csv?who=officer2%40example.gov.uk&action=case.note&request=${id}`)).body.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(csv[0], 'id,at,who,action,request,before,after,reason');
  assert.deepEqual(csv.slice(1).map((l) => l.split(',').slice(2, 5)), [['officer2@example.gov.uk', 'case.note', id], ['officer2@example.gov.uk', 'case.note', id]]);
  // Nonsense filters are dropped rather than refused; officers have no log to export.
  assert.equal((await sup.get('/staff/audit?action=%27;drop&request=x')).statusCode, 200);
  assert.equal((await officer.get('/staff/audit.csv')).statusCode, 403);
  const exported = await w.store.staff.audit.list({ jurisdictionId: 'example', actions: ['audit.export'], limit: 5 });
  assert.equal(exported.length, 1);
});

test('`staff add --group` limits the role to service groups, refusing a group the council does not have', async () => {
  const { contextFor } = await import('../cli/context.ts');
  const { staff } = await import('../cli/staff.ts');
  const out: string[] = [];
  const { ctx } = contextFor(w.config, (l) => out.push(l) > 0, (l) => out.push(l) > 0);
  ctx.store = async () => w.store;
  await assert.rejects(staff.run(['add', 'g@example.gov.uk', '--name', 'G', '--role', 'officer', '--council', 'example', '--group', 'Nonsense'], ctx), /--group "Nonsense" is not a service group of example \(have: .*Roads and pavements/);
  await staff.run(['add', 'g@example.gov.uk', '--name', 'G', '--role', 'officer', '--council', 'example', '--group', 'Roads and pavements', '--group', 'Street lighting'], ctx);
  assert.match(out.join('\n'), /as officer of example for Roads and pavements, Street lighting\./);
  const user = (await w.store.staff.users.byEmail('g@example.gov.uk'))!;
  assert.deepEqual(user.roles, [{ jurisdictionId: 'example', role: 'officer', groups: ['Roads and pavements', 'Street lighting'] }]);
  // Added again without --group: every service again.
  await staff.run(['add', 'g@example.gov.uk', '--name', 'G', '--role', 'officer', '--council', 'example'], ctx);
  assert.deepEqual((await w.store.staff.users.get(user.id))!.roles, [{ jurisdictionId: 'example', role: 'officer' }]);
});

test('NUL and other control characters in names and filters are never a 500', async () => {
  await officer.get('/staff/');
  assert.equal((await officer.post('/staff/views', { name: 'Nul\u0000view', query: 'q=a\u0000b' })).statusCode, 303);
  assert.ok((await w.store.staff.views.list(officerId, 'example')).some((v) => v.name === 'Nul view'));
  await staffUser(w.store, 'nul@example.gov.uk', 'supervisor');
  const sup = staffClient(w.app);
  await sup.signIn('nul@example.gov.uk');
  assert.equal((await sup.get('/staff/audit?who=a%00b&action=x%00&request=%00')).statusCode, 200);
  assert.equal((await sup.get('/staff/audit.csv?who=a%00b')).statusCode, 200);
});
