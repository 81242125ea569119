import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launch, startServer, assertAccessible } from './support.ts';
import { staffUser, STAFF_PASSWORD } from '../support/staff.ts';
import { submitRequest } from '../../src/core/requests/submit.ts';

// Records requests in Chromium, without JavaScript: a supervisor finds a
// person, asks to erase, is asked to confirm, erases, and sees where the
// erasure went. axe-core checks every page on the way.

let browser: Browser;
let server: Awaited<ReturnType<typeof startServer>>;
before(async () => {
  [browser, server] = await Promise.all([launch(), startServer()]);
  await staffUser(server.store, 'sue@example.gov.uk', 'supervisor', 'example', 'Sue Supervisor');
  await submitRequest(server.store, { jurisdictionId: 'example', serviceCode: 'pothole', description: 'By the post box', attributes: { depth: 'deep' }, location: { address: '2 Mill Road' }, contact: { email: 'ria@example.com', firstName: 'Ria' }, mediaUrls: [], source: 'web' });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const press = async (page: Page, name: string) => {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name, exact: true }).click()]);
};

test('a supervisor finds, erases after confirming, and reads the acknowledgements; every page passes axe', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const audit = await (await browser.newContext()).newPage();
  const check = (label: string) => assertAccessible(page, label, audit);
  await page.goto(`${server.url}/staff/`);
  await page.getByLabel('Email address').fill('sue@example.gov.uk');
  await page.getByLabel('Password').fill(STAFF_PASSWORD);
  await press(page, 'Sign in');

  await page.getByRole('link', { name: 'Records requests' }).click();
  await check('records requests');
  await press(page, 'Find records');
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter an email address or a phone number/);
  await check('records requests, nothing entered');
  await page.getByLabel('Email address').fill('ria@example.com');
  await press(page, 'Find records');
  assert.match(await page.locator('main').innerText(), /By the post box/);
  await check('a person’s records');
  await press(page, 'Erase this person’s data');
  await check('erase: confirm');
  await press(page, 'Erase');
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Confirm that this person asked/);
  await check('erase: not confirmed');
  await page.getByLabel(/This person asked for their data to be erased/).check();
  await press(page, 'Erase');
  assert.match(await page.locator('h1').innerText(), /Erasure \d+/);
  assert.match(await page.locator('tbody').innerText(), /Back-end builtin[\s\S]*Confirmed/);
  await check('erasure and its acknowledgements');
});
