import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../test/support/app.ts';
import { errorSummary, residentReference } from '../../test/support/web.ts';
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
  const reference = await residentReference(ctx.store, request.id);
  const res = await page(`/track?reference=${reference}`);
  assert.equal(res.statusCode, 200);
  assert.match(res.body, new RegExp(`Report ${reference}`));
  assert.match(res.body, /Street light fault/);
  assert.match(res.body, /An electrician will visit this week\./);
  assert.match(res.body, /3 Lamp Lane/);
  assert.match(res.body, /Expected to be dealt with by/);
  for (const secret of ['Grace', 'Hopper', 'grace@example.com', '07700 900123', 'officer@council.example', 'Member']) {
    assert.ok(!res.body.includes(secret), `track page does not show ${secret}`);
  }
  // References are forgiving of how people copy them.
  assert.equal((await page(`/track?reference=%23${reference.toLowerCase().replace('-', '%20')}%20`)).statusCode, 200);
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
    ['abc', 400, 'A reference is 8 letters and numbers, like HX4K-9TQM'],
    ['99999999', 400, 'A reference is 8 letters and numbers, like HX4K-9TQM'],
    [await unusedReference(), 404, 'We cannot find a report with that reference number. Check it and try again'],
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
    assert.deepEqual(statuses, [400, 400, 400, 429]);
    const refused = await from('192.0.2.1', '/track?reference=1');
    assert.equal(refused.statusCode, 429);
    assert.match(refused.headers['content-type'] as string, /^text\/html/);
    assert.match(refused.body, /You have looked up too many reports in a short time/);
    assert.equal((await from('192.0.2.1', '/track')).statusCode, 200, 'the empty form is not a lookup');
    assert.equal((await from('192.0.2.2', '/track?reference=1')).statusCode, 400, 'another address has its own count');
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
  const open = await page(`/track?reference=${await residentReference(ctx.store, request.id)}`);
  assert.match(open.body, /Expected to be dealt with by/);
  assert.ok((await ctx.store.services.get('example', 'street_light'))!.pattern);
  await move(request.id, 'fixed', 'New lamp fitted.');
  assert.equal((await ctx.store.requests.get('example', request.id))!.status, 'fixed', 'the pattern allows open → fixed');
  const fixed = await page(`/track?reference=${await residentReference(ctx.store, request.id)}`);
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
  const res = await page(`/track?reference=${await residentReference(ctx.store, request.id)}`);
  assert.equal(res.statusCode, 200);
  assert.doesNotMatch(res.body, /AWAITING_CONTRACTOR|status\.AWAITING/);
  const label = (await ctx.store.services.get('example', 'street_light'))!.statusLabels?.investigating ?? 'Investigating';
  assert.match(res.body, new RegExp(`govuk-tag--blue[^>]*>\\s*${label}`), 'the last status it can name');
  assert.match(res.body, /Contractor booked\./, 'the update itself is still shown');
  assert.match(res.body, /Expected to be dealt with by/, 'still open');
});

async function unusedReference() {
  return residentReference(ctx.store, '987654321');
}

test('a reference with one character mistyped or two swapped is told apart from one that does not exist', async () => {
  const request = await streetLight();
  const reference = await residentReference(ctx.store, request.id);
  const chars = reference.replace('-', '').split('');
  const swapped = [chars[1], chars[0], ...chars.slice(2)].join('');
  const typo = (chars[0] === 'A' ? 'B' : 'A') + chars.slice(1).join('');
  for (const wrong of [swapped, typo].filter((w) => w !== chars.join(''))) {
    const res = await page(`/track?reference=${wrong}`);
    assert.equal(res.statusCode, 400, wrong);
    assert.deepEqual(errorSummary(res.body), [{ href: '#reference', text: 'That reference is not quite right: a letter or number may be mistyped or in the wrong place. Check it and try again' }]);
  }
});

test('a guessed sequential number finds nothing; numbers given out before references existed still do', async () => {
  const request = await streetLight();
  const guessed = await page(`/track?reference=${request.id}`);
  assert.equal(guessed.statusCode, 400);
  assert.doesNotMatch(guessed.body, /9 Lamp Lane/);

  const older = await demoApp();
  try {
    const before = await submitRequest(older.store, {
      jurisdictionId: 'example', serviceCode: 'street_light', attributes: { fault: 'out' }, location: { address: '1 Old Lane' }, contact: {}, mediaUrls: [], source: 'open311',
    });
    // As the migration does on a database with requests in it: every id up to here was given out as a number.
    await (older.store as unknown as { db: { updateTable: Function } }).db.updateTable('reference_secret').set({ numeric_until: Number(before.id) }).execute();
    const after = await submitRequest(older.store, {
      jurisdictionId: 'example', serviceCode: 'street_light', attributes: { fault: 'out' }, location: { address: '2 New Lane' }, contact: {}, mediaUrls: [], source: 'open311',
    });
    const get = (url: string) => older.app.inject({ url, headers: { accept: 'text/html' } });
    const old = await get(`/track?reference=${before.id}`);
    assert.equal(old.statusCode, 200);
    assert.match(old.body, /1 Old Lane/);
    assert.match(old.body, new RegExp(`Report ${await residentReference(older.store, before.id)}`), 'shown with its new reference too');
    assert.equal((await get(`/track?reference=${after.id}`)).statusCode, 400, 'a number made after references is not accepted');
    assert.equal((await get(`/track?reference=${await residentReference(older.store, after.id)}`)).statusCode, 200);
  } finally {
    await older.close();
  }
});

test('the public page of a report: status and public updates, no personal data; only by reference, only for published services', async () => {
  const request = await submitRequest(ctx.store, {
    jurisdictionId: 'example', serviceCode: 'street_light', attributes: { fault: 'out' }, location: { address: '5 Lamp Lane' },
    contact: { firstName: 'Alan', lastName: 'Turing', email: 'alan@example.com', phone: '07700 900456' }, mediaUrls: [], source: 'open311',
  });
  await move(request.id, 'investigating', 'Checked by the electrician.');
  await ctx.store.requests.writeUpdate({ requestId: request.id, jurisdictionId: 'example', status: 'unchanged', description: 'Internal: resident is a councillor', mediaUrls: [], authorKind: 'staff', contact: {}, internal: true });
  const reference = await residentReference(ctx.store, request.id);
  const track = await page(`/track?reference=${reference}`);
  assert.match(track.body, new RegExp(`href="/reports/${reference}"`), 'tracking links to the public page');

  const res = await page(`/reports/${reference}`);
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /Checked by the electrician\./);
  assert.match(res.body, /This is the public page of a report/);
  for (const secret of ['Alan', 'Turing', 'alan@example.com', '07700 900456', 'councillor']) assert.ok(!res.body.includes(secret), `public page does not show ${secret}`);

  assert.equal((await page(`/reports/${request.id}`)).statusCode, 404, 'never by number');
  assert.equal((await page(`/reports/${reference.slice(0, -1)}${reference.endsWith('A') ? 'B' : 'A'}`)).statusCode, 404, 'a reference failing its check');
  assert.equal((await page(`/reports/${await unusedReference()}`)).statusCode, 404);

  const unpublished = await demoApp({ webPublicReports: 'pothole' });
  try {
    const other = await submitRequest(unpublished.store, {
      jurisdictionId: 'example', serviceCode: 'street_light', attributes: { fault: 'out' }, location: { address: '6 Lamp Lane' }, contact: {}, mediaUrls: [], source: 'open311',
    });
    const ref = await residentReference(unpublished.store, other.id);
    const get = (url: string) => unpublished.app.inject({ url, headers: { accept: 'text/html' } });
    assert.equal((await get(`/reports/${ref}`)).statusCode, 404, 'street lights are not published here');
    const tracked = await get(`/track?reference=${ref}`);
    assert.equal(tracked.statusCode, 200, 'but the resident can still track it');
    assert.doesNotMatch(tracked.body, /href="\/reports\//);
  } finally {
    await unpublished.close();
  }
});
