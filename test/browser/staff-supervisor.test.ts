import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launch, startServer, assertAccessible, watchProblems } from './support.ts';
import { staffUser, STAFF_PASSWORD } from '../support/staff.ts';
import { submitRequest } from '../../src/core/requests/submit.ts';

// A supervisor in Chromium: the dashboard (charts with their tables), a saved view of the
// queue, and marking a duplicate. axe-core (WCAG 2.2 AA tags) checks each page and error state.

let browser: Browser;
let server: Awaited<ReturnType<typeof startServer>>;
const ids: string[] = [];

before(async () => {
  [browser, server] = await Promise.all([launch(), startServer()]);
  await staffUser(server.store, 'sue@example.gov.uk', 'supervisor', 'example', 'Sue Supervisor');
  const submit = (serviceCode: string, description: string, attributes: Record<string, string>) =>
    submitRequest(server.store, { jurisdictionId: 'example', serviceCode, description, attributes, location: { address: '2 Mill Road' }, contact: { email: 'sam@example.com' }, mediaUrls: [], source: 'web' });
  ids.push((await submit('pothole', 'Pothole at the lights', { depth: 'deep' })).id);
  ids.push((await submit('pothole', 'Hole near the traffic lights', { depth: 'deep' })).id);
  ids.push((await submit('graffiti', 'Tags on the underpass', { offensive: 'no' })).id);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const press = async (page: Page, name: string) => {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name, exact: true }).click()]);
};

test('a supervisor reads the dashboard, saves a view of the queue and marks a duplicate', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(`${server.url}/staff/sign-in`);
  await page.getByLabel('Email address').fill('sue@example.gov.uk');
  await page.getByLabel('Password').fill(STAFF_PASSWORD);
  await press(page, 'Sign in');

  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Dashboard' }).click()]);
  assert.match(await page.locator('h1').innerText(), /Dashboard/);
  // Each chart is an image named by its title, and its figures are in a table too.
  assert.equal(await page.getByRole('img', { name: 'Requests received and closed per day, last 30 days' }).count(), 1);
  assert.equal(await page.getByRole('img', { name: 'Open and overdue requests per service' }).count(), 1);
  await page.locator('summary', { hasText: 'Received and closed per day as a table' }).click();
  assert.equal(await page.locator('#per-day-table tbody tr').count(), 30);
  assert.match(await page.locator('#per-service-table').innerText(), /Pothole\s+2\s+0\s+2/);
  await assertAccessible(page, 'dashboard');

  // A saved view: filter, name it, and find it again.
  await page.goto(`${server.url}/staff/?service=pothole`);
  await press(page, 'Save view');
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter a name for this view/);
  await assertAccessible(page, 'queue, saved view without a name');
  await page.getByLabel('Save these filters as a view').fill('Potholes');
  await press(page, 'Save view');
  await page.goto(`${server.url}/staff/`);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Potholes', exact: true }).click()]);
  assert.match(page.url(), /service=pothole/);
  assert.equal(await page.locator('table.staff-queue tbody tr').count(), 2);
  await assertAccessible(page, 'queue with a saved view');

  // Mark the second pothole a duplicate of the first.
  await page.goto(`${server.url}/staff/requests/${ids[1]}`);
  await page.getByLabel('Mark as a duplicate of').fill(ids[1]);
  await press(page, 'Mark as duplicate');
  assert.match(await page.locator('.govuk-error-summary').innerText(), /cannot be a duplicate of itself/);
  await assertAccessible(page, 'case, duplicate of itself');
  await page.getByLabel('Mark as a duplicate of').fill(ids[0]);
  await press(page, 'Mark as duplicate');
  assert.match(await page.locator('.govuk-notification-banner').innerText(), new RegExp(`Marked as a duplicate of request ${ids[0]}`));
  assert.match(await page.locator('body').innerText(), new RegExp(`A duplicate of request ${ids[0]}`));
  await assertAccessible(page, 'case, marked duplicate');
  assert.deepEqual(problems, []);
  await context.close();
});

test('an admin edits a directory entry and adds a place, with the errors on the way', async () => {
  const { importDirectory } = await import('../../src/standards/openreferral/import.ts');
  const fixture = new URL('../../src/standards/openreferral/fixtures/sample-directory.json', import.meta.url).pathname;
  assert.deepEqual((await importDirectory(fixture, server.store.directory)).problems, []);
  await staffUser(server.store, 'ada@example.gov.uk', 'admin', 'example', 'Ada Admin');
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(`${server.url}/staff/sign-in`);
  await page.getByLabel('Email address').fill('ada@example.gov.uk');
  await page.getByLabel('Password').fill(STAFF_PASSWORD);
  await press(page, 'Sign in');

  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Council set-up' }).click()]);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Directory' }).click()]);
  await assertAccessible(page, 'directory list');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Riverside Food Bank' }).click()]);
  await assertAccessible(page, 'directory service');
  await page.getByLabel('Name', { exact: true }).first().fill('Riverside Food Bank (Tuesdays)');
  const place = page.getByRole('group', { name: 'Place 2 (new)' });
  await place.getByLabel('Name of the place').fill('Church hall');
  await place.getByLabel('Address line 1').fill('3 Chapel Lane');
  await place.getByLabel('Postcode').fill('EX1 2AB');
  await press(page, 'Save service');
  assert.match(await page.locator('.govuk-error-summary').innerText(), /enter the town or city/);
  await assertAccessible(page, 'directory service with errors');
  await place.getByLabel('Town or city').fill('Riverside');
  await place.getByLabel('County').fill('Exampleshire');
  await press(page, 'Save service');
  assert.match(await page.locator('.govuk-notification-banner').innerText(), /Riverside Food Bank \(Tuesdays\) is saved in the directory/);
  const published = await (await fetch(`${server.url}/openreferral/services/6258b2d8-99ab-49cc-8be7-932fc1503352`)).json();
  assert.equal(published.name, 'Riverside Food Bank (Tuesdays)');
  assert.ok(published.service_at_locations.some((s: any) => s.location.name === 'Church hall'));
  // The form with errors is answered 400 (as the raise form is); nothing else went wrong.
  assert.deepEqual(problems.filter((p) => !/status of 400/.test(p)), []);
  await context.close();
});

test('a supervisor bulk-assigns 20 cases, and the CSV export matches the screen', async () => {
  await staffUser(server.store, 'olu@example.gov.uk', 'officer', 'example', 'Olu Officer');
  for (let i = 0; i < 24; i++) {
    await submitRequest(server.store, { jurisdictionId: 'example', serviceCode: 'graffiti', description: `Bulk tag ${i}`, attributes: { offensive: 'no' }, location: { address: `${i} Canal Walk` }, contact: {}, mediaUrls: [], source: 'web' });
  }
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(`${server.url}/staff/sign-in`);
  await page.getByLabel('Email address').fill('sue@example.gov.uk');
  await page.getByLabel('Password').fill(STAFF_PASSWORD);
  await press(page, 'Sign in');

  await page.goto(`${server.url}/staff/?service=graffiti&assigned=nobody`);
  const boxes = page.locator('table.staff-queue input[name="ids"]');
  const chosen: string[] = [];
  for (let i = 0; i < 20; i++) {
    await boxes.nth(i).check();
    chosen.push(await boxes.nth(i).getAttribute('value') as string);
  }
  await page.getByLabel('Assign', { exact: true }).check();
  await page.getByLabel('Assign to (when assigning)').selectOption({ label: 'Olu Officer' });
  await page.getByLabel('Reason').fill('Canal patrol this week');
  await press(page, 'Change selected requests');
  assert.match(await page.locator('.govuk-notification-banner').innerText(), /20 requests changed/);
  await assertAccessible(page, 'queue after a bulk change');
  const olu = (await server.store.staff.users.byEmail('olu@example.gov.uk'))!;
  const assigned = await server.store.staff.assignments.forRequests('example', chosen);
  assert.equal([...assigned.values()].filter((a) => a.userId === olu.id).length, 20);

  // The export is exactly the filtered view: the same references in the same order.
  await page.goto(`${server.url}/staff/?service=graffiti`);
  const onScreen = await page.locator('table.staff-queue tbody tr td:nth-child(2) a').allInnerTexts();
  const href = await page.getByRole('link', { name: 'Download these requests (CSV)' }).getAttribute('href');
  const csv = await (await context.request.get(`${server.url}${href}`)).text();
  const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.match(lines[0], /^reference,received,service,status/);
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]), onScreen.map((s) => s.trim()));
  assert.equal(lines.slice(1).filter((l) => l.includes('Olu Officer')).length, 20);
  assert.deepEqual(problems, []);
  await context.close();
});
