import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launch, startServer, assertAccessible, watchProblems } from './support.ts';
import { staffUser, STAFF_PASSWORD } from '../support/staff.ts';
import { residentReference } from '../support/web.ts';
import { addStaff } from '../../src/core/staff/setup.ts';
import { submitRequest } from '../../src/core/requests/submit.ts';

// The staff console in Chromium: sign in, find a request by text, work it through its process
// with a public reply and an internal note, and check the note reaches no public path.
// axe-core (WCAG 2.2 AA tags) checks every staff page on the way.

let browser: Browser;
let server: Awaited<ReturnType<typeof startServer>>;

before(async () => {
  [browser, server] = await Promise.all([launch(), startServer()]);
  await staffUser(server.store, 'olu@example.gov.uk', 'officer', 'example', 'Olu Officer');
  await staffUser(server.store, 'sue@example.gov.uk', 'supervisor', 'example', 'Sue Supervisor');
  const submit = (description: string, address: string) =>
    submitRequest(server.store, { jurisdictionId: 'example', serviceCode: 'pothole', description, attributes: { depth: 'deep' }, location: { address }, contact: { email: 'sam@example.com', firstName: 'Sam' }, mediaUrls: [], source: 'web' });
  for (let i = 0; i < 60; i++) await submit(`Shallow dip number ${i}`, `${i} Mill Road`);
  await submit('Crater by the bus stop, cyclists swerving', 'Station Approach');
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const press = async (page: Page, name: string | RegExp) => {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name, exact: typeof name === 'string' }).click()]);
};
const signIn = async (page: Page, email: string) => {
  await page.goto(`${server.url}/staff/`);
  assert.match(page.url(), /\/staff\/sign-in\?next=/);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(STAFF_PASSWORD);
  await press(page, 'Sign in');
};

test('an officer signs in, finds a request by text and works it through its process; the internal note stays internal', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchProblems(page);
  const check = (label: string) => assertAccessible(page, label);

  await page.goto(`${server.url}/staff/`);
  await check('sign in');
  await page.getByLabel('Email address').fill('olu@example.gov.uk');
  await page.getByLabel('Password').fill('wrong password entirely');
  await press(page, 'Sign in');
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter a correct email address and password/);
  await check('sign in, wrong password');
  await page.getByLabel('Password').fill(STAFF_PASSWORD);
  await press(page, 'Sign in');

  assert.match(await page.locator('h1').innerText(), /Work queue/);
  assert.match(await page.locator('#result-count').innerText(), /Showing 1 to 50 of 61 requests/);
  await check('work queue');
  await page.getByRole('link', { name: 'Next page' }).first().click();
  await page.waitForURL(/page=2/);
  assert.match(await page.locator('#result-count').innerText(), /Showing 51 to 61 of 61/);
  await check('work queue, page 2');

  // "/" jumps to the search box (JavaScript enhancement); then find the request by words.
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'q');
  await page.keyboard.type('cyclists');
  await press(page, 'Apply filters');
  assert.equal((await page.locator('#result-count').innerText()).trim(), 'Showing 1 to 1'); // word searches are not counted
  await check('work queue, filtered');
  const link = page.locator('table a.govuk-link').filter({ hasText: /^\d+$/ }).first();
  const id = (await link.innerText()).trim();
  await Promise.all([page.waitForNavigation(), link.click()]);

  assert.match(await page.locator('h1').innerText(), new RegExp(`Request ${id}`));
  await check('case view');
  await page.getByRole('link', { name: 'Show contact details' }).click();
  await page.waitForURL(/contact=show/);
  assert.match(await page.locator('body').innerText(), /sam@example.com/);
  await check('case view with contact details');

  // open → investigating → action_scheduled → fixed: each step offers only what the process allows.
  for (const [label, status] of [['Being inspected', 'investigating'], ['Repair scheduled', 'action_scheduled'], ['Fixed', 'fixed']] as const) {
    await page.getByLabel(label, { exact: true }).check();
    await press(page, 'Change status');
    assert.match(await page.locator('.govuk-notification-banner').innerText(), new RegExp(`Status changed to “${status.replace(/_/g, ' ')}”`));
  }
  assert.equal((await server.store.requests.get('example', id))!.status, 'fixed');
  await page.getByLabel('Public reply').fill('Filled and rolled this morning. Thank you for reporting it.');
  await press(page, 'Publish reply');
  await page.getByLabel('Internal note').fill('Contractor invoice 7731: charge to the resurfacing budget');
  await press(page, 'Add internal note');
  const history = await page.locator('.moj-timeline').innerText();
  assert.match(history, /Internal note[\s\S]*Contractor invoice 7731/);
  assert.match(history, /Public reply[\s\S]*Filled and rolled/);
  assert.match(history, /Status: Fixed/);
  await check('case view after work');

  // Empty note: an error the officer can act on, and focus moves to the summary.
  await press(page, 'Add internal note');
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter the note/);
  await check('case view, empty note');

  // Residents and Open311 clients see the reply and the status, never the note.
  const resident = await context.newPage();
  await resident.goto(`${server.url}/track?reference=${await residentReference(server.store, id)}`);
  const tracked = await resident.locator('main').innerText();
  assert.match(tracked, /Filled and rolled/);
  assert.doesNotMatch(tracked, /7731/);
  const window = `start_date=${new Date(Date.now() - 3600_000).toISOString()}&end_date=${new Date(Date.now() + 3600_000).toISOString()}`;
  for (const path of [`/open311/v2/requests/${id}.json`, '/open311/v2/requests.json', `/open311/v2/servicerequestupdates.json?${window}`, `/open311/v2/servicerequestupdates.xml?${window}`]) {
    const body = await (await fetch(server.url + path)).text();
    assert.doesNotMatch(body, /7731|invoice/i, path);
  }
  const updates = await (await fetch(`${server.url}/open311/v2/servicerequestupdates.json?${window}`)).text();
  assert.match(updates, /Filled and rolled/);

  await page.getByRole('link', { name: 'Your account' }).click();
  await page.waitForURL(/\/staff\/account$/);
  await check('account');
  await page.getByRole('link', { name: /Set up a second factor/ }).click();
  await page.waitForURL(/two-factor$/);
  await check('second factor set-up');
  await page.getByRole('link', { name: 'Raise a request' }).click();
  await page.waitForURL(/\/staff\/raise$/);
  await check('raise a request: choose a service');
  await page.getByLabel('What is the caller reporting?').selectOption('pothole');
  await press(page, 'Continue');
  await check('raise a request: questions');
  await press(page, 'Raise request');
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Select how deep the pothole is/);
  await check('raise a request: missing answers');
  await page.getByLabel('More than 10cm').check();
  await page.getByLabel('Address or description of the place').fill('Junction of Mill Road and Park Lane');
  await press(page, 'Raise request');
  assert.match(await page.locator('.govuk-notification-banner').innerText(), /Give the caller this reference/);
  await page.goto(`${server.url}/staff/no-such-page`);
  await check('page not found');
  await page.goto(`${server.url}/staff/audit`);
  assert.match(await page.locator('h1').innerText(), /You cannot do this/);
  await check('forbidden');
  await press(page, 'Sign out');
  assert.match(await page.locator('.govuk-notification-banner').innerText(), /You have signed out/);
  // The wrong password (401), the unanswered form (400), the missing page (404) and the refused one (403) are meant; nothing else may complain.
  assert.deepEqual(problems.filter((p) => !/responded with a status of (400|401|403|404)/.test(p)), []);
  await context.close();
});

test('a supervisor reads the audit log; the set-password and second-factor pages pass axe too; the queue works without JavaScript', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const audit = await (await browser.newContext()).newPage();
  const check = (label: string) => assertAccessible(page, label, audit);
  await signIn(page, 'sue@example.gov.uk');
  assert.match(await page.locator('h1').innerText(), /Work queue/);
  await check('work queue without JavaScript');
  await page.getByLabel('Reference or words').fill('mill road');
  await page.getByLabel('Overdue only').check();
  await press(page, 'Apply filters');
  assert.match(await page.locator('#result-count').innerText(), /No requests match/);
  await check('work queue, nothing matches');
  await page.goto(`${server.url}/staff/audit`);
  assert.match(await page.locator('tbody').innerText(), /olu@example.gov.uk[\s\S]*case.status/);
  await check('audit log');

  const { token } = await addStaff(server.store, { email: 'new@example.gov.uk', name: 'New Starter', role: 'agent', jurisdictionId: 'example' }, new Date());
  const fresh = await context.newPage();
  await fresh.goto(`${server.url}/staff/set-password/${token}`);
  await assertAccessible(fresh, 'set password', audit);
  await fresh.getByLabel('New password', { exact: true }).fill('short');
  await fresh.getByLabel('Confirm the new password').fill('short');
  await Promise.all([fresh.waitForNavigation(), fresh.getByRole('button', { name: 'Set password' }).click()]);
  await assertAccessible(fresh, 'set password, too short', audit);

  const { generateSecret } = await import('otplib');
  const user = await staffUser(server.store, 'totp@example.gov.uk', 'agent');
  await server.store.staff.users.setTotpSecret(user.id, generateSecret());
  const other = await (await browser.newContext()).newPage();
  await signIn(other, 'totp@example.gov.uk');
  assert.match(other.url(), /two-factor$/);
  await assertAccessible(other, 'second factor at sign-in');
  await context.close();
});
