import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../test/support/app.ts';
import { staffClient, staffUser } from '../../test/support/staff.ts';
import { submitRequest } from '../core/requests/submit.ts';

// The staff console's last round over app.inject(): reply templates, assignment to a team,
// a role's service groups on the people page, and the audit log within a role's groups.

let w: Awaited<ReturnType<typeof demoApp>>;
let admin: ReturnType<typeof staffClient>;
let officer: ReturnType<typeof staffClient>;
let officerId: string;
let adminId: string;

const submit = (serviceCode: string, description: string, attributes: Record<string, string>) =>
  submitRequest(w.store, { jurisdictionId: 'example', serviceCode, description, attributes, location: { address: '1 High Street' }, contact: { email: 'resident@example.com' }, mediaUrls: [], source: 'web' });

const signedIn = async (email: string) => {
  const c = staffClient(w.app);
  await c.signIn(email);
  await c.get('/staff/');
  return c;
};

before(async () => {
  w = await demoApp();
  adminId = (await staffUser(w.store, 'ada@example.gov.uk', 'admin', 'example', 'Ada Admin')).id;
  officerId = (await staffUser(w.store, 'tom@example.gov.uk', 'officer', 'example', 'Tom Officer')).id;
  await w.store.staff.users.setTeam(officerId, 'example', 'Highways');
  admin = await signedIn('ada@example.gov.uk');
  officer = await signedIn('tom@example.gov.uk');
});
after(() => w.close());

test('admins keep reply templates; the case page offers those that fit, filled in, without JavaScript', async () => {
  assert.match((await admin.get('/staff/admin/')).body, /href="\/staff\/admin\/templates"/);
  assert.equal((await officer.get('/staff/admin/templates')).statusCode, 403);

  // Mistakes come back on the form with the GOV.UK error summary, and nothing is saved.
  await admin.get('/staff/admin/templates/new');
  const bad = await admin.post('/staff/admin/templates', [['name', ''], ['body', 'Hello {resident}'], ['services', 'nope'], ['statuses', 'bogus']]);
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /govuk-error-summary/);
  assert.match(bad.body, /Enter a name for the template/);
  assert.match(bad.body, /“\{resident\}” is not a placeholder/);
  assert.match(bad.body, /Choose services of this council/);
  assert.match(bad.body, /Choose statuses from the list/);
  assert.deepEqual(await w.store.replyTemplates.list('example'), []);

  const added = await admin.post('/staff/admin/templates', [['name', 'Pothole booked'], ['body', 'Request {reference}: your {service} report to {council} is booked for repair.'], ['bodyCy', 'Cais {reference}: wedi ei drefnu.'], ['services', 'pothole'], ['statuses', 'open']]);
  assert.equal(added.statusCode, 303);
  await admin.post('/staff/admin/templates', [['name', 'Any case'], ['body', 'Thank you for telling us.']]);
  await admin.post('/staff/admin/templates', [['name', 'Pothole fixed'], ['body', 'Fixed.'], ['services', 'pothole'], ['statuses', 'fixed']]);
  await admin.post('/staff/admin/templates', [['name', 'Graffiti'], ['body', 'Cleaning booked.'], ['services', 'graffiti']]);
  const dup = await admin.post('/staff/admin/templates', [['name', 'Any case'], ['body', 'Again']]);
  assert.equal(dup.statusCode, 400);
  assert.match(dup.body, /There is already a template called “Any case”/);
  const list = await admin.get('/staff/admin/templates');
  assert.match(list.body, /Pothole booked/);
  const all = await w.store.replyTemplates.list('example');
  assert.deepEqual(all.map((t) => t.name), ['Any case', 'Graffiti', 'Pothole booked', 'Pothole fixed']);
  const booked = all.find((t) => t.name === 'Pothole booked')!;

  // The case page offers only templates for its service and status, English and Welsh.
  const id = (await submit('pothole', 'Deep pothole', { depth: 'deep' })).id;
  const page = await officer.get(`/staff/requests/${id}`);
  assert.match(page.body, /<option value="[^"]*"[^>]*>Any case<\/option>/);
  assert.match(page.body, /Pothole booked<\/option>/);
  assert.match(page.body, /Pothole booked \(Cymraeg\)<\/option>/);
  assert.doesNotMatch(page.body, /Pothole fixed<\/option>|Graffiti<\/option>/);
  assert.match(page.body, /<textarea[^>]*id="reply"[^>]*><\/textarea>/);
  // "Use template" (a GET form) brings the page back with the text filled in on the server.
  const filled = await officer.get(`/staff/requests/${id}?template=${booked.id}`);
  assert.match(filled.body, new RegExp(`<textarea[^>]*id="reply"[^>]*>Request ${id}: your Pothole report to Example[^<]* is booked for repair.</textarea>`));
  assert.match((await officer.get(`/staff/requests/${id}?template=${booked.id}:cy`)).body, new RegExp(`id="reply"[^>]*>Cais ${id}: wedi ei drefnu.</textarea>`));
  // Another council's or a non-fitting template fills nothing.
  const fixedId = all.find((t) => t.name === 'Pothole fixed')!.id;
  assert.match((await officer.get(`/staff/requests/${id}?template=${fixedId}`)).body, /<textarea[^>]*id="reply"[^>]*><\/textarea>/);

  // Changing and removing are audited, as adding was.
  await admin.get(`/staff/admin/templates/${booked.id}`);
  assert.equal((await admin.post(`/staff/admin/templates/${booked.id}`, [['name', 'Pothole booked'], ['body', 'Booked: {reference}.'], ['services', 'pothole']])).statusCode, 303);
  assert.equal((await w.store.replyTemplates.get('example', booked.id))!.bodyCy, undefined);
  await admin.get('/staff/admin/templates');
  assert.equal((await admin.post(`/staff/admin/templates/${fixedId}/delete`, {})).statusCode, 303);
  assert.equal((await admin.post(`/staff/admin/templates/${fixedId}/delete`, {})).statusCode, 404);
  const audit = await w.store.staff.audit.list({ jurisdictionId: 'example', actions: ['template.save', 'template.delete'], limit: 20 });
  assert.deepEqual(audit.map((e) => e.action), ['template.delete', 'template.save', 'template.save', 'template.save', 'template.save', 'template.save']);
  assert.match(audit[1].before!, /cy: Cais/);
  assert.match(audit[1].after!, /^Pothole booked \[services: pothole; statuses: all\]: Booked: \{reference\}\.$/);
});

test('a case goes to a team (or to an officer, who brings their team); "my team" finds both', async () => {
  const supervisorId = (await staffUser(w.store, 'sam@example.gov.uk', 'supervisor', 'example', 'Sam Supervisor')).id;
  await w.store.staff.users.setTeam(supervisorId, 'example', 'Highways');
  const sam = await signedIn('sam@example.gov.uk');
  const a = (await submit('pothole', 'Pothole one', { depth: 'deep' })).id;
  const b = (await submit('pothole', 'Pothole two', { depth: 'deep' })).id;
  const c = (await submit('pothole', 'Pothole three', { depth: 'deep' })).id;

  const page = await officer.get(`/staff/requests/${a}`);
  assert.match(page.body, /<option value="team:Highways">Team Highways<\/option>/);
  // Only a team some officer of the council is in.
  assert.equal((await officer.post(`/staff/requests/${a}/assign`, { assignee: 'team:Parks' })).statusCode, 303);
  assert.match((await officer.get(`/staff/requests/${a}`)).body, /Choose an officer or team of this council/);
  assert.equal(await w.store.staff.assignments.of('example', a), undefined);

  await officer.post(`/staff/requests/${a}/assign`, { assignee: 'team:Highways' });
  assert.deepEqual(await w.store.staff.assignments.of('example', a), { team: 'Highways' });
  assert.match((await officer.get(`/staff/requests/${a}`)).body, /Team Highways/);
  await officer.post(`/staff/requests/${b}/assign`, { assignee: officerId });
  assert.deepEqual(await w.store.staff.assignments.of('example', b), { userId: officerId, team: 'Highways' });

  // Bulk assign to the team, with its reason.
  await sam.get('/staff/');
  assert.equal((await sam.post('/staff/bulk', [['action', 'assign'], ['assignee', 'team:Highways'], ['reason', 'Road crew'], ['ids', c], ['back', '/staff/']])).statusCode, 303);
  assert.deepEqual(await w.store.staff.assignments.of('example', c), { team: 'Highways' });

  const mine = await sam.get('/staff/?assigned=team');
  for (const id of [a, b, c]) assert.match(mine.body, new RegExp(`href="/staff/requests/${id}"`));
  assert.match(mine.body, /Tom Officer \(Highways\)/);
  // Someone with no team has no team's cases.
  await staffUser(w.store, 'nat@example.gov.uk', 'officer', 'example', 'Nat Noteam');
  const nat = await signedIn('nat@example.gov.uk');
  assert.doesNotMatch((await nat.get('/staff/?assigned=team')).body, new RegExp(`href="/staff/requests/${a}"`));

  const log = await w.store.staff.audit.list({ jurisdictionId: 'example', actions: ['case.assign'], limit: 10 });
  assert.deepEqual(log.slice(0, 3).map((e) => [e.requestId, e.before ?? null, e.after, e.reason ?? null]), [[c, null, 'team Highways', 'Road crew'], [b, null, 'Tom Officer (Highways)', null], [a, null, 'team Highways', null]]);
});

test('the people page sets the service groups of a role, audited; none gives back every service', async () => {
  await admin.get(`/staff/admin/people/${officerId}`);
  const form = await admin.get(`/staff/admin/people/${officerId}`);
  assert.match(form.body, /name="groups" type="checkbox" value="Roads and pavements"/);
  const bad = await admin.post(`/staff/admin/people/${officerId}`, [['role', 'officer'], ['team', 'Highways'], ['groupsShown', '1'], ['groups', 'Not a group']]);
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Choose from the council/);
  assert.equal((await admin.post(`/staff/admin/people/${officerId}`, [['role', 'officer'], ['team', 'Highways'], ['groupsShown', '1'], ['groups', 'Roads and pavements']])).statusCode, 303);
  let role = (await w.store.staff.users.get(officerId))!.roles.find((r) => r.jurisdictionId === 'example')!;
  assert.deepEqual(role, { jurisdictionId: 'example', role: 'officer', groups: ['Roads and pavements'], team: 'Highways' });
  assert.match((await admin.get(`/staff/admin/people/${officerId}`)).body, /name="groups" type="checkbox" value="Roads and pavements" checked/);
  const [entry] = await w.store.staff.audit.list({ jurisdictionId: 'example', actions: ['staff.role'], limit: 1 });
  assert.deepEqual([entry.before, entry.after], ['officer (Highways)', 'officer (Highways) [Roads and pavements]']);

  await admin.get(`/staff/admin/people/${officerId}`);
  await admin.post(`/staff/admin/people/${officerId}`, [['role', 'officer'], ['team', 'Highways'], ['groupsShown', '1']]);
  role = (await w.store.staff.users.get(officerId))!.roles.find((r) => r.jurisdictionId === 'example')!;
  assert.equal(role.groups, undefined);
  assert.ok(adminId);
});

test('a supervisor limited to service groups reads only the audit entries of their requests (and those about none)', async () => {
  const roads = (await submit('pothole', 'Roads request', { depth: 'deep' })).id;
  const tags = (await submit('graffiti', 'Tags request', { offensive: 'no' })).id;
  await officer.get(`/staff/requests/${roads}`);
  await officer.post(`/staff/requests/${roads}/note`, { note: 'roads note' });
  await officer.get(`/staff/requests/${tags}`);
  await officer.post(`/staff/requests/${tags}/note`, { note: 'tags note' });
  const user = await staffUser(w.store, 'rosa@example.gov.uk', 'supervisor', 'example', 'Rosa Roads');
  await w.store.staff.users.setRole(user.id, 'example', 'supervisor', new Date(), ['Roads and pavements']);
  const rosa = await signedIn('rosa@example.gov.uk');
  const log = await rosa.get('/staff/audit');
  assert.equal(log.statusCode, 200);
  assert.match(log.body, new RegExp(`href="/staff/requests/${roads}"`));
  assert.doesNotMatch(log.body, new RegExp(`href="/staff/requests/${tags}"`));
  assert.match(log.body, /template\.save/, 'entries about no request are shown');
  const csv = (await rosa.get('/staff/audit.csv')).body;
  assert.match(csv, new RegExp(`,case\\.note,${roads},`));
  assert.doesNotMatch(csv, new RegExp(`,case\\.note,${tags},`));
  // An unlimited supervisor sees both.
  const sam = await signedIn('sam@example.gov.uk');
  assert.match((await sam.get('/staff/audit')).body, new RegExp(`href="/staff/requests/${tags}"`));
});
