import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../test/support/app.ts';
import { errorSummary } from '../../test/support/web.ts';
import { submitRequest } from '../core/requests/submit.ts';
import { recordUpdate } from '../core/requests/record-update.ts';
import { publicUpdates } from './routes/track.ts';

const ctx = await demoApp();
after(() => ctx.close());
const page = (url: string) => ctx.app.inject({ url, headers: { accept: 'text/html' } });

test('tracking shows status, public history and expected date, and no one’s contact details', async () => {
  const request = await submitRequest(ctx.store, {
    jurisdictionId: 'example', serviceCode: 'street_light', attributes: { fault: 'out' }, location: { address: '3 Lamp Lane' },
    contact: { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com', phone: '07700 900123' }, mediaUrls: [], source: 'open311',
  });
  await recordUpdate(ctx.store, {
    requestId: request.id, jurisdictionId: 'example', status: 'investigating', description: 'An electrician will visit this week.',
    mediaUrls: [], authorKind: 'staff', contact: { firstName: 'Staff', lastName: 'Member', email: 'officer@council.example' },
  });
  const res = await page(`/track?reference=${request.id}`);
  assert.equal(res.statusCode, 200);
  assert.match(res.body, new RegExp(`Report ${request.id}`));
  assert.match(res.body, /Street light fault/);
  assert.match(res.body, /An electrician will visit this week\./);
  assert.match(res.body, /3 Lamp Lane/);
  assert.match(res.body, /Expected to be dealt with by/);
  for (const secret of ['Grace', 'Hopper', 'grace@example.com', '07700 900123', 'officer@council.example', 'Member']) {
    assert.ok(!res.body.includes(secret), `track page does not show ${secret}`);
  }
  // References are forgiving of how people copy them.
  assert.equal((await page(`/track?reference=%23${request.id}%20`)).statusCode, 200);
});

test('a status change the pattern refused (flagged for staff) is not shown to residents', () => {
  const base = { id: '1', requestId: '1', jurisdictionId: 'example', mediaUrls: [], authorKind: 'backend' as const, contact: { email: 'x@example.com' }, updatedAt: new Date() };
  const shown = publicUpdates([
    { ...base, status: 'fixed', description: 'Fixed it' },
    { ...base, id: '2', status: 'closed', description: 'Not allowed from here', flag: 'transition not allowed' },
  ]);
  assert.deepEqual(shown.map((u) => u.description), ['Fixed it']);
  assert.ok(!('contact' in shown[0]));
});

test('a reference that is empty, malformed or unknown gets the form back with a message', async () => {
  const cases: [string, number, string][] = [
    ['', 400, 'Enter your reference number'],
    ['abc', 400, 'A reference number is made of numbers only, like 1042'],
    ['99999999', 404, 'We cannot find a report with that reference number. Check it and try again'],
  ];
  for (const [ref, status, text] of cases) {
    const res = await page(`/track?reference=${encodeURIComponent(ref)}`);
    assert.equal(res.statusCode, status, ref);
    assert.deepEqual(errorSummary(res.body), [{ href: '#reference', text }]);
    assert.match(res.body, new RegExp(`id="reference" name="reference" type="text" spellcheck="false" value="${ref}"`), 'the reference is kept');
  }
});

test('lookups are limited per address with a page; the empty form and other addresses are not held up', async () => {
  const limited = await demoApp({ webTrackLimitPerMinute: 3 });
  try {
    const from = (remoteAddress: string, url: string) => limited.app.inject({ url, remoteAddress, headers: { accept: 'text/html' } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await from('192.0.2.1', `/track?reference=${900000 + i}`)).statusCode);
    assert.deepEqual(statuses, [404, 404, 404, 429]);
    const refused = await from('192.0.2.1', '/track?reference=1');
    assert.equal(refused.statusCode, 429);
    assert.match(refused.headers['content-type'] as string, /^text\/html/);
    assert.match(refused.body, /You have looked up too many reports in a short time/);
    assert.equal((await from('192.0.2.1', '/track')).statusCode, 200, 'the empty form is not a lookup');
    assert.equal((await from('192.0.2.2', '/track?reference=1')).statusCode, 404, 'another address has its own count');
  } finally {
    await limited.close();
  }
});

const streetLight = () =>
  submitRequest(ctx.store, {
    jurisdictionId: 'example', serviceCode: 'street_light', attributes: { fault: 'out' }, location: { address: '9 Lamp Lane' }, contact: {}, mediaUrls: [], source: 'open311',
  });
const move = (requestId: string, status: string, description = '') =>
  recordUpdate(ctx.store, { requestId, jurisdictionId: 'example', status: status as 'fixed', description, mediaUrls: [], authorKind: 'staff', contact: {} });

test('the expected date is shown while the report is open, not once it is fixed', async () => {
  const request = await streetLight();
  assert.ok(request.expectedAt, 'the pattern gives a target');
  const open = await page(`/track?reference=${request.id}`);
  assert.match(open.body, /Expected to be dealt with by/);
  assert.ok((await ctx.store.services.get('example', 'street_light'))!.pattern);
  await move(request.id, 'fixed', 'New lamp fitted.');
  assert.equal((await ctx.store.requests.get('example', request.id))!.status, 'fixed', 'the pattern allows open → fixed');
  const fixed = await page(`/track?reference=${request.id}`);
  assert.equal(fixed.statusCode, 200);
  assert.doesNotMatch(fixed.body, /Expected to be dealt with by|has not given a date yet/);
  assert.match(fixed.body, /govuk-tag--green/);
  assert.match(fixed.body, /New lamp fitted\./);
});

test('a back-end code Pipework cannot name is shown as the last status it can, never as the bare code', async () => {
  const request = await streetLight();
  await move(request.id, 'investigating', 'An electrician will visit.');
  // A back-end whose status map sends a code that is not an Open311 status, straight into the history.
  await ctx.store.requests.addUpdate({
    requestId: request.id, jurisdictionId: 'example', status: 'AWAITING_CONTRACTOR' as 'fixed', description: 'Contractor booked.', mediaUrls: [],
    authorKind: 'backend', contact: {}, externalStatusCode: 'AWAITING_CONTRACTOR',
  });
  const res = await page(`/track?reference=${request.id}`);
  assert.equal(res.statusCode, 200);
  assert.doesNotMatch(res.body, /AWAITING_CONTRACTOR|status\.AWAITING/);
  const label = (await ctx.store.services.get('example', 'street_light'))!.statusLabels?.investigating ?? 'Investigating';
  assert.match(res.body, new RegExp(`govuk-tag--blue[^>]*>\\s*${label}`), 'the last status it can name');
  assert.match(res.body, /Contractor booked\./, 'the update itself is still shown');
  assert.match(res.body, /Expected to be dealt with by/, 'still open');
});
