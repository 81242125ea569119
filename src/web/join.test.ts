import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../test/support/app.ts';
import { webClient, residentReference } from '../../test/support/web.ts';
import { SAMPLE_ADDRESSES } from '../../test/support/os-places-stand-in.ts';
import { gridToLatLong } from '../addresses/grid.ts';
import { submitRequest } from '../core/requests/submit.ts';
import { recordUpdate } from '../core/requests/record-update.ts';
import { joinRequest } from '../core/requests/join.ts';
import { erasePerson, findPerson } from '../core/records/records.ts';
import { systemClock } from '../core/clock.ts';

const ctx = await demoApp({ webSubmitLimitPerMinute: 1000 });
after(() => ctx.close());
const at = gridToLatLong(SAMPLE_ADDRESSES[6].easting, SAMPLE_ADDRESSES[6].northing);

async function toNearby(web: ReturnType<typeof webClient>, lang?: 'cy') {
  if (lang) await web.get('/?lang=cy');
  await web.get('/report/graffiti/question/offensive');
  await web.post('/report/graffiti/question/offensive', { answer: 'no' });
  await web.get('/report/graffiti/location');
  const typed = await web.post('/report/graffiti/location', { address: 'By 7 High Street', postcode: '', lat: String(at.lat), long: String(at.long) });
  assert.equal(typed.headers.location, '/report/graffiti/nearby');
  return web.get('/report/graffiti/nearby');
}

const jobs = (requestId: string) => ctx.store.notifications.forRequest(requestId);

test('"I\'m reporting this too": the resident gives contact details on the contact page, joins once, and is told of the next status change by their own notice', async () => {
  const original = await submitRequest(ctx.store, { jurisdictionId: 'example', serviceCode: 'graffiti', attributes: { offensive: 'no' }, location: { lat: String(at.lat), long: String(at.long), address: 'Wall by 7 High Street' }, contact: { email: 'first@example.com', firstName: 'Fiona' }, mediaUrls: [], source: 'web' });
  const reference = await residentReference(ctx.store, original.id);
  const web = webClient(ctx.app);
  const page = await toNearby(web);
  assert.match(page.body, new RegExp(`<button type="submit" value="${reference}" name="join"`));
  assert.doesNotMatch(page.body, /first@example\.com|Fiona/, 'no personal data of the reporter');

  // A reference the page did not offer (a guess, another service's) joins nothing.
  assert.equal((await web.post('/report/graffiti/nearby', { join: 'HX4K-9TQM' })).headers.location, '/report/graffiti/nearby');
  const chose = await web.post('/report/graffiti/nearby', { join: reference });
  assert.equal(chose.headers.location, '/report/graffiti/contact');

  // The journey's own contact step and its checks.
  const bad = await web.post('/report/graffiti/contact', { email: 'not an address', updatesAsked: '1', updates: 'email' });
  assert.equal(bad.statusCode, 400);
  const ok = await web.post('/report/graffiti/contact', { firstName: 'Gwen', email: 'gwen@example.com', updatesAsked: '1', updates: 'email' });
  assert.equal(ok.headers.location, '/report/graffiti/check');
  const check = await web.get('/report/graffiti/check');
  assert.match(check.body, /Check your details before joining this report/);
  assert.match(check.body, new RegExp(reference));
  assert.doesNotMatch(check.body, /More about the problem/, 'their own answers are not sent');

  const [a, b] = await Promise.all([web.post('/report/graffiti/check', {}), web.post('/report/graffiti/check', {})]);
  assert.equal(a.headers.location, '/report/graffiti/confirmation');
  assert.equal(b.headers.location, '/report/graffiti/confirmation');
  assert.equal((await web.post('/report/graffiti/check', {})).headers.location, '/report/graffiti/confirmation');
  const done = await web.get('/report/graffiti/confirmation');
  assert.match(done.body, /You have been added to this report/);
  assert.match(done.body, new RegExp(`id="reference">${reference}<`));

  const joiners = await ctx.store.joiners.of(original.id);
  assert.equal(joiners.length, 1, 'joined once, however often the button was pressed');
  assert.equal(joiners[0].contact.email, 'gwen@example.com');
  assert.equal((await ctx.store.joiners.counts([original.id])).get(original.id), 1);
  assert.equal((await jobs(original.id)).filter((j) => j.kind === 'confirmation').length, 2, 'the reporter\'s confirmation and the joiner\'s');

  // The next status change tells both, each at their own address, each with their own stop link.
  await recordUpdate(ctx.store, { requestId: original.id, jurisdictionId: 'example', status: 'action_scheduled', description: 'Booked', mediaUrls: [], authorKind: 'staff', contact: {}, notifyResident: true } as never);
  const claimed = (await ctx.store.notifications.claim({ worker: 't', limit: 50, leaseMs: 60_000 })).filter((j) => j.requestId === original.id);
  const status = claimed.filter((j) => j.kind !== 'confirmation');
  assert.deepEqual(status.map((j) => j.contact.email).sort(), ['first@example.com', 'gwen@example.com']);
  const [mine, theirs] = [status.find((j) => j.contact.email === 'gwen@example.com')!, status.find((j) => j.contact.email === 'first@example.com')!];
  assert.notEqual(mine.notice.stopToken, theirs.notice.stopToken);
  await ctx.store.notifications.complete('t', claimed.map((j) => ({ notificationId: j.id, outcome: 'sent' as const, at: Date.now() })));

  // The joiner's stop link stops the joiner only.
  const stop = await web.post(`/updates/stop/${mine.notice.stopToken}`, {});
  assert.equal(stop.statusCode, 200);
  await recordUpdate(ctx.store, { requestId: original.id, jurisdictionId: 'example', status: 'fixed', description: 'Cleaned', mediaUrls: [], authorKind: 'staff', contact: {}, notifyResident: true } as never);
  const later = (await ctx.store.notifications.claim({ worker: 't', limit: 50, leaseMs: 60_000 })).filter((j) => j.requestId === original.id);
  assert.deepEqual(later.map((j) => j.contact.email), ['first@example.com'], 'only the reporter is still told');
});

test('a report closed between choosing it and sending is not joined: the resident is told and can send their own', async () => {
  const original = await submitRequest(ctx.store, { jurisdictionId: 'example', serviceCode: 'graffiti', attributes: { offensive: 'no' }, location: { lat: String(at.lat), long: String(at.long) }, contact: {}, mediaUrls: [], source: 'web' });
  const reference = await residentReference(ctx.store, original.id);
  const web = webClient(ctx.app);
  await toNearby(web, 'cy');
  await web.post('/report/graffiti/nearby', { join: reference });
  await web.post('/report/graffiti/contact', { email: 'dai@example.com', updatesAsked: '1', updates: 'email' });
  await recordUpdate(ctx.store, { requestId: original.id, jurisdictionId: 'example', status: 'fixed', description: '', mediaUrls: [], authorKind: 'staff', contact: {} });
  const refused = await web.post('/report/graffiti/check', {});
  assert.equal(refused.statusCode, 400);
  assert.match(refused.body, /wedi cau ers i chi ei ddewis/);
  assert.equal((await ctx.store.joiners.of(original.id)).length, 0);
  // "A different problem" after all: the journey goes on with the resident's own report.
  const again = await web.get('/report/graffiti/check');
  assert.match(again.body, /Gwiriwch eich atebion cyn anfon eich adroddiad/);
});

test('the public page of an open report offers "I\'m reporting this too", through the same contact page and send; a closed one does not', async () => {
  const original = await submitRequest(ctx.store, { jurisdictionId: 'example', serviceCode: 'graffiti', attributes: { offensive: 'no' }, location: { lat: String(at.lat), long: String(at.long) }, contact: { email: 'owner@example.com' }, mediaUrls: [], source: 'web' });
  const reference = await residentReference(ctx.store, original.id);
  const web = webClient(ctx.app);
  const page = await web.get(`/reports/${reference}`);
  assert.match(page.body, new RegExp(`<form method="post" action="/reports/${reference}/join"`));
  assert.doesNotMatch(page.body, /owner@example\.com/);
  const chose = await web.post(`/reports/${reference}/join`, {});
  assert.equal(chose.headers.location, '/report/graffiti/contact');
  await web.get('/report/graffiti/contact');
  await web.post('/report/graffiti/contact', { email: 'passer-by@example.com', updatesAsked: '1', updates: 'email' });
  assert.match((await web.get('/report/graffiti/check')).body, /Check your details before joining this report/);
  assert.equal((await web.post('/report/graffiti/check', {})).headers.location, '/report/graffiti/confirmation');
  assert.deepEqual((await ctx.store.joiners.of(original.id)).map((j) => j.contact.email), ['passer-by@example.com']);
  // Without the form's token, nothing is joined (CSRF).
  assert.equal((await ctx.app.inject({ method: 'POST', url: `/reports/${reference}/join` })).statusCode, 403);

  await recordUpdate(ctx.store, { requestId: original.id, jurisdictionId: 'example', status: 'fixed', description: '', mediaUrls: [], authorKind: 'staff', contact: {} });
  assert.doesNotMatch((await web.get(`/reports/${reference}`)).body, /\/join"/, 'closed: nothing to join');
  assert.equal((await web.post(`/reports/${reference}/join`, {})).headers.location, `/reports/${reference}`);
});

test('erasing a report\'s contact details erases its joiners\' too; they stay counted and are told nothing more', async () => {
  const original = await submitRequest(ctx.store, { jurisdictionId: 'example', serviceCode: 'graffiti', attributes: { offensive: 'no' }, location: { lat: String(at.lat), long: String(at.long) }, contact: { email: 'gone@example.com' }, mediaUrls: [], source: 'web' });
  await joinRequest(ctx.store, { requestId: original.id, jurisdictionId: 'example', contact: { email: 'gone-too@example.com', firstName: 'Bryn' }, key: 'erase-test' }, []);
  await ctx.store.records.eraseContact('example', [original.id], new Date());
  const [joiner] = await ctx.store.joiners.of(original.id);
  assert.deepEqual([joiner.contact.email, joiner.contact.firstName], [undefined, undefined]);
  assert.equal((await ctx.store.joiners.counts([original.id])).get(original.id), 1);
});

test('choosing the place again forgets the report chosen to join: the resident sends their own unless they choose it again', async () => {
  const original = await submitRequest(ctx.store, { jurisdictionId: 'example', serviceCode: 'graffiti', attributes: { offensive: 'no' }, location: { lat: String(at.lat), long: String(at.long) }, contact: {}, mediaUrls: [], source: 'web' });
  const web = webClient(ctx.app);
  await toNearby(web);
  await web.post('/report/graffiti/nearby', { join: await residentReference(ctx.store, original.id) });
  await web.get('/report/graffiti/location');
  // Somewhere else, with nothing reported near: straight on to contact details, then the resident's own report.
  const moved = await web.post('/report/graffiti/location', { address: 'Far field', postcode: '', lat: String(at.lat + 0.05), long: String(at.long) });
  assert.equal(moved.headers.location, '/report/graffiti/contact');
  assert.match((await web.get('/report/graffiti/check')).body, /Check your answers before sending your report/);
});

test('subject access finds a resident\'s joins (theirs only), and erasing them blanks their join, not the reporter\'s report', async () => {
  const original = await submitRequest(ctx.store, { jurisdictionId: 'example', serviceCode: 'graffiti', attributes: { offensive: 'no' }, location: { lat: String(at.lat), long: String(at.long) }, contact: { email: 'keeps@example.com' }, mediaUrls: [], source: 'web' });
  await joinRequest(ctx.store, { requestId: original.id, jurisdictionId: 'example', contact: { email: 'Asks@Example.com', phone: '07700 900123' }, key: 'sar-test' }, []);
  const found = await findPerson(ctx.store, 'example', { email: 'asks@example.com' });
  assert.deepEqual(found.joined.map((j) => j.requestId), [original.id]);
  assert.deepEqual(found.requests, [], 'the report itself is the reporter\'s');
  assert.equal((await findPerson(ctx.store, 'example', { phone: '07700900123' })).joined.length, 1);
  await erasePerson(ctx.store, 'example', { email: 'asks@example.com' }, 'cli:test', systemClock);
  assert.equal((await findPerson(ctx.store, 'example', { email: 'asks@example.com' })).joined.length, 0);
  assert.equal((await ctx.store.requests.contact('example', original.id))?.email, 'keeps@example.com');
  assert.equal((await ctx.store.joiners.counts([original.id])).get(original.id), 1, 'still counted');
});
