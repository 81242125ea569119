import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launch, assertAccessible, watchProblems } from './support.ts';
import { buildApp } from '../../src/app.ts';
import { freshStore, testConfig } from '../support/db.ts';
import { STAFF_PASSWORD } from '../support/staff.ts';
import { issueFirstRunToken } from '../../src/core/councils/first-run.ts';
import type { Service } from '../../src/core/services/service.ts';

// A new council in Chromium, from an empty database with SEED_DEMO=false: the first-run page makes the
// council and its first admin, who sets it up and rotates an API key while an Open311 client keeps
// posting. axe-core (WCAG 2.2 AA) checks every council set-up page on the way.

let browser: Browser;
let server: { url: string; store: Awaited<ReturnType<typeof freshStore>>; close: () => Promise<void> };

before(async () => {
  const store = await freshStore();
  const app = await buildApp(testConfig(store.url, { seedDemo: false, publicUrl: '' }), { store });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  server = { url, store, close: async () => (await app.close(), await store.close()) };
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const press = async (page: Page, name: string | RegExp) => {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name, exact: typeof name === 'string' }).click()]);
};

const pothole = (jurisdictionId: string): Service => ({ jurisdictionId, code: 'pothole', name: 'Pothole', description: 'A hole in the road', groups: ['Roads'], keywords: [], type: 'realtime', attributes: [], active: true, visibility: 'public' });

/** An Open311 client posting a report every 50 ms with whichever key it holds, recording each status. */
function open311Client(key: string) {
  const statuses: number[] = [];
  let current = key;
  let running = true;
  const loop = (async () => {
    while (running) {
      const res = await fetch(`${server.url}/open311/v2/requests.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ api_key: current, service_code: 'pothole', lat: '51.5', long: '-0.1', description: `Hole ${statuses.length}` }),
      });
      await res.arrayBuffer();
      statuses.push(res.status);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    statuses,
    use: (k: string) => void (current = k),
    stop: async () => ((running = false), await loop),
    /** Waits until `n` more calls have been answered. */
    more: async (n: number) => {
      const target = statuses.length + n;
      while (statuses.length < target) await new Promise((r) => setTimeout(r, 20));
    },
  };
}

test('first run, council details, an API key rotated while an Open311 client keeps working, people; every page accessible', async () => {
  const { token } = await issueFirstRunToken(server.store);
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchProblems(page);
  const check = (label: string) => assertAccessible(page, label);

  await page.goto(`${server.url}/`);
  assert.match(await page.locator('h1').innerText(), /This service is not set up yet/);
  await check('resident front page, not set up');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /set it up in the staff console/ }).click()]);
  assert.match(page.url(), /\/staff\/first-run$/);
  await check('first run');

  await press(page, 'Create the council');
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter the set-up token/);
  await check('first run, errors');
  await page.getByLabel('Set-up token').fill(token);
  await page.getByLabel('Council name', { exact: true }).fill('Westshire Council');
  await page.getByLabel('Council name in Welsh (optional)').fill('Cyngor Westshire');
  await page.getByLabel('Council ID').fill('westshire');
  await page.getByLabel('Your name').fill('Kim Lee');
  await page.getByLabel('Your email address').fill('kim@westshire.gov.uk');
  await press(page, 'Create the council');
  assert.match(await page.locator('h1').innerText(), /Westshire Council is set up/);
  await check('first run, done');

  await Promise.all([page.waitForNavigation(), page.locator('#set-password-link').click()]);
  await page.getByLabel('New password', { exact: true }).fill(STAFF_PASSWORD);
  await page.getByLabel('Confirm the new password').fill(STAFF_PASSWORD);
  await press(page, 'Set password');
  await page.getByLabel('Email address').fill('kim@westshire.gov.uk');
  await page.getByLabel('Password', { exact: true }).fill(STAFF_PASSWORD);
  await press(page, 'Sign in');

  await page.goto(`${server.url}/staff/admin/`);
  assert.match(await page.locator('h1').innerText(), /Council set-up/);
  await check('council set-up');
  await page.goto(`${server.url}/staff/admin/councils`);
  await check('council details');
  for (const group of ['names', 'contact', 'look', 'accessibility', 'privacy']) {
    await page.goto(`${server.url}/staff/admin/councils/${group}`);
    await check(`council details: ${group}`);
  }
  await page.goto(`${server.url}/staff/admin/councils/look`);
  await page.getByLabel('Header colour').fill('#ffdd00');
  await press(page, 'Save');
  assert.match(await page.locator('.govuk-error-summary').innerText(), /contrast of/);
  await check('council details: look, refused colour');
  await page.getByLabel('Header colour').fill('#1d70b8');
  await press(page, 'Save');
  assert.match(await page.locator('.govuk-notification-banner').innerText(), /saved/);

  // Keys: one for an Open311 client, which starts posting.
  await server.store.services.upsert(pothole('westshire'));
  await page.goto(`${server.url}/staff/admin/keys`);
  await check('API keys');
  await page.getByLabel('Name').fill('fixmystreet');
  await press(page, 'Create key');
  await check('API key shown once');
  const oldKey = (await page.locator('#new-key').innerText()).trim();
  const id = /Key (\d+) created/.exec(await page.locator('h1').innerText())![1];
  const client = open311Client(oldKey);
  await client.more(3);

  await page.goto(`${server.url}/staff/admin/keys`);
  await page.getByLabel('Hours the old key keeps working').fill('1');
  await press(page, `Rotate key ${id}`);
  assert.match(await page.locator('body').innerText(), /keeps working until/);
  await check('API key rotated');
  const newKey = (await page.locator('#new-key').innerText()).trim();
  assert.notEqual(newKey, oldKey);
  await client.more(5); // still the old key, in its grace period
  client.use(newKey);
  await client.more(5);
  await client.stop();
  assert.ok(client.statuses.length >= 13);
  assert.deepEqual([...new Set(client.statuses)], [200], 'every call of the client was answered during the rotation');

  // The old key can be revoked before its grace period ends; then it stops.
  await page.goto(`${server.url}/staff/admin/keys`);
  await check('API keys after rotation');
  await press(page, `Revoke key ${id}`);
  await new Promise((r) => setTimeout(r, 1100)); // a key found valid is trusted for a second (KEY_TRUST_MS)
  const refused = await fetch(`${server.url}/open311/v2/requests.json`, { method: 'POST', body: new URLSearchParams({ api_key: oldKey, service_code: 'pothole', lat: '51.5', long: '-0.1', description: 'x' }) });
  assert.equal(refused.status, 403);

  // People.
  await page.goto(`${server.url}/staff/admin/people`);
  await check('people');
  await page.getByLabel('Name').fill('Oli Officer');
  await page.getByLabel('Email address').fill('oli@westshire.gov.uk');
  await page.getByLabel('Team (optional)').fill('Highways');
  await press(page, 'Invite');
  await check('person invited');
  await page.goto(`${server.url}/staff/admin/people`);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Oli Officer' }).click()]);
  await check('person');

  const audit = await server.store.staff.audit.list({ jurisdictionId: 'westshire', limit: 50 });
  for (const action of ['council.first_run', 'council.set', 'key.create', 'key.rotate', 'key.revoke', 'staff.invite']) assert.ok(audit.some((e) => e.action === action), action);
  // The two refused forms above answer 403 and 400 on purpose; nothing else may go wrong.
  assert.deepEqual(problems.filter((p) => !/status of (400|403) /.test(p)), []);
  assert.equal(problems.length, 2, problems.join('\n'));
  await context.close();
});
