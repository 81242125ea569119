import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../../test/support/app.ts';
import { staffClient, staffUser } from '../../../test/support/staff.ts';
import { assertOruk } from '../../../test/support/oruk.ts';
import { importDirectory } from '../../standards/openreferral/import.ts';

// Editing the directory at /staff/admin/directory: admins only, checked against the ORUK
// schema as an import is, and every field the form does not show kept as imported.

const FIXTURE = new URL('../../standards/openreferral/fixtures/sample-directory.json', import.meta.url).pathname;
const FOOD_BANK = '6258b2d8-99ab-49cc-8be7-932fc1503352';

let w: Awaited<ReturnType<typeof demoApp>>;
let admin: ReturnType<typeof staffClient>;

before(async () => {
  w = await demoApp();
  assert.deepEqual((await importDirectory(FIXTURE, w.store.directory)).problems, []);
  await staffUser(w.store, 'admin@example.gov.uk', 'admin', 'example', 'Ada Admin');
  admin = staffClient(w.app);
  await admin.signIn('admin@example.gov.uk');
  await admin.get('/staff/admin/');
});
after(() => w.close());

const oruk = async (id: string) => {
  const res = await w.app.inject({ url: `/openreferral/services/${id}` });
  return { status: res.statusCode, body: res.json() };
};

test('the directory is an area of council set-up; only admins reach it', async () => {
  assert.match((await admin.get('/staff/admin/')).body, /href="\/staff\/admin\/directory"/);
  const list = await admin.get('/staff/admin/directory?q=food');
  assert.equal(list.statusCode, 200);
  assert.match(list.body, new RegExp(`href="/staff/admin/directory/services/${FOOD_BANK}">Riverside Food Bank`));
  await staffUser(w.store, 'sup@example.gov.uk', 'supervisor');
  const sup = staffClient(w.app);
  await sup.signIn('sup@example.gov.uk');
  for (const url of ['/staff/admin/directory', `/staff/admin/directory/services/${FOOD_BANK}`, '/staff/admin/directory/services/new']) assert.equal((await sup.get(url)).statusCode, 403, url);
  await sup.get('/staff/');
  assert.equal((await sup.post(`/staff/admin/directory/services/${FOOD_BANK}`, { name: 'Hacked', status: 'active' })).statusCode, 403);
  assert.equal((await oruk(FOOD_BANK)).body.name, 'Riverside Food Bank');
  assert.equal((await admin.get('/staff/admin/directory/services/not-a-uuid')).statusCode, 404);
  assert.equal((await admin.get('/staff/admin/directory/services/00000000-0000-4000-8000-000000000000')).statusCode, 404);
});

test('an admin edits an imported service: the change is published, the rest is kept, contacts and places come and go', async () => {
  const before = (await oruk(FOOD_BANK)).body;
  const page = await admin.get(`/staff/admin/directory/services/${FOOD_BANK}`);
  assert.match(page.body, /value="Sam Patel"/);
  const contactId = /name="contact-0-id" value="([^"]+)"/.exec(page.body)![1];
  const salId = /name="location-0-salId" value="([^"]+)"/.exec(page.body)![1];
  const loc = before.service_at_locations[0].location;
  const addr = loc.addresses[0];
  const fields = {
    name: 'Riverside Food Bank and Pantry',
    description: before.description,
    url: before.url,
    email: before.email,
    status: 'active',
    organizationId: before.organization_id,
    'contact-0-id': contactId,
    'contact-0-name': '',
    'contact-0-title': '',
    'contact-1-id': '',
    'contact-1-name': 'Jo Lane',
    'contact-1-title': 'Volunteer lead',
    'location-0-salId': salId,
    'location-0-name': loc.name ?? '',
    'location-0-address1': addr.address_1,
    'location-0-city': addr.city,
    'location-0-county': addr.state_province,
    'location-0-postcode': addr.postal_code,
    'location-1-salId': '',
    'location-1-name': 'Church hall',
    'location-1-address1': '3 Chapel Lane',
    'location-1-city': 'Riverside',
    'location-1-county': '',
    'location-1-postcode': 'not a postcode',
  };
  // Mistakes are named by the field, by row, as the form counts them; nothing is saved.
  const bad = await admin.post(`/staff/admin/directory/services/${FOOD_BANK}`, { ...fields, name: '  ' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /There is a problem[\s\S]*href="#name">Enter the name/);
  assert.match(bad.body, /href="#location-1-county">Place 2: enter the county/);
  assert.match(bad.body, /href="#location-1-postcode">Place 2: the postcode must be a UK postcode/);
  assert.match(bad.body, /value="Jo Lane"/, 'what was typed is kept');
  assert.equal((await oruk(FOOD_BANK)).body.name, 'Riverside Food Bank');

  const ok = await admin.post(`/staff/admin/directory/services/${FOOD_BANK}`, { ...fields, 'location-1-county': 'Exampleshire', 'location-1-postcode': 'ex1 2ab' });
  assert.equal(ok.statusCode, 303);
  const after = await oruk(FOOD_BANK);
  assert.equal(after.status, 200);
  assertOruk('service', after.body, 'the edited service');
  assert.equal(after.body.name, 'Riverside Food Bank and Pantry');
  assert.deepEqual(after.body.contacts.map((c: any) => [c.name, c.title]), [['Jo Lane', 'Volunteer lead']]);
  assert.deepEqual(after.body.service_at_locations.map((s: any) => s.location.addresses[0].postal_code).sort(), [addr.postal_code, 'EX1 2AB'].sort());
  // Fields the form does not show are as imported.
  for (const k of ['fees', 'minimum_age', 'languages', 'cost_options', 'service_areas', 'schedules']) assert.deepEqual(after.body[k], before[k], k);
  assert.deepEqual(after.body.attributes.map((a: any) => a.id).sort(), before.attributes.map((a: any) => a.id).sort());
  assert.notEqual(after.body.last_modified, before.last_modified);
  const audit = await w.store.staff.audit.list({ jurisdictionId: 'example', actions: ['directory.service.edit'], limit: 5 });
  assert.match(audit[0]?.after ?? '', /Riverside Food Bank and Pantry/);
});

test('an admin adds a new service; it is in the ORUK lists and valid', async () => {
  const added = await admin.post('/staff/admin/directory/services', { name: 'Carers’ café', description: 'A weekly café for unpaid carers', url: 'https://carers.example.org', email: 'cafe@example.org', status: 'active', organizationId: '', 'contact-0-name': '', 'contact-0-title': '', 'location-0-name': '', 'location-0-address1': '', 'location-0-city': '', 'location-0-county': '', 'location-0-postcode': '' });
  assert.equal(added.statusCode, 303);
  const id = /services\/([0-9a-f-]{36})$/.exec(String(added.headers.location))![1];
  const one = await oruk(id);
  assertOruk('service', one.body);
  assert.equal(one.body.description, 'A weekly café for unpaid carers');
  const list = await w.app.inject({ url: '/openreferral/services?search=carers' });
  assert.ok(list.json().contents.some((s: any) => s.id === id));
  const nul = await admin.post('/staff/admin/directory/services', { name: 'Nul\u0000 café', status: 'active', description: 'line one\r\nline two' });
  assert.equal(nul.statusCode, 303);
  assert.equal((await oruk(/services\/([0-9a-f-]{36})$/.exec(String(nul.headers.location))![1])).body.name, 'Nul café');
  const badEmail = await admin.post('/staff/admin/directory/services', { name: 'X', status: 'active', email: 'not an email' });
  assert.equal(badEmail.statusCode, 400);
  assert.match(badEmail.body, /href="#email">Email address must be/);
});
