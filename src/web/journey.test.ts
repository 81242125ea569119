import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../test/support/app.ts';
import { webClient, errorSummary, PNG, requestIdOf } from '../../test/support/web.ts';

const ctx = await demoApp();
after(() => ctx.close());

test('a pothole reported on the web is the same request as one made through Open311', async () => {
  const web = webClient(ctx.app);
  assert.equal((await web.get('/report/pothole')).headers.location, '/report/pothole/question/depth');
  await web.get('/report/pothole/question/depth');
  assert.equal((await web.post('/report/pothole/question/depth', { answer: 'deep' })).headers.location, '/report/pothole/question/width_cm');
  await web.get('/report/pothole/question/width_cm');
  assert.equal((await web.post('/report/pothole/question/width_cm', { answer: '45' })).headers.location, '/report/pothole/question/position');
  assert.equal((await web.post('/report/pothole/question/position', { answer: 'junction' })).headers.location, '/report/pothole/details');
  assert.equal((await web.post('/report/pothole/details', { description: 'Deep hole by the bus stop' })).headers.location, '/report/pothole/photo');
  await web.get('/report/pothole/photo');
  const photo = await web.upload('/report/pothole/photo', 'photo', 'hole.png', PNG);
  assert.equal(photo.statusCode, 303, photo.body.slice(0, 500));
  assert.equal(photo.headers.location, '/report/pothole/location');
  await web.get('/report/pothole/location');
  assert.equal((await web.post('/report/pothole/location', { address: '12 High Street', postcode: 'ab1 2cd', lat: '', long: '' })).headers.location, '/report/pothole/contact');
  await web.get('/report/pothole/contact');
  assert.equal(
    (await web.post('/report/pothole/contact', { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '01234 567890' })).headers.location,
    '/report/pothole/check',
  );

  const check = await web.get('/report/pothole/check');
  assert.equal(check.statusCode, 200);
  for (const text of ['More than 10cm', '45', 'At a junction', 'Deep hole by the bus stop', 'hole.png', '12 High Street', 'AB1 2CD', 'Ada Lovelace', 'ada@example.com']) {
    assert.ok(check.body.includes(text), `check page shows ${text}`);
  }
  assert.match(check.body, /href="\/report\/pothole\/question\/depth\?change=1"/);

  const sent = await web.post('/report/pothole/check', {});
  assert.equal(sent.statusCode, 303, sent.body.slice(0, 300));
  const confirmation = await web.get(sent.headers.location as string);
  const reference = /id="reference">([2-9A-Z]{4}-[2-9A-Z]{4})</.exec(confirmation.body)?.[1];
  assert.ok(reference, 'confirmation shows the resident reference');
  const id = await requestIdOf(ctx.store, reference);
  assert.match(confirmation.body, /We inspect reported potholes within 5 working days/);

  // The same request through Open311, then compare the two as GET requests.json shows them.
  const open311 = await ctx.app.inject({
    method: 'POST',
    url: '/open311/v2/requests.json',
    payload: {
      api_key: ctx.key, service_code: 'pothole', 'attribute[depth]': 'deep', 'attribute[width_cm]': '45', 'attribute[position]': 'junction',
      description: 'Deep hole by the bus stop', address_string: '12 High Street', zipcode: 'AB1 2CD',
      first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', phone: '01234 567890',
      media_url: (await ctx.store.requests.get('example', id!))!.mediaUrls[0],
    },
  });
  assert.equal(open311.statusCode, 200, open311.body);
  const otherId = open311.json()[0].service_request_id;
  const list = (await ctx.app.inject({ url: '/open311/v2/requests.json' })).json() as Record<string, unknown>[];
  const fromWeb = list.find((r) => r.service_request_id === id)!;
  const fromApi = list.find((r) => r.service_request_id === otherId)!;
  assert.ok(fromWeb && fromApi);
  // Ids and times differ by construction; the expected date follows from the time by the same rule.
  const strip = ({ service_request_id: _i, requested_datetime: _r, updated_datetime: _u, expected_datetime: _e, ...rest }: Record<string, unknown>) => rest;
  assert.deepEqual(strip(fromWeb), strip(fromApi));
  const lead = (r: Record<string, unknown>) => (r.expected_datetime ? Date.parse(String(r.expected_datetime)) - Date.parse(String(r.requested_datetime)) : null);
  assert.equal(typeof fromWeb.expected_datetime, typeof fromApi.expected_datetime);
  if (lead(fromWeb) !== null) assert.ok(Math.abs(lead(fromWeb)! - lead(fromApi)!) < 4 * 86400_000, 'the same target applied');
  assert.match(String(fromWeb.media_url), /^http:\/\/pipework\.test\/media\/[\w-]+\.png$/);
  assert.equal((await ctx.store.requests.get('example', id!))!.source, 'web');
  assert.deepEqual(await ctx.store.requests.contact('example', id!), { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '01234 567890' });

  // The answers are gone once sent; the confirmation page stays for this person only.
  assert.doesNotMatch((await web.get('/report/pothole/check')).body, /Deep hole by the bus stop/);
  assert.equal((await webClient(ctx.app).get('/report/pothole/confirmation')).headers.location, '/');
});

test('answers survive a restart: the session is in the database, not in memory', async () => {
  const web = webClient(ctx.app);
  await web.get('/report/graffiti/question/offensive');
  await web.post('/report/graffiti/question/offensive', { answer: 'yes' });
  const { buildApp } = await import('../app.ts');
  const second = await buildApp(ctx.config, { store: ctx.store });
  try {
    const again = webClient(second);
    again.cookie = web.cookie;
    const page = await again.get('/report/graffiti/question/offensive');
    assert.match(page.body, /value="yes" checked/);
  } finally {
    await second.close();
  }
});

test('forms without the CSRF token are refused with a page, and nothing is stored', async () => {
  const web = webClient(ctx.app);
  await web.get('/report/graffiti/question/offensive');
  const res = await web.post('/report/graffiti/question/offensive', { answer: 'yes', _csrf: 'forged' });
  assert.equal(res.statusCode, 403);
  assert.match(res.body, /This page has expired/);
  const stranger = await ctx.app.inject({ method: 'POST', url: '/report/graffiti/check', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, payload: '' });
  assert.equal(stranger.statusCode, 403);
});

test('the check page sends nothing when required answers are missing, and links to each', async () => {
  const web = webClient(ctx.app);
  await web.get('/report/fly_tipping/check');
  const res = await web.post('/report/fly_tipping/check', {});
  assert.equal(res.statusCode, 400);
  const errors = errorSummary(res.body);
  assert.deepEqual(errors.map((e) => e.href).sort(), [
    '/report/fly_tipping/location?change=1',
    '/report/fly_tipping/question/size?change=1',
    '/report/fly_tipping/question/waste_type?change=1',
  ]);
  // fly_tipping follows the starter library pattern, whose own resident message comes first.
  // The pattern's own message when the service has one, else the generic one after the question.
  const wasteType = (await ctx.store.services.get('example', 'fly_tipping'))!.attributes.find((a) => a.code === 'waste_type')!;
  const expected = wasteType.errorMessages?.required ?? 'What has been dumped?: Select at least one answer';
  assert.ok(errors.some((e) => e.text === expected), JSON.stringify(errors));
});

test('private, staff-only and inactive services are neither listed nor reachable', async () => {
  const base = (await ctx.store.services.get('example', 'dog_fouling'))!;
  await ctx.store.services.upsert({ ...base, code: 'hidden_staff', name: 'Staff thing', visibility: 'staff' });
  await ctx.store.services.upsert({ ...base, code: 'hidden_private', name: 'Private thing', visibility: 'private' });
  await ctx.store.services.upsert({ ...base, code: 'hidden_old', name: 'Old thing', active: false });
  const start = await ctx.app.inject({ url: '/' });
  assert.match(start.body, /Dog fouling/);
  for (const name of ['Staff thing', 'Private thing', 'Old thing']) assert.ok(!start.body.includes(name), `${name} is not listed`);
  assert.ok(!(await ctx.app.inject({ url: '/search?q=thing' })).body.includes('thing</a>'));
  for (const code of ['hidden_staff', 'hidden_private', 'hidden_old']) {
    assert.equal((await ctx.app.inject({ url: `/report/${code}/details`, headers: { accept: 'text/html' } })).statusCode, 404);
  }
});

test('security headers cover the pages but not the APIs, and pages are not in the API description', async () => {
  const page = await ctx.app.inject({ url: '/' });
  assert.match(String(page.headers['content-security-policy']), /script-src 'self' 'nonce-[\w]+'/);
  const nonce = /script-src 'self' 'nonce-([\w]+)'/.exec(String(page.headers['content-security-policy']))![1];
  assert.match(page.body, new RegExp(`<script nonce="${nonce}">`), 'govuk-frontend’s inline script carries the nonce');
  assert.equal(page.headers['x-frame-options'], 'SAMEORIGIN');
  const api = await ctx.app.inject({ url: '/open311/v2/services.json' });
  assert.equal(api.headers['content-security-policy'], undefined);
  const paths = Object.keys((await ctx.app.inject({ url: '/openapi.json' })).json().paths);
  assert.ok(!paths.some((p) => p === '/' || p.startsWith('/report') || p.startsWith('/track')));
  const missing = await ctx.app.inject({ url: '/no-such-page', headers: { accept: 'text/html' } });
  assert.equal(missing.statusCode, 404);
  assert.match(missing.body, /Page not found/);
  const missingJson = await ctx.app.inject({ url: '/no-such-page', headers: { accept: 'application/json' } });
  assert.equal(missingJson.json().error.code, 'NOT_FOUND');
});

test('search finds a service by keyword, and an empty search says what to do', async () => {
  const hit = await ctx.app.inject({ url: '/search?q=hole+in+road' });
  assert.match(hit.body, /href="\/report\/pothole">Pothole</);
  const lamp = await ctx.app.inject({ url: '/search?q=lamp+post' });
  assert.match(lamp.body, /Street light fault/);
  const empty = await ctx.app.inject({ url: '/search?q=' });
  assert.equal(empty.statusCode, 400);
  assert.deepEqual(errorSummary(empty.body), [{ href: '#q', text: 'Enter words that describe the problem, for example hole in road' }]);
});

test('submission is rate limited per address with a page, not an error document', async () => {
  const limited = await demoApp({ webSubmitLimitPerMinute: 2 });
  try {
    const web = webClient(limited.app);
    await web.get('/report/graffiti/check');
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await web.post('/report/graffiti/check', {})).statusCode);
    assert.deepEqual(statuses, [400, 400, 429]);
    const last = await web.post('/report/graffiti/check', {});
    assert.match(last.body, /too many reports/);
  } finally {
    await limited.close();
  }
});

test('the Welsh switch translates the pages and is remembered', async () => {
  const web = webClient(ctx.app);
  const cy = await web.get('/?lang=cy');
  assert.match(cy.body, /<html lang="cy"/);
  assert.match(cy.body, /Rhoi gwybod i’r cyngor am broblem/);
  const next = await web.get('/track');
  assert.match(next.body, /Dilyn adroddiad/);
  assert.match(next.body, /href="\/track\?lang=en"/);
});

test('every question page of every offered service renders', async () => {
  const { questionsOf, stepsOf } = await import('./draft.ts');
  const services = (await ctx.store.services.list('example')).filter((s) => s.active && s.visibility === 'public');
  assert.ok(services.length >= 6);
  let pages = 0;
  for (const s of services) {
    for (const step of stepsOf(s)) {
      const res = await ctx.app.inject({ url: `/report/${s.code}/${step}`, headers: { accept: 'text/html' } });
      assert.equal(res.statusCode, 200, `${s.code}/${step}`);
      pages++;
    }
    for (const a of questionsOf(s)) assert.ok((await ctx.app.inject({ url: `/report/${s.code}/question/${a.code}` })).body.includes(a.description.replace(/&/g, '&amp;').replace(/'/g, '&#39;')), `${s.code}: ${a.code}`);
  }
  assert.ok(pages > services.length * 5);
});
