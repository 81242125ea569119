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
