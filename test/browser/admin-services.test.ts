import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launch, startServer, assertAccessible, watchProblems } from './support.ts';
import { staffUser, STAFF_PASSWORD } from '../support/staff.ts';
import { requestIdOf } from '../support/web.ts';
import { FAST, SECRET, until } from '../support/delivery-world.ts';
import { testConfig } from '../support/db.ts';
import { webhookPeer } from '../support/backends/webhook-peer.ts';
import { Relay } from '../../src/delivery/relay.ts';
import { relayOptions } from '../../src/delivery/start.ts';
import { BackendRegistry } from '../../src/backends/registry.ts';
import { submitRequest } from '../../src/core/requests/submit.ts';

// Council set-up in Chromium, on the demo council: an admin edits the pothole service in English
// and Welsh, previews and publishes it; residents report through the new question in both
// languages; the admin connects a webhook back-end (a real HTTP peer), shadows, canaries at 50%,
// promotes and reads the report. axe-core (WCAG 2.2 AA tags) checks every admin page on the way.

let browser: Browser;
let server: Awaited<ReturnType<typeof startServer>>;
let peer: Awaited<ReturnType<typeof webhookPeer>>;
let relay: Relay;
const quiet = { info() {}, warn() {}, error() {} };

before(async () => {
  [browser, server, peer] = await Promise.all([launch(), startServer(), webhookPeer({ secret: SECRET })]);
  await staffUser(server.store, 'ada@example.gov.uk', 'admin', 'example', 'Ada Admin');
  const config = testConfig(server.store.url, FAST);
  relay = new Relay(server.store, new BackendRegistry(server.store.routing, { timeoutMs: 1000 }, 50), relayOptions(config), quiet);
  relay.start();
});
after(async () => {
  await relay?.stop();
  await browser?.close();
  await server?.close();
  await peer?.close();
});

const press = async (page: Page, name: string | RegExp) => {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name, exact: typeof name === 'string' }).click()]);
};
const follow = async (page: Page, name: string | RegExp) => {
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name, exact: typeof name === 'string' }).first().click()]);
};
/** The page's own submit button (not the sign-out form, not the location button). */
const next = async (page: Page) => {
  await Promise.all([page.waitForNavigation(), page.locator('main form[method="post"] button.govuk-button:not([type="button"])').last().click()]);
};

/** A resident reports a deep pothole through the web, in `lang`; returns the reference and the question heading seen. */
async function residentReports(page: Page, lang: 'en' | 'cy') {
  await page.goto(`${server.url}/report/pothole${lang === 'cy' ? '?lang=cy' : ''}`);
  await page.waitForURL(/question\/depth/);
  const question = (await page.locator('h1').innerText()).trim();
  await page.locator('input[name="answer"][value="deep"]').check();
  await next(page); // depth
  await next(page); // width (optional)
  await next(page); // position (optional)
  await page.locator('#description').fill(lang === 'cy' ? 'Twll mawr ger yr arhosfan bws' : 'Big hole by the bus stop');
  await next(page); // details
  await next(page); // photo (optional)
  await page.locator('#address').fill('12 High Street');
  await next(page); // location
  await next(page); // contact (optional)
  await next(page); // check answers: send
  const reference = (await page.locator('#reference').innerText()).trim();
  return { reference, question };
}

test('an admin edits and publishes the pothole service in two languages, residents use it, and the admin moves it to a webhook back-end', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchProblems(page);
  const check = (label: string) => assertAccessible(page, label);

  await page.goto(`${server.url}/staff/admin/`);
  await page.getByLabel('Email address').fill('ada@example.gov.uk');
  await page.getByLabel('Password').fill(STAFF_PASSWORD);
  await press(page, 'Sign in');
  assert.match(await page.locator('h1').innerText(), /Council set-up/);
  await check('council set-up');

  // Services: adopt the pothole pattern (the demo council runs it already: it stays on its code).
  await follow(page, 'Services');
  await check('services');
  await follow(page, 'Adopt a service from the pattern library');
  await check('pattern library');
  await follow(page, /^Preview\s+Pothole$/);
  assert.match(await page.locator('main').innerText(), /How deep is the pothole\?/);
  await check('pattern preview');
  await press(page, 'Adopt this service');
  assert.match(await page.locator('.govuk-notification-banner').innerText(), /following pothole@1\.0\.0/);
  await check('service');

  // Edit one question in English and Welsh, preview, review the changes, publish.
  await follow(page, 'Edit wording');
  await check('edit wording');
  await page.locator('#q-depth-description').fill('');
  await press(page, 'Save draft and preview');
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter the English text/);
  await check('edit wording, blank question');
  await page.locator('#q-depth-description').fill('How deep is the hole in the road?');
  await page.locator('#q-depth-description-cy').fill("Pa mor ddwfn yw'r twll yn y ffordd?");
  await page.locator('#q-depth-required-cy').fill("Dewiswch pa mor ddwfn yw'r twll");
  await page.locator('#nameCy').fill('Twll yn y ffordd');
  await press(page, 'Save draft and preview');
  const preview = await page.locator('main').innerText();
  assert.match(preview, /How deep is the hole in the road\?/);
  assert.match(preview, /Pa mor ddwfn yw'r twll yn y ffordd\?/);
  await check('preview');
  await follow(page, 'Review and publish');
  const review = await page.locator('main').innerText();
  assert.match(review, /How deep is the pothole\?/);
  assert.match(review, /How deep is the hole in the road\?/);
  await check('review and publish');
  await press(page, 'Publish version 1.0.1');
  assert.match(await page.locator('.govuk-notification-banner').innerText(), /Published pothole@1\.0\.1/);

  // Residents report through the new question, in English and in Welsh.
  const resident = await browser.newContext();
  const rpage = await resident.newPage();
  const en = await residentReports(rpage, 'en');
  assert.match(en.question, /How deep is the hole in the road\?/);
  const residentCy = await browser.newContext();
  const cpage = await residentCy.newPage();
  const cy = await residentReports(cpage, 'cy');
  assert.match(cy.question, /Pa mor ddwfn yw'r twll yn y ffordd\?/);
  for (const ref of [en.reference, cy.reference]) {
    const r = await server.store.requests.get('example', (await requestIdOf(server.store, ref))!);
    assert.equal(r?.attributes.depth, 'deep');
  }
  await resident.close();
  await residentCy.close();

  // Connect a webhook back-end and check it.
  await page.goto(`${server.url}/staff/admin/`);
  await follow(page, 'Back-ends');
  await check('back-ends');
  await page.getByLabel('Name').fill('streets');
  await page.getByLabel('Kind').selectOption('webhook');
  await page.getByLabel('Settings, as JSON').fill('{ "url": ');
  await press(page, 'Save back-end');
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter the settings as JSON/);
  await check('back-ends, settings not JSON');
  await page.getByLabel('Settings, as JSON').fill(JSON.stringify({ url: peer.url, secret: SECRET }));
  await press(page, 'Save back-end');
  assert.doesNotMatch(await page.content(), new RegExp(SECRET));
  await press(page, 'Check streets');
  assert.match(await page.locator('.govuk-notification-banner').innerText(), /streets:/);
  await check('back-ends, checked');

  // Move pothole: shadow, canary 50%, promote, reading the report.
  await page.goto(`${server.url}/staff/admin/routes`);
  await check('routes');
  await follow(page, 'Pothole');
  await check('route, before the move');
  await page.locator('#shadow').selectOption('streets');
  await press(page, 'Set shadow');
  const submit = async (n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await submitRequest(server.store, { jurisdictionId: 'example', serviceCode: 'pothole', description: `Hole ${i}`, attributes: { depth: 'deep' }, location: { address: `${i} Mill Road` }, contact: {}, mediaUrls: [], source: 'web' });
      ids.push(r.id);
    }
    await until(async () => (await Promise.all(ids.map((id) => server.store.deliveries.forRequest(id)))).flat().every((d) => d.state === 'delivered'), 15_000, 'deliveries');
    return ids;
  };
  await submit(4);
  await page.reload();
  assert.match(await page.locator('#current-route').innerText(), /builtin; shadow streets/);
  await page.locator('#canary').selectOption('streets');
  await page.locator('#percent').fill('150');
  await press(page, 'Set canary');
  assert.match(await page.locator('.govuk-error-summary').innerText(), /whole number from 0 to 100/);
  await check('route, canary percentage refused');
  await page.locator('#canary').selectOption('streets');
  await page.locator('#percent').fill('50');
  await press(page, 'Set canary');
  assert.match(await page.locator('#current-route').innerText(), /canary streets 50%/);
  await submit(6);
  await press(page, /Promote streets to primary/);
  assert.match(await page.locator('#current-route').innerText(), /Now: streets/);
  await submit(2);
  await page.reload();
  assert.equal(await page.locator('svg.staff-chart').count(), 1);
  const sideBySide = await page.locator('#side-by-side').innerText();
  assert.match(sideBySide, /streets/);
  assert.match(sideBySide, /builtin/);
  assert.match(await page.locator('#divergences').innerText(), /disagree: \d+/);
  assert.equal((await page.locator('#history tbody tr').allInnerTexts()).filter((t) => /staff:ada@example\.gov\.uk/.test(t)).length, 3);
  await check('route, after the move, with the report');

  // Take the open cases builtin still holds along: the dry run, start, the progress page (reloaded, no script), the report.
  await follow(page, 'Take open cases along');
  await check('take open cases along, dry run');
  assert.match(await page.locator('#plan-summary').innerText(), /open cases? would move to streets/);
  await press(page, /^Start moving \d+ open cases? to streets$/);
  await page.waitForURL(/\/move-open\/\d+$/);
  await until(async () => {
    await page.reload();
    return /Finished/.test(await page.locator('#move-state').innerText());
  }, 15_000, 'the move finished');
  await check('take open cases along, the report');

  await page.goto(`${server.url}/staff/admin/deliveries`);
  await check('deliveries');
  await page.locator('#jobs a.govuk-link').first().click();
  await page.waitForURL(/\/deliveries\/\d+$/);
  await check('one delivery');

  const audit = (await server.store.staff.audit.list({ jurisdictionId: 'example', limit: 100 })).map((e) => e.action);
  for (const a of ['service.adopt', 'service.edit', 'service.publish', 'backend.save', 'route.shadow', 'route.canary', 'route.promote', 'route.move-open']) assert.ok(audit.includes(a), `audit has ${a}`);
  // The three refused forms answer 400, as they should; nothing else went wrong.
  assert.deepEqual(problems.filter((p) => !/status of 400/.test(p)), []);
  assert.equal(problems.length, 3);
  await context.close();
});
