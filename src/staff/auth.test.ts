import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { generate } from 'otplib';
import { buildApp } from '../app.ts';
import { demoApp } from '../../test/support/app.ts';
import { manualClock } from '../../test/support/clock.ts';
import { staffClient, staffUser, STAFF_PASSWORD } from '../../test/support/staff.ts';
import { submitRequest } from '../core/requests/submit.ts';
import { contextFor } from '../cli/context.ts';
import { staff as staffCommand } from '../cli/staff.ts';

// Sign-in, sessions, CSRF and roles of the staff console, over app.inject() on a real database.

const clock = manualClock(new Date());
let w: Awaited<ReturnType<typeof demoApp>>;
let app: Awaited<ReturnType<typeof buildApp>>;
let ours: string;
let theirs: string;

const pothole = (description: string, jurisdictionId = 'example') =>
  submitRequest(w.store, { jurisdictionId, serviceCode: 'pothole', description, attributes: { depth: 'deep' }, location: { address: '1 High Street' }, contact: { email: 'resident@example.com', firstName: 'Sam' }, mediaUrls: [], source: 'web' });

before(async () => {
  w = await demoApp();
  // The same app, with a clock the tests move (idle timeout, lock expiry).
  app = await buildApp(w.config, { store: w.store, clock });
  await w.store.jurisdictions.upsert({ id: 'other', name: 'Other District Council' });
  await w.store.services.upsert({ ...(await w.store.services.get('example', 'pothole'))!, jurisdictionId: 'other', pattern: undefined });
  await staffUser(w.store, 'agent@example.gov.uk', 'agent');
  await staffUser(w.store, 'officer@example.gov.uk', 'officer');
  await staffUser(w.store, 'super@example.gov.uk', 'supervisor');
  await staffUser(w.store, 'officer@other.gov.uk', 'officer', 'other');
  ours = (await pothole('Deep pothole by the school')).id;
  theirs = (await pothole('Pothole in the other district', 'other')).id;
});
after(async () => {
  await app.close();
  await w.close();
});

test('signed out: every page and action sends you to sign in, and nothing changes', async () => {
  const c = staffClient(app);
  const queue = await c.get('/staff/');
  assert.equal(queue.statusCode, 303);
  assert.equal(queue.headers.location, '/staff/sign-in?next=%2Fstaff%2F');
  assert.equal((await c.get(`/staff/requests/${ours}`)).headers.location, `/staff/sign-in?next=%2Fstaff%2Frequests%2F${ours}`);
  await c.get('/staff/sign-in');
  const post = await c.post(`/staff/requests/${ours}/note`, { note: 'sneaky' });
  assert.equal(post.statusCode, 303);
  assert.match(String(post.headers.location), /^\/staff\/sign-in/);
  assert.equal((await w.store.requests.history('example', ours, { internal: true })).length, 0);
  assert.equal((await c.get('/staff/audit')).statusCode, 303);
});

test('email and password: a wrong password is refused alike for known and unknown emails; the right one starts a hashed session', async () => {
  const c = staffClient(app);
  const wrong = await c.signIn('officer@example.gov.uk', 'not the password');
  assert.equal(wrong.statusCode, 401);
  assert.match(wrong.body, /Enter a correct email address and password/);
  const unknown = await c.signIn('nobody@example.gov.uk', 'not the password');
  assert.equal(unknown.statusCode, 401);
  assert.match(unknown.body, /Enter a correct email address and password/);
  const empty = await c.post('/staff/sign-in', { email: '', password: '' });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /Enter your email address/);

  const ok = await c.signIn('Officer@Example.gov.uk ');
  assert.equal(ok.statusCode, 303);
  assert.equal(ok.headers.location, '/staff/');
  const token = c.cookie.split('=')[1];
  // Only the token's hash is stored: a copy of the table signs no one in.
  assert.equal(await w.store.staff.sessions.get(token, clock.now()), undefined);
  const row = await w.store.staff.sessions.get(createHash('sha256').update(token).digest('base64url'), clock.now());
  assert.ok(row?.userId);
  const queue = await c.get('/staff/');
  assert.equal(queue.statusCode, 200);
  assert.match(queue.body, /Deep pothole by the school/);
  assert.doesNotMatch(queue.body, /other district/i);

  // Sign-out ends the stored session: the old cookie no longer works.
  const before = c.cookie;
  assert.equal((await c.post('/staff/sign-out', {})).headers.location, '/staff/sign-in');
  const replay = await app.inject({ url: '/staff/', headers: { cookie: before } });
  assert.equal(replay.statusCode, 303);
});

test('a sign-in only goes on to a page of the console', async () => {
  const c = staffClient(app);
  await c.get('/staff/sign-in?next=//evil.example/');
  const r = await c.post('/staff/sign-in', { email: 'officer@example.gov.uk', password: STAFF_PASSWORD, next: '//evil.example/' });
  assert.equal(r.headers.location, '/staff/');
  const c2 = staffClient(app);
  await c2.get('/staff/sign-in');
  const r2 = await c2.post('/staff/sign-in', { email: 'officer@example.gov.uk', password: STAFF_PASSWORD, next: `/staff/requests/${ours}` });
  assert.equal(r2.headers.location, `/staff/requests/${ours}`);
});

test('CSRF: a form sent without its token, or with another session\'s, is refused and changes nothing', async () => {
  const c = staffClient(app);
  await c.signIn('officer@example.gov.uk');
  await c.get(`/staff/requests/${ours}`);
  const none = await c.post(`/staff/requests/${ours}/note`, { note: 'no token', _csrf: '' });
  assert.equal(none.statusCode, 403);
  assert.match(none.body, /This form has expired/);
  const other = staffClient(app);
  await other.signIn('agent@example.gov.uk');
  await other.get('/staff/');
  const forged = await c.post(`/staff/requests/${ours}/note`, { note: 'wrong token', _csrf: other.csrf });
  assert.equal(forged.statusCode, 403);
  const signIn = await staffClient(app).post('/staff/sign-in', { email: 'officer@example.gov.uk', password: STAFF_PASSWORD, _csrf: '' });
  assert.equal(signIn.statusCode, 403);
  assert.deepEqual((await w.store.requests.history('example', ours, { internal: true })).map((u) => u.description), []);
});

test('roles: an agent adds notes but cannot change status or reply; a supervisor reads the audit log, an officer cannot', async () => {
  const agent = staffClient(app);
  await agent.signIn('agent@example.gov.uk');
  const page = await agent.get(`/staff/requests/${ours}`);
  assert.equal(page.statusCode, 200);
  assert.doesNotMatch(page.body, /Change status/);
  const status = await agent.post(`/staff/requests/${ours}/status`, { status: 'investigating' });
  assert.equal(status.statusCode, 403);
  assert.equal((await w.store.requests.get('example', ours))!.status, 'open');
  assert.equal((await agent.post(`/staff/requests/${ours}/reply`, { reply: 'hello' })).statusCode, 403);
  assert.equal((await agent.post(`/staff/requests/${ours}/assign`, { assignee: '' })).statusCode, 403);
  const note = await agent.post(`/staff/requests/${ours}/note`, { note: 'Caller rang to chase' });
  assert.equal(note.statusCode, 303);
  assert.equal((await agent.get('/staff/audit')).statusCode, 403);

  const officer = staffClient(app);
  await officer.signIn('officer@example.gov.uk');
  assert.equal((await officer.get('/staff/audit')).statusCode, 403);
  const sup = staffClient(app);
  await sup.signIn('super@example.gov.uk');
  const audit = await sup.get('/staff/audit');
  assert.equal(audit.statusCode, 200);
  assert.match(audit.body, /agent@example.gov.uk[\s\S]*case.note/);
});

test('council isolation: an officer of another council gets 404 for this council\'s request, and cannot act on it', async () => {
  const c = staffClient(app);
  await c.signIn('officer@other.gov.uk');
  assert.equal((await c.get(`/staff/requests/${ours}`)).statusCode, 404);
  assert.equal((await c.get(`/staff/requests/${theirs}`)).statusCode, 200);
  assert.equal((await c.post(`/staff/requests/${ours}/note`, { note: 'x' })).statusCode, 404);
  assert.equal((await c.post(`/staff/requests/${ours}/status`, { status: 'investigating' })).statusCode, 404);
  assert.equal((await w.store.requests.get('example', ours))!.status, 'open');
  const queue = await c.get('/staff/');
  assert.match(queue.body, /Pothole in the other district/);
  assert.doesNotMatch(queue.body, /by the school/);
  assert.equal((await c.get('/staff/requests/not-a-number')).statusCode, 404);
});

test('lockout: five failures lock the account for 15 minutes, even against the right password and across a restart', async () => {
  await staffUser(w.store, 'locked@example.gov.uk', 'officer');
  const c = staffClient(app);
  // Twenty wrong passwords at once: each is counted, none slips through.
  await c.get('/staff/sign-in');
  const tries = await Promise.all(Array.from({ length: 20 }, () => c.post('/staff/sign-in', { email: 'locked@example.gov.uk', password: 'guess' })));
  assert.ok(tries.every((r) => r.statusCode === 401 || r.statusCode === 423), tries.map((r) => r.statusCode).join());
  const right = await c.signIn('locked@example.gov.uk');
  assert.equal(right.statusCode, 423);
  assert.match(right.body, /locked/);
  // A new process on the same database: the lock is stored, not remembered.
  const restarted = await buildApp(w.config, { store: w.store, clock });
  try {
    const again = await staffClient(restarted).signIn('locked@example.gov.uk');
    assert.equal(again.statusCode, 423);
    clock.advance(16 * 60_000);
    const later = await staffClient(restarted).signIn('locked@example.gov.uk');
    assert.equal(later.statusCode, 303);
  } finally {
    await restarted.close();
  }
});

test('idle timeout: a session unused for longer than STAFF_SESSION_IDLE_MINUTES ends', async () => {
  const c = staffClient(app);
  await c.signIn('officer@example.gov.uk');
  clock.advance(20 * 60_000);
  assert.equal((await c.get('/staff/')).statusCode, 200);
  clock.advance(20 * 60_000); // 20 minutes after the last page: still within 30
  assert.equal((await c.get('/staff/')).statusCode, 200);
  clock.advance(31 * 60_000);
  assert.equal((await c.get('/staff/')).statusCode, 303);
});

test('set-password link from `staff add`: works once, then the password signs in', async () => {
  const out: string[] = [];
  const { ctx } = contextFor(w.config, (l) => out.push(l) > 0, (l) => out.push(l) > 0);
  ctx.store = async () => w.store;
  await staffCommand.run(['add', 'new@example.gov.uk', '--name', 'New Person', '--role', 'officer', '--council', 'example'], ctx);
  const link = new URL(out.at(-1)!);
  assert.match(link.pathname, /^\/staff\/set-password\/[\w-]{43}$/);
  const c = staffClient(app);
  const form = await c.get(link.pathname);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /New Person/);
  const short = await c.post(link.pathname, { password: 'short', confirm: 'short' });
  assert.equal(short.statusCode, 400);
  assert.match(short.body, /at least 12 characters/);
  const mismatch = await c.post(link.pathname, { password: 'a long enough password', confirm: 'another one entirely' });
  assert.match(mismatch.body, /do not match/);
  assert.equal((await c.post(link.pathname, { password: 'a long enough password', confirm: 'a long enough password' })).statusCode, 303);
  assert.equal((await c.get(link.pathname)).statusCode, 404);
  assert.equal((await c.signIn('new@example.gov.uk', 'a long enough password')).statusCode, 303);
  await assert.rejects(staffCommand.run(['add', 'x@example.gov.uk', '--name', 'X', '--role', 'boss', '--council', 'example'], ctx), /--role must be one of/);
});

test('second factor: once set up, a password alone does not sign in; the code does, and wrong codes count towards the lock', async () => {
  await staffUser(w.store, 'totp@example.gov.uk', 'officer');
  const c = staffClient(app);
  await c.signIn('totp@example.gov.uk');
  const setup = await c.get('/staff/account/two-factor');
  const secret = /id="totp-secret">([A-Z2-7]+)</.exec(setup.body)![1];
  assert.equal((await c.post('/staff/account/two-factor', { code: '000000' })).statusCode, 400);
  const code = await generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });
  assert.equal((await c.post('/staff/account/two-factor', { code })).statusCode, 303);

  const d = staffClient(app);
  const pw = await d.signIn('totp@example.gov.uk');
  assert.equal(pw.headers.location, '/staff/sign-in/two-factor');
  assert.equal((await d.get('/staff/')).statusCode, 303);
  await d.get('/staff/sign-in/two-factor');
  assert.equal((await d.post('/staff/sign-in/two-factor', { code: '123456' })).statusCode, 401);
  const ok = await d.post('/staff/sign-in/two-factor', { code: await generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) }) });
  assert.equal(ok.statusCode, 303);
  assert.equal((await d.get('/staff/')).statusCode, 200);
});
