import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch, startServer, assertAccessible, watchProblems } from './support.ts';
import { staffUser, STAFF_PASSWORD } from '../support/staff.ts';
import { submitRequest } from '../../src/core/requests/submit.ts';

// Reply templates and team assignment in Chromium: an admin adds a template (with an error on the
// way) and gives a role its service groups; an officer fills a reply from it (in place with
// JavaScript, by reloading without) and assigns the case to a team. axe-core checks each page.

let browser: Browser;
let server: Awaited<ReturnType<typeof startServer>>;
let requestId: string;

before(async () => {
  [browser, server] = await Promise.all([launch(), startServer()]);
  await staffUser(server.store, 'ada@example.gov.uk', 'admin', 'example', 'Ada Admin');
  const tom = await staffUser(server.store, 'tom@example.gov.uk', 'officer', 'example', 'Tom Officer');
  await server.store.staff.users.setTeam(tom.id, 'example', 'Highways');
  requestId = (await submitRequest(server.store, { jurisdictionId: 'example', serviceCode: 'pothole', description: 'Pothole by the school', attributes: { depth: 'deep' }, location: { address: '4 School Lane' }, contact: { email: 'pat@example.com' }, mediaUrls: [], source: 'web' })).id;
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const press = async (page: Page, name: string) => {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name, exact: true }).click()]);
};
const signIn = async (context: BrowserContext, email: string) => {
  const page = await context.newPage();
  await page.goto(`${server.url}/staff/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(STAFF_PASSWORD);
  await press(page, 'Sign in');
  return page;
};

test('an admin adds a reply template and sets a role’s service groups', async () => {
  const context = await browser.newContext();
  const page = await signIn(context, 'ada@example.gov.uk');
  const problems = watchProblems(page);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Council set-up' }).click()]);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Reply templates' }).click()]);
  await assertAccessible(page, 'reply templates, none yet');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Add a reply template' }).click()]);
  await page.getByLabel('Name', { exact: true }).fill('Pothole booked');
  await page.getByLabel('Reply in English').fill('Your report {ref} is booked.');
  await press(page, 'Save template');
  assert.match(await page.locator('.govuk-error-summary').innerText(), /is not a placeholder/);
  await assertAccessible(page, 'reply template with an error');
  await page.getByLabel('Reply in English').fill('Thank you: repair of {reference} ({service}) is booked by {council}.');
  await page.getByLabel('Reply in Welsh (optional)').fill('Diolch: mae {reference} wedi ei drefnu.');
  await page.getByRole('group', { name: 'Services it fits' }).getByLabel('Pothole').check();
  await press(page, 'Save template');
  assert.match(await page.locator('.govuk-notification-banner').innerText(), /Reply template “Pothole booked” added/);
  await assertAccessible(page, 'reply templates');

  // The people page: Tom's role covers roads only.
  await page.goto(`${server.url}/staff/admin/people`);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Tom Officer' }).click()]);
  await page.getByRole('group', { name: 'Service groups' }).getByLabel('Roads and pavements').check();
  await assertAccessible(page, 'person with service groups');
  await press(page, 'Save role');
  const tom = (await server.store.staff.users.byEmail('tom@example.gov.uk'))!;
  assert.deepEqual(tom.roles[0].groups, ['Roads and pavements']);
  assert.deepEqual(problems.filter((p) => !/status of 400/.test(p)), []);
  await context.close();
});

test('an officer fills the reply from a template and assigns the case to their team', async () => {
  const context = await browser.newContext();
  const page = await signIn(context, 'tom@example.gov.uk');
  const problems = watchProblems(page);
  await page.goto(`${server.url}/staff/requests/${requestId}`);
  await page.getByLabel('Reply template').selectOption({ label: 'Pothole booked' });
  await page.evaluate(() => Object.assign(window, { samePage: true }));
  await page.getByRole('button', { name: 'Use template', exact: true }).click();
  await page.getByLabel('Public reply').press('End');
  // With JavaScript the text arrives in place: no page load, so the address has no ?template.
  assert.doesNotMatch(page.url(), /template=/);
  assert.equal(await page.evaluate(() => (window as unknown as { samePage?: boolean }).samePage), true);
  assert.match(await page.getByLabel('Public reply').inputValue(), new RegExp(`^Thank you: repair of ${requestId} \\(Pothole\\) is booked by Example`));
  await assertAccessible(page, 'case with a template chosen');
  await page.getByLabel('Public reply').fill(`${await page.getByLabel('Public reply').inputValue()} Thanks again.`);
  await press(page, 'Publish reply');
  assert.match(await page.locator('.govuk-notification-banner').innerText(), /Your reply is published/);
  const history = await server.store.requests.history('example', requestId);
  assert.match(history.at(-1)!.description, /is booked by Example.* Thanks again\.$/);

  await page.getByLabel('Assign to').selectOption({ label: 'Team Highways' });
  await press(page, 'Assign');
  assert.match(await page.locator('main').innerText(), /Assigned to\s+Team Highways/);
  await assertAccessible(page, 'case assigned to a team');
  await page.goto(`${server.url}/staff/?assigned=team`);
  assert.match(await page.locator('table.staff-queue').innerText(), /Team Highways/);
  await assertAccessible(page, 'queue, my team');
  assert.deepEqual(problems, []);
  await context.close();

  // Without JavaScript, "Use template" reloads the page with the Welsh text filled in.
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const p2 = await signIn(plain, 'tom@example.gov.uk');
  await p2.goto(`${server.url}/staff/requests/${requestId}`);
  await p2.getByLabel('Reply template').selectOption({ label: 'Pothole booked (Cymraeg)' });
  await press(p2, 'Use template');
  assert.equal(await p2.getByLabel('Public reply').inputValue(), `Diolch: mae ${requestId} wedi ei drefnu.`);
  await plain.close();
});
