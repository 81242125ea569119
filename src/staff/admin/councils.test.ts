import { test, after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../app.ts';
import { freshStore, testConfig } from '../../../test/support/db.ts';
import { staffClient, staffUser, STAFF_PASSWORD } from '../../../test/support/staff.ts';
import { issueFirstRunToken } from '../../core/councils/first-run.ts';
import { FIRST_COUNCIL } from '../../core/councils/council.ts';

// From an empty install (SEED_DEMO=false): the first-run page, then a council's details as forms.

async function emptyApp() {
  const store = await freshStore();
  const app = await buildApp(testConfig(store.url, { seedDemo: false }), { store });
  return { app, store, close: async () => (await app.close(), await store.close()) };
}

const audit = async (store: Awaited<ReturnType<typeof freshStore>>, jurisdictionId: string, action: string) =>
  (await store.staff.audit.list({ jurisdictionId, actions: [action], limit: 50 }));

describe('first run with a set-up token', () => {
  let w: Awaited<ReturnType<typeof emptyApp>>;
  before(async () => (w = await emptyApp()));
  after(() => w.close());

  test('the resident front page names no council and points staff to the console; /staff/ leads to the first-run page', async () => {
    const home = await w.app.inject({ url: '/', headers: { accept: 'text/html' } });
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /This service is not set up yet/);
    assert.match(home.body, /href="\/staff\/"/);
    assert.doesNotMatch(home.body, /Tell\s+about/);
    const staff = await w.app.inject({ url: '/staff/' });
    assert.equal(staff.statusCode, 303);
    assert.equal(staff.headers.location, '/staff/first-run');
  });

  test('without the token, or with a wrong or used one, nothing is created', async () => {
    const c = staffClient(w.app);
    const page = await c.get('/staff/first-run');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Set-up token/);
    const fields = { id: 'westshire', name: 'Westshire Council', adminName: 'Kim Lee', email: 'kim@westshire.gov.uk' };
    const none = await c.post('/staff/first-run', { ...fields, token: '' });
    assert.equal(none.statusCode, 403);
    assert.match(none.body, /Enter the set-up token/);
    const wrong = await c.post('/staff/first-run', { ...fields, token: 'setup_guess' });
    assert.equal(wrong.statusCode, 403);
    assert.match(wrong.body, /set-up token is wrong/);
    assert.equal((await w.store.councils.list()).length, 0);
  });

  test('with the token: the council and its first admin are made once, the link signs them in, and the page is gone', async () => {
    const { token } = await issueFirstRunToken(w.store);
    const c = staffClient(w.app);
    await c.get('/staff/first-run');
    const bad = await c.post('/staff/first-run', { token, id: 'West Shire', name: '', adminName: '', email: 'nope' });
    assert.equal(bad.statusCode, 400);
    for (const href of ['#id', '#name', '#adminName', '#email']) assert.match(bad.body, new RegExp(`href="${href}"`));
    assert.equal((await w.store.councils.list()).length, 0, 'a refused form used nothing up');

    const made = await c.post('/staff/first-run', { token, id: 'westshire', name: 'Westshire Council', welshName: 'Cyngor Westshire', adminName: 'Kim Lee', email: 'kim@westshire.gov.uk' });
    assert.equal(made.statusCode, 200, made.body);
    const link = /href="http:\/\/pipework\.test(\/staff\/set-password\/[^"]+)"/.exec(made.body)?.[1];
    assert.ok(link, 'the set-password link is shown');
    assert.deepEqual((await w.store.councils.list()).map((x) => [x.id, x.name, x.welshName]), [['westshire', 'Westshire Council', 'Cyngor Westshire']]);

    const again = staffClient(w.app);
    assert.equal((await again.get('/staff/first-run')).statusCode, 303, 'the first-run page is gone once a council exists');
    await again.get('/staff/sign-in');
    assert.equal((await again.post('/staff/first-run', { token, id: 'other', name: 'Other', adminName: 'X', email: 'x@x.gov.uk' })).statusCode, 303);
    assert.equal((await w.store.councils.list()).length, 1);

    await c.get(link);
    assert.equal((await c.post(link, { password: STAFF_PASSWORD, confirm: STAFF_PASSWORD })).statusCode, 303);
    await c.signIn('kim@westshire.gov.uk');
    const admin = await c.get('/staff/admin/');
    assert.equal(admin.statusCode, 200);
    assert.match(admin.body, /href="\/staff\/admin\/councils"/);

    const [first] = await audit(w.store, 'westshire', 'council.first_run');
    assert.equal(first.actor, 'first-run:token');
    assert.match(first.after!, /"name":"Westshire Council"/);

    const home = await w.app.inject({ url: '/', headers: { accept: 'text/html' } });
    assert.match(home.body, /Tell Westshire Council about a problem/);
    const welsh = await w.app.inject({ url: '/?lang=cy', headers: { accept: 'text/html' } });
    assert.match(welsh.body, /Rhowch wybod i Cyngor Westshire/);
  });
});

describe('first run by an admin added before any council', () => {
  let w: Awaited<ReturnType<typeof emptyApp>>;
  before(async () => (w = await emptyApp()));
  after(() => w.close());

  test('a signed-in admin with no council creates it without a token; an officer with no council may not', async () => {
    await staffUser(w.store, 'ada@northshire.gov.uk', 'admin', FIRST_COUNCIL, 'Ada');
    await staffUser(w.store, 'oli@northshire.gov.uk', 'officer', FIRST_COUNCIL, 'Oli');
    const officer = staffClient(w.app);
    await officer.signIn('oli@northshire.gov.uk');
    const page = await officer.get('/staff/first-run');
    assert.match(page.body, /Set-up token/, 'an officer needs the token like anyone else');
    assert.equal((await officer.post('/staff/first-run', { id: 'northshire', name: 'Northshire Council', token: '', adminName: 'Oli', email: 'oli@northshire.gov.uk' })).statusCode, 403);

    const ada = staffClient(w.app);
    await ada.signIn('ada@northshire.gov.uk');
    const form = await ada.get('/staff/first-run');
    assert.doesNotMatch(form.body, /Set-up token/);
    const made = await ada.post('/staff/first-run', { id: 'northshire', name: 'Northshire Council' });
    assert.equal(made.statusCode, 303);
    assert.equal(made.headers.location, '/staff/admin/');
    assert.equal((await ada.get('/staff/admin/councils')).statusCode, 200);
    // Both roles waiting for the first council are now roles in it.
    const roles = (await w.store.staff.users.list('northshire')).map((u) => `${u.email}:${u.roles.map((r) => `${r.role}@${r.jurisdictionId}`)}`);
    assert.deepEqual(roles.sort(), ['ada@northshire.gov.uk:admin@northshire', 'oli@northshire.gov.uk:officer@northshire']);
    const [first] = await audit(w.store, 'northshire', 'council.first_run');
    assert.equal(first.actor, 'ada@northshire.gov.uk');
  });
});

describe('council details as forms', () => {
  let w: Awaited<ReturnType<typeof emptyApp>>;
  let admin: ReturnType<typeof staffClient>;
  before(async () => {
    w = await emptyApp();
    await w.store.councils.create({ id: 'westshire', name: 'Westshire Council', hosts: [], settings: {} });
    await w.store.councils.create({ id: 'eastshire', name: 'Eastshire Council', hosts: ['reports.eastshire.gov.uk'], settings: {} });
    await staffUser(w.store, 'kim@westshire.gov.uk', 'admin', 'westshire', 'Kim');
    await staffUser(w.store, 'sue@westshire.gov.uk', 'supervisor', 'westshire', 'Sue');
    admin = staffClient(w.app);
    await admin.signIn('kim@westshire.gov.uk');
  });
  after(() => w.close());

  test('a supervisor is refused every council page and form', async () => {
    const sue = staffClient(w.app);
    await sue.signIn('sue@westshire.gov.uk');
    assert.equal((await sue.get('/staff/admin/councils')).statusCode, 403);
    assert.equal((await sue.get('/staff/admin/councils/names')).statusCode, 403);
    assert.equal((await sue.post('/staff/admin/councils/names', { name: 'Taken over', version: '1' })).statusCode, 403);
    assert.equal((await w.store.councils.get('westshire'))!.name, 'Westshire Council');
  });

  test('names and hosts: saved, audited with before and after, a host another council has is refused, a stale form is refused', async () => {
    const form = await admin.get('/staff/admin/councils/names');
    assert.equal(form.statusCode, 200);
    const version = /name="version" value="(\d+)"/.exec(form.body)![1];
    const taken = await admin.post('/staff/admin/councils/names', { version, name: 'Westshire Council', welshName: '', hosts: 'reports.eastshire.gov.uk' });
    assert.equal(taken.statusCode, 400);
    assert.match(taken.body, /reports\.eastshire\.gov\.uk already serves the council &quot;eastshire&quot;/);
    const saved = await admin.post('/staff/admin/councils/names', { version, name: 'Westshire County Council', welshName: 'Cyngor Sir Westshire', hosts: 'Reports.Westshire.gov.uk\nwestshire.localhost:3000' });
    assert.equal(saved.statusCode, 303);
    const c = (await w.store.councils.get('westshire'))!;
    assert.deepEqual([c.name, c.welshName, c.hosts], ['Westshire County Council', 'Cyngor Sir Westshire', ['reports.westshire.gov.uk', 'westshire.localhost:3000']]);
    const [entry] = await audit(w.store, 'westshire', 'council.set');
    assert.equal(entry.actor, 'kim@westshire.gov.uk');
    assert.deepEqual(JSON.parse(entry.before!), { name: 'Westshire Council', welshName: '', hosts: '' });
    assert.equal(JSON.parse(entry.after!).name, 'Westshire County Council');

    const stale = await admin.post('/staff/admin/councils/names', { version, name: 'Lost edit', hosts: '' });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /Someone else changed this council/);
    assert.equal((await w.store.councils.get('westshire'))!.name, 'Westshire County Council');
  });

  test('the resident web picks the council by Host', async () => {
    const page = (host: string) => w.app.inject({ url: '/', headers: { accept: 'text/html', host } });
    assert.match((await page('reports.westshire.gov.uk')).body, /Tell Westshire County Council about a problem/);
    assert.match((await page('reports.eastshire.gov.uk')).body, /Tell Eastshire Council about a problem/);
    assert.match((await page('REPORTS.EASTSHIRE.GOV.UK:443')).body, /Tell Eastshire Council/);
  });

  test('look: a header colour white text cannot be read on is refused with its contrast; a good one and an https logo show on the resident pages', async () => {
    const version = /name="version" value="(\d+)"/.exec((await admin.get('/staff/admin/councils/look')).body)![1];
    const pale = await admin.post('/staff/admin/councils/look', { version, headerColour: '#ffdd00', logoUrl: 'javascript:alert(1)' });
    assert.equal(pale.statusCode, 400);
    assert.match(pale.body, /contrast of 1\.\d\d to 1/);
    assert.match(pale.body, /logo address must start with https/);
    assert.equal((await admin.post('/staff/admin/councils/look', { version, headerColour: '#1d70b8', logoUrl: 'https://www.westshire.gov.uk/logo.svg' })).statusCode, 303);
    const home = await w.app.inject({ url: '/', headers: { accept: 'text/html', host: 'reports.westshire.gov.uk' } });
    assert.match(home.body, /background-color: #1d70b8/);
    assert.match(home.body, /<img class="pipework-council-logo" src="https:\/\/www\.westshire\.gov\.uk\/logo\.svg" alt="">/);
    assert.match(String(home.headers['content-security-policy']), /img-src 'self' data: https:/);
  });

  test('contact, emergency and discovery text: the start page warns, Open311 discovery says how to reach the council and ask for a key', async () => {
    const version = /name="version" value="(\d+)"/.exec((await admin.get('/staff/admin/councils/contact')).body)![1];
    const r = await admin.post('/staff/admin/councils/contact', { version, contactEmail: 'streets@westshire.gov.uk', keyRequest: 'Email streets@westshire.gov.uk with your client’s name.', emergencyText: 'If there is a danger to life, call 999.', emergencyTextWelsh: 'Os oes perygl i fywyd, ffoniwch 999.' });
    assert.equal(r.statusCode, 303, r.body);
    const host = { host: 'reports.westshire.gov.uk' };
    assert.match((await w.app.inject({ url: '/', headers: { accept: 'text/html', ...host } })).body, /If there is a danger to life, call 999\./);
    assert.match((await w.app.inject({ url: '/?lang=cy', headers: { accept: 'text/html', ...host } })).body, /Os oes perygl i fywyd/);
    const discovery = (await w.app.inject({ url: '/open311/v2/discovery.json', headers: host })).json();
    assert.equal(discovery.contact, 'Westshire County Council: streets@westshire.gov.uk');
    assert.equal(discovery.key_service, 'Email streets@westshire.gov.uk with your client’s name.');
    const byId = (await w.app.inject({ url: '/open311/v2/discovery.xml?jurisdiction_id=eastshire' })).body;
    assert.match(byId, /<key_service>Ask the council for an API key\.<\/key_service>/);
  });

  test('accessibility statement and privacy notice: the fields the law needs, as forms, shown on /accessibility and /privacy', async () => {
    let version = /name="version" value="(\d+)"/.exec((await admin.get('/staff/admin/councils/accessibility')).body)![1];
    const missing = await admin.post('/staff/admin/councils/accessibility', { version, a11yStatus: 'partial', a11yReportProblem: 'Email access@westshire.gov.uk' });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /href="#a11yNonCompliance"/);
    assert.equal((await admin.post('/staff/admin/councils/accessibility', { version, a11yStatus: 'partial', a11yNonCompliance: 'The map cannot be used with a keyboard.', a11yReportProblem: 'Email access@westshire.gov.uk', a11yPreparedOn: '2026-11-30' })).statusCode, 303);
    version = /name="version" value="(\d+)"/.exec((await admin.get('/staff/admin/councils/privacy')).body)![1];
    assert.equal((await admin.post('/staff/admin/councils/privacy', { version, privacyController: 'Westshire County Council, County Hall, Westshire', privacyLawfulBasis: 'Public task (UK GDPR article 6(1)(e))', privacyRetention: 'Two years after a report is closed.' })).statusCode, 303);
    const host = { accept: 'text/html', host: 'reports.westshire.gov.uk' };
    const a11y = (await w.app.inject({ url: '/accessibility', headers: host })).body;
    assert.match(a11y, /partially compliant/);
    assert.match(a11y, /The map cannot be used with a keyboard\./);
    assert.match(a11y, /Equality and Human Rights Commission/);
    assert.match(a11y, /prepared on 2026-11-30/);
    const privacy = (await w.app.inject({ url: '/privacy', headers: host })).body;
    for (const text of ['County Hall', 'Public task', 'Two years after', 'Information Commissioner', 'right to ask for a copy']) assert.match(privacy, new RegExp(text));
    // Another council's pages keep the general text.
    assert.doesNotMatch((await w.app.inject({ url: '/privacy', headers: { accept: 'text/html', host: 'reports.eastshire.gov.uk' } })).body, /County Hall/);
  });
});
