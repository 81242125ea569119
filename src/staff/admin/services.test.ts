import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../../test/support/app.ts';
import { staffClient, staffUser } from '../../../test/support/staff.ts';
import { residentReference } from '../../../test/support/web.ts';
import { submitRequest } from '../../core/requests/submit.ts';
import { recordUpdate } from '../../core/requests/record-update.ts';

// Services and patterns in /staff/admin/: edit wording in English and Welsh as a draft, preview, publish with the changes shown.

let w: Awaited<ReturnType<typeof demoApp>>;
let admin: ReturnType<typeof staffClient>;

before(async () => {
  w = await demoApp();
  await staffUser(w.store, 'admin@example.gov.uk', 'admin', 'example', 'Ada Admin');
  await staffUser(w.store, 'super@example.gov.uk', 'supervisor', 'example', 'Sue Supervisor');
  admin = staffClient(w.app);
  await admin.signIn('admin@example.gov.uk');
});
after(() => w.close());

const audit = async (action: string) => (await w.store.staff.audit.list({ jurisdictionId: 'example', limit: 100 })).filter((e) => e.action === action);

test('the services page lists the council services with their pattern versions', async () => {
  const res = await admin.get('/staff/admin/services');
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /href="\/staff\/admin\/services\/pothole"/);
  assert.match(res.body, /pothole@1\.0\.0/);
  assert.match((await admin.get('/staff/admin/')).body, /href="\/staff\/admin\/services"/);
});

test('an admin edits a question in English and Welsh, previews the draft, sees the diff, publishes; residents get it in both languages', async () => {
  const form = await admin.get('/staff/admin/services/pothole/edit');
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /name="q\.depth\.description"/);
  assert.match(form.body, /<label class="govuk-label" for="s-fixed-description-cy">\s*What fixed means, in Welsh\s*<\/label>\s*<textarea[^>]*name="s\.fixed\.descriptionCy"[^>]*lang="cy"/);
  const saved = await admin.post('/staff/admin/services/pothole/edit', {
    name: 'Pothole',
    nameCy: 'Twll yn y ffordd',
    'q.depth.description': 'How deep is the hole?',
    'q.depth.descriptionCy': "Pa mor ddwfn yw'r twll?",
    'q.depth.hint': 'A matchbox is about 4cm tall.',
    'q.depth.hintCy': 'Mae bocs matsys tua 4cm o uchder.',
    'q.depth.required': 'Select how deep the hole is',
    'q.depth.requiredCy': "Dewiswch pa mor ddwfn yw'r twll",
    'q.depth.v.2': 'More than 10cm',
    'q.depth.v.2.cy': 'Mwy na 10cm',
    // A blank Welsh text removes the library's Welsh: the English shows instead.
    'q.depth.v.0.cy': '',
    's.fixed.label': 'Fixed',
    's.fixed.labelCy': 'Wedi ei drwsio',
    's.fixed.descriptionCy': 'Mae’r gwaith wedi ei wneud.',
  });
  assert.equal(saved.statusCode, 303);
  assert.equal(saved.headers.location, '/staff/admin/services/pothole/preview');
  // Residents see nothing yet: the service still follows 1.0.0.
  assert.deepEqual((await w.store.services.get('example', 'pothole'))!.pattern, { id: 'pothole', version: '1.0.0' });

  const preview = await admin.get('/staff/admin/services/pothole/preview');
  assert.equal(preview.statusCode, 200);
  assert.match(preview.body, /How deep is the hole\?/);
  assert.match(preview.body, /Pa mor ddwfn yw&#39;r twll\?/);
  assert.match(preview.body, /Version 1\.0\.1 \(draft\)/);

  const review = await admin.get('/staff/admin/services/pothole/publish');
  assert.equal(review.statusCode, 200);
  assert.match(review.body, /questions\[depth\]\.description/);
  assert.match(review.body, /How deep is the pothole\?/);
  assert.match(review.body, /How deep is the hole\?/);
  assert.match(review.body, /cy\.questions\.depth\.description/);
  assert.match(review.body, /name="version" value="1\.0\.1"/);

  // A supervisor cannot publish, even with a valid form token.
  const sue = staffClient(w.app);
  await sue.signIn('super@example.gov.uk');
  await sue.get('/staff/account');
  assert.equal((await sue.post('/staff/admin/services/pothole/publish', { version: '1.0.1' })).statusCode, 403);
  assert.equal((await sue.post('/staff/admin/services/pothole/edit', { name: 'Hacked' })).statusCode, 403);

  // Publishing exactly what was reviewed: an edit made after the review stops it.
  const reviewed = /name="reviewed" value="([^"]+)"/.exec(review.body)![1];
  const other = staffClient(w.app);
  await other.signIn('admin@example.gov.uk');
  const otherForm = await other.get('/staff/admin/services/pothole/edit');
  const basedOn = /name="basedOn" value="([^"]+)"/.exec(otherForm.body)![1];
  assert.equal((await other.post('/staff/admin/services/pothole/edit', { basedOn, 'q.depth.hint': 'A matchbox is about 4cm tall!' })).statusCode, 303);
  const stale = await admin.post('/staff/admin/services/pothole/publish', { version: '1.0.1', reviewed });
  assert.equal(stale.statusCode, 400);
  assert.match(stale.body, /Someone else changed this draft/);
  // And an edit based on the old draft does not overwrite theirs.
  const overwrite = await admin.post('/staff/admin/services/pothole/edit', { basedOn: reviewed, 'q.depth.hint': 'Mine' });
  assert.equal(overwrite.statusCode, 400);
  assert.match(overwrite.body, /Someone else changed this draft/);
  assert.match(overwrite.body, /A matchbox is about 4cm tall!/);
  await other.post('/staff/admin/services/pothole/edit', { basedOn: /name="basedOn" value="([^"]+)"/.exec((await other.get('/staff/admin/services/pothole/edit')).body)![1], 'q.depth.hint': 'A matchbox is about 4cm tall.' });
  const fresh = /name="reviewed" value="([^"]+)"/.exec((await admin.get('/staff/admin/services/pothole/publish')).body)![1];

  const published = await admin.post('/staff/admin/services/pothole/publish', { version: '1.0.1', reviewed: fresh });
  assert.equal(published.statusCode, 303);
  const service = (await w.store.services.get('example', 'pothole'))!;
  assert.deepEqual(service.pattern, { id: 'pothole', version: '1.0.1' });
  assert.equal(service.welsh?.name, 'Twll yn y ffordd');
  assert.equal(service.welsh?.statusLabels?.fixed, 'Wedi ei drwsio');
  assert.equal(service.welsh?.statusDescriptions?.fixed, 'Mae’r gwaith wedi ei wneud.');
  const doc = (await w.store.patterns.get('example', 'pothole', '1.0.1'))!.document as { process: { statuses: { status: string; description?: string; welsh?: object }[] }; cy?: Record<string, unknown> };
  const fixed = doc.process.statuses.find((s) => s.status === 'fixed')!;
  // The Welsh is written into the pattern's one Welsh block, not beside the English status.
  assert.equal(fixed.welsh, undefined);
  assert.deepEqual([(doc.cy?.status_labels as Record<string, string>).fixed, (doc.cy?.status_descriptions as Record<string, string>).fixed], ['Wedi ei drwsio', 'Mae’r gwaith wedi ei wneud.']);
  assert.ok(fixed.description, 'the English description the form showed is kept');
  const [entry] = await audit('service.publish');
  assert.equal(entry.actor, 'admin@example.gov.uk');
  assert.equal(entry.before, 'pothole@1.0.0');
  assert.equal(entry.after, 'pothole@1.0.1');
  assert.equal((await audit('service.edit')).length, 3); // ours and the other admin's two
  // Publishing twice is refused with a page, not a 500.
  assert.equal((await admin.post('/staff/admin/services/pothole/publish', { version: '1.0.1' })).statusCode, 400);

  const en = await w.app.inject({ url: '/report/pothole/question/depth' });
  assert.match(en.body, /How deep is the hole\?/);
  assert.match(en.body, /A matchbox is about 4cm tall\./);
  const cy = await w.app.inject({ url: '/report/pothole/question/depth?lang=cy' });
  assert.match(cy.body, /Pa mor ddwfn yw&#39;r twll\?/);
  assert.match(cy.body, /Mae bocs matsys tua 4cm o uchder\./);
  assert.match(cy.body, /Mwy na 10cm/);

  // Tracking in Welsh uses the council's Welsh status label.
  const request = await submitRequest(w.store, { jurisdictionId: 'example', serviceCode: 'pothole', description: 'Deep', attributes: { depth: 'deep' }, location: { address: '1 High Street' }, contact: {}, mediaUrls: [], source: 'web' });
  await recordUpdate(w.store, { requestId: request.id, jurisdictionId: 'example', status: 'fixed', description: 'Filled', mediaUrls: [], authorKind: 'staff', contact: {} });
  const reference = await residentReference(w.store, request.id);
  assert.match((await w.app.inject({ url: `/track?reference=${reference}&lang=cy` })).body, /Wedi ei drwsio/);
  assert.match((await w.app.inject({ url: `/track?reference=${reference}&lang=en` })).body, />\s*Fixed\s*</);
  // Answer names without Welsh stay English rather than vanish.
  assert.match(cy.body, /Less than 4cm/);
  assert.doesNotMatch(cy.body, /Llai na 4cm/);
});

test('a blank English question is refused on the form and nothing is saved', async () => {
  const before = await w.store.patterns.versions('example', 'pothole');
  await admin.get('/staff/admin/services/pothole/edit');
  const res = await admin.post('/staff/admin/services/pothole/edit', { name: 'Pothole', 'q.depth.description': '  ' });
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /govuk-error-summary/);
  assert.match(res.body, /href="#q-depth-description"/);
  assert.match(res.body, /Enter the English text: it cannot be blank/);
  assert.equal((await w.store.patterns.versions('example', 'pothole')).length, before.length);
});

test('an admin previews a library pattern and adopts it under a new code', async () => {
  const list = await admin.get('/staff/admin/services/adopt');
  assert.equal(list.statusCode, 200);
  // The council's own published version is offered, newest first.
  assert.match(list.body, /Pothole/);
  assert.match(list.body, /href="\/staff\/admin\/services\/adopt\/graffiti"/);
  const preview = await admin.get('/staff/admin/services/adopt/graffiti');
  assert.equal(preview.statusCode, 200);
  assert.match(preview.body, /What residents are asked/);
  const bad = await admin.post('/staff/admin/services/adopt/graffiti', { code: 'no spaces' });
  assert.equal(bad.statusCode, 400);
  assert.match(preview.body, /name="version" value="1\.0\.0"/);
  assert.equal((await admin.post('/staff/admin/services/adopt/graffiti', { code: 'graffiti_private', version: '9.9.9' })).statusCode, 404);
  assert.equal(await w.store.services.get('example', 'graffiti_private'), undefined);
  const res = await admin.post('/staff/admin/services/adopt/graffiti', { code: 'graffiti_private', version: '1.0.0' });
  assert.equal(res.statusCode, 303);
  assert.equal((await w.store.services.get('example', 'graffiti_private'))?.pattern?.id, 'graffiti');
  assert.equal((await audit('service.adopt'))[0].after, 'graffiti_private: graffiti@1.0.0');
  assert.equal((await admin.get('/staff/admin/services/adopt/no-such-pattern')).statusCode, 404);
});

test('retiring a service hides it from residents and is recorded; restoring brings it back', async () => {
  await admin.get('/staff/admin/services/graffiti_private');
  assert.equal((await admin.post('/staff/admin/services/graffiti_private/active', { active: 'false' })).statusCode, 303);
  assert.equal((await w.store.services.get('example', 'graffiti_private'))!.active, false);
  assert.equal((await w.app.inject({ url: '/report/graffiti_private' })).statusCode, 404);
  assert.equal((await audit('service.retire'))[0].after, 'graffiti_private: retired');
  await admin.post('/staff/admin/services/graffiti_private/active', { active: 'true' });
  assert.equal((await w.store.services.get('example', 'graffiti_private'))!.active, true);
  assert.equal((await admin.get('/staff/admin/services/nope')).statusCode, 404);
});

test('every page of services, back-ends, routes and deliveries is refused below admin', async () => {
  const sue = staffClient(w.app);
  await sue.signIn('super@example.gov.uk');
  for (const url of ['/staff/admin/services', '/staff/admin/services/adopt', '/staff/admin/services/adopt/pothole', '/staff/admin/services/pothole', '/staff/admin/services/pothole/edit', '/staff/admin/services/pothole/preview', '/staff/admin/services/pothole/publish', '/staff/admin/backends', '/staff/admin/routes', '/staff/admin/routes/pothole', '/staff/admin/deliveries']) {
    const res = await sue.get(url);
    assert.equal(res.statusCode, 403, url);
    assert.match(res.body, /You cannot do this/, url);
  }
  await sue.get('/staff/account');
  for (const url of ['/staff/admin/services/adopt/pothole', '/staff/admin/services/pothole/active', '/staff/admin/backends', '/staff/admin/backends/builtin/check', '/staff/admin/routes/pothole/shadow', '/staff/admin/deliveries/retry', '/staff/admin/deliveries/reroute']) {
    assert.equal((await sue.post(url, { code: 'x', active: 'false', name: 'x', backend: 'builtin', from: 'a', to: 'b' })).statusCode, 403, url);
  }
  assert.equal((await w.store.services.get('example', 'pothole'))!.active, true);
});
