import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launch, startServer, assertAccessible, watchProblems } from './support.ts';
import { requestIdOf, residentReference } from '../support/web.ts';
import { sampleGazetteerCsv, SAMPLE_ADDRESSES } from '../support/os-places-stand-in.ts';
import { tileServer } from '../support/tile-server.ts';
import { importGazetteer } from '../../src/addresses/import.ts';
import { gridToLatLong } from '../../src/addresses/grid.ts';
import { submitRequest } from '../../src/core/requests/submit.ts';
import { recordUpdate } from '../../src/core/requests/record-update.ts';
import { NotificationSender } from '../../src/notify/sender.ts';
import { senderOptions, transportsFor } from '../../src/notify/start.ts';
import { smtpPeer } from '../support/smtp-peer.ts';
import { testConfig } from '../support/db.ts';
import { until } from '../support/delivery-world.ts';

// A phone: the address and map step must work at 390 px, with JavaScript and without.
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

let browser: Browser;
let server: Awaited<ReturnType<typeof startServer>>;
let tiles: Awaited<ReturnType<typeof tileServer>>;
let existing: string;
let smtp: Awaited<ReturnType<typeof smtpPeer>>;
let sender: NotificationSender;

before(async () => {
  tiles = await tileServer();
  [browser, server] = await Promise.all([launch(), startServer({ mapTilesUrl: tiles.url })]);
  // The council's gazetteer, imported from a CSV file as `addresses import` does.
  const file = join(mkdtempSync(join(tmpdir(), 'pipework-llpg-')), 'llpg.csv');
  writeFileSync(file, sampleGazetteerCsv());
  await importGazetteer(file, server.store.addresses);
  // Someone has already reported graffiti outside 5 High Street.
  const five = SAMPLE_ADDRESSES[4];
  const at = gridToLatLong(five.easting, five.northing);
  const r = await submitRequest(server.store, {
    jurisdictionId: 'example', serviceCode: 'graffiti', attributes: { offensive: 'no' }, location: { lat: String(at.lat), long: String(at.long), address: 'Wall outside 5 High Street' },
    contact: { email: 'neighbour@example.com' }, mediaUrls: [], source: 'open311',
  });
  existing = await residentReference(server.store, r.id);
  // Residents' emails go to a real SMTP server on 127.0.0.1.
  smtp = await smtpPeer();
  const mailConfig = testConfig(server.store.url, { smtpUrl: smtp.url, mailFrom: 'Example Borough Council <reports@example.gov.uk>', notificationsPollMs: 20 });
  sender = new NotificationSender(server.store, transportsFor(mailConfig), senderOptions(mailConfig), { warn() {}, error() {} });
  sender.start();
});
after(async () => {
  await sender?.stop();
  await smtp?.close();
  await browser?.close();
  await server?.close();
  await tiles?.close();
});

const press = async (page: Page, name: string | RegExp) => {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name }).first().click()]);
};
const heading = (page: Page) => page.locator('h1').innerText();

async function graffitiToLocation(page: Page) {
  await page.goto(`${server.url}/report/graffiti`);
  await page.getByLabel('No', { exact: true }).check();
  await press(page, 'Continue');
  await press(page, 'Continue'); // what it is on: optional
  await press(page, 'Continue'); // details
  await press(page, 'Continue'); // photo
  assert.match(await heading(page), /Where is the problem\?/);
}

async function findAndChoose(page: Page, check: (label: string) => Promise<void>) {
  await check('location');
  await press(page, 'Find address'); // nothing typed
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter a postcode or a street name/);
  await check('location, nothing to find');
  await page.getByLabel('Find the address').fill('ZZ9 9ZZ');
  await press(page, 'Find address');
  assert.match(await page.locator('.govuk-error-summary').innerText(), /We cannot find an address for ‘ZZ9 9ZZ’/);
  await check('location, no address found');
  await page.getByLabel('Find the address').fill('ex1 1aa');
  await press(page, 'Find address');
  await check('location, addresses found');
  await press(page, 'Use this address'); // none chosen
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Select the address/);
  await check('location, no address chosen');
  await page.getByLabel('5 High Street, Exampleton, EX1 1AA').check();
  await press(page, 'Use this address');
  assert.match(page.url(), /\/report\/graffiti\/location#map$/);
  assert.equal(await page.locator('#address').inputValue(), '5 High Street, Exampleton');
}

async function nearbyThenSend(page: Page, check: (label: string) => Promise<void>) {
  assert.match(await heading(page), /Is it one of these\?/);
  await check('nearby reports');
  const link = page.getByRole('link', { name: `See what is happening with report ${existing}` });
  assert.equal(await link.getAttribute('href'), `/reports/${existing}`);
  await Promise.all([page.waitForNavigation(), link.click()]);
  assert.match(await heading(page), new RegExp(`Report ${existing}`));
  assert.doesNotMatch(await page.locator('main').innerText(), /neighbour@example\.com/);
  await check('public report page');
  await page.goBack();
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /It is a different problem/ }).click()]);
  await press(page, 'Continue'); // contact details: none
  await press(page, 'Send report');
  const reference = (await page.locator('#reference').innerText()).trim();
  return (await server.store.requests.get('example', (await requestIdOf(server.store, reference))!))!;
}

test('with JavaScript on a phone: find the address, move the pin on the Leaflet map, see the report already made nearby, send', async () => {
  const context = await browser.newContext({ ...PHONE });
  const page = await context.newPage();
  const problems = watchProblems(page);
  const check = (label: string) => assertAccessible(page, `${label} (JS on, 390 px)`);
  await graffitiToLocation(page);
  await findAndChoose(page, check);
  await page.locator('.leaflet-container').waitFor();
  assert.ok(await page.locator('#map.pw-map--live').count(), 'Leaflet replaced the tile grid');
  await page.waitForFunction(() => [...document.querySelectorAll('.leaflet-tile')].some((t) => (t as HTMLImageElement).complete && (t as HTMLImageElement).naturalWidth === 256));
  assert.ok(tiles.asked.some((u) => u.startsWith('/18/')), 'tiles came through Pipework from the tile server');
  await check('location with the map');
  const before = await page.locator('#pin-lat').inputValue();
  const box = (await page.locator('#map').boundingBox())!;
  await page.mouse.click(box.x + box.width / 2 + 40, box.y + box.height / 2 - 30);
  assert.notEqual(await page.locator('#pin-lat').inputValue(), before, 'the pin moved');
  const pinned = [Number(await page.locator('#pin-lat').inputValue()), Number(await page.locator('#pin-long').inputValue())];
  await press(page, 'Use this place');
  const request = await nearbyThenSend(page, check);
  assert.equal(request.location.uprn, '100023000005');
  assert.deepEqual([request.location.lat, request.location.long], pinned);
  assert.ok(request.location.easting && request.location.northing);
  assert.deepEqual(problems.filter((p) => !/status of 40[04]/.test(p)), [], 'no CSP refusals or script errors');
  await context.close();
});

test('without JavaScript on a phone: find the address, click the tile map, see the report nearby, send', async () => {
  const [context, auditContext] = await Promise.all([browser.newContext({ ...PHONE, javaScriptEnabled: false }), browser.newContext({ ...PHONE })]);
  const [page, audit] = await Promise.all([context.newPage(), auditContext.newPage()]);
  const check = (label: string) => assertAccessible(page, `${label} (JS off, 390 px)`, audit);
  await graffitiToLocation(page);
  await findAndChoose(page, check);
  assert.equal(await page.locator('input.pw-map__tile').count(), 4, 'a grid of clickable tiles');
  await check('location with the tile map');
  const before = await page.locator('#lat').inputValue();
  await Promise.all([page.waitForNavigation(), page.locator('input.pw-map__tile').nth(3).click({ position: { x: 60, y: 40 } })]);
  const after = await page.locator('#lat').inputValue();
  assert.notEqual(after, before, 'the click moved the point');
  await press(page, 'Continue');
  const request = await nearbyThenSend(page, check);
  assert.equal(request.location.uprn, '100023000005');
  assert.equal(String(request.location.lat), after);
  await context.close();
  await auditContext.close();
});

test('in Welsh, JavaScript off, on a phone: the same step, nothing left in English unless marked lang="en"', async () => {
  const [context, auditContext] = await Promise.all([browser.newContext({ ...PHONE, javaScriptEnabled: false }), browser.newContext({ ...PHONE })]);
  const [page, audit] = await Promise.all([context.newPage(), auditContext.newPage()]);
  // What must not be on a Welsh page's main content, outside lang="en".
  const ENGLISH = /\b(Graffiti is|Find the address|Find address|Select the address|Use this address|Mark the place|Continue|Is it one of these|It is a different problem|Report sent|Your reference|Where is the problem|Is the graffiti|offensive|No\b)/;
  const welshOnly = async (label: string) => {
    const text = await page.evaluate(() => {
      const main = document.querySelector('main')!.cloneNode(true) as HTMLElement;
      main.querySelectorAll('[lang="en"]').forEach((e) => e.remove());
      return main.innerText;
    });
    assert.doesNotMatch(text, ENGLISH, `${label}: English left on the Welsh page`);
    assert.equal(await page.locator('html').getAttribute('lang'), 'cy');
    await assertAccessible(page, `${label} (Welsh, JS off, 390 px)`, audit);
  };
  await page.goto(`${server.url}/report/graffiti?lang=cy`);
  assert.match(await heading(page), /Ydy’r graffiti’n sarhaus neu’n hiliol\?/);
  await welshOnly('question');
  await page.getByLabel('Nac ydy', { exact: true }).check();
  await press(page, 'Parhau');
  await press(page, 'Parhau');
  await press(page, 'Parhau');
  await press(page, 'Parhau');
  assert.match(await heading(page), /Ble mae’r broblem\?/);
  await page.getByLabel('Dod o hyd i’r cyfeiriad').fill('EX1 1AA');
  await press(page, 'Dod o hyd i gyfeiriad');
  await welshOnly('location, addresses found');
  await page.getByLabel('5 High Street, Exampleton, EX1 1AA').check();
  await press(page, 'Defnyddio’r cyfeiriad hwn');
  await welshOnly('location with the map');
  await press(page, 'Parhau');
  assert.match(await heading(page), /Ai un o’r rhain yw e\?/);
  await welshOnly('nearby reports');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /Mae’n broblem wahanol/ }).click()]);
  await press(page, 'Parhau');
  await press(page, 'Anfon adroddiad');
  const reference = (await page.locator('#reference').innerText()).trim();
  assert.match(reference, /^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
  await welshOnly('confirmation');
  await context.close();
  await auditContext.close();
});

/**
 * "I'm reporting this too": from the nearby page, join the report already made at 5 High Street with
 * the journey's own contact page, and be emailed when its status next changes, as its reporter is.
 */
async function joinNearby(page: Page, check: (label: string) => Promise<void>, js: boolean) {
  const five = SAMPLE_ADDRESSES[4];
  const at = gridToLatLong(five.easting, five.northing);
  const reporter = `reporter-${js ? 'js' : 'nojs'}@example.com`;
  const joiner = `joiner-${js ? 'js' : 'nojs'}@example.com`;
  const made = await submitRequest(server.store, {
    jurisdictionId: 'example', serviceCode: 'graffiti', attributes: { offensive: 'no' }, location: { lat: String(at.lat), long: String(at.long), address: 'Bus shelter by 5 High Street' },
    contact: { email: reporter, firstName: 'Rhian' }, mediaUrls: [], source: 'web',
  });
  const reference = await residentReference(server.store, made.id);
  await graffitiToLocation(page);
  await page.getByLabel('Find the address').fill('EX1 1AA');
  await press(page, 'Find address');
  await page.getByLabel('5 High Street, Exampleton, EX1 1AA').check();
  await press(page, 'Use this address');
  await press(page, js ? 'Use this place' : 'Continue');
  assert.match(await heading(page), /Is it one of these\?/);
  assert.doesNotMatch(await page.locator('main').innerText(), /Rhian|reporter-/, 'no personal data of others');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: `I’m reporting this too: report ${reference}` }).click()]);
  assert.match(await heading(page), /Your contact details/);
  // The contact step's own checks.
  await page.getByLabel('Email address').fill('not an email');
  await press(page, 'Continue');
  assert.match(await page.locator('.govuk-error-summary').innerText(), /email/i);
  await check('joining: contact details with an error');
  await page.getByLabel('First name').fill('Gethin');
  await page.getByLabel('Email address').fill(joiner);
  await press(page, 'Continue');
  assert.match(await heading(page), /Check your details before joining this report/);
  assert.match(await page.locator('main').innerText(), new RegExp(reference));
  await check('joining: check your details');
  await press(page, 'Add me to this report');
  assert.match(await heading(page), /You have been added to this report/);
  assert.equal((await page.locator('#reference').innerText()).trim(), reference);
  await check('joining: confirmation');
  assert.equal((await server.store.joiners.of(made.id)).length, 1);

  // The next status change: the joiner is emailed, with their own stop link, as the reporter is.
  await recordUpdate(server.store, { requestId: made.id, jurisdictionId: 'example', status: 'action_scheduled', description: 'Cleaners booked', mediaUrls: [], authorKind: 'staff', contact: {} });
  await until(() => smtp.to(joiner).length >= 2 && smtp.to(reporter).length >= 2, 10_000, 'the status email to the joiner and the reporter');
  const [mine, theirs] = [smtp.to(joiner).at(-1)!, smtp.to(reporter).at(-1)!];
  assert.equal(mine.subject, theirs.subject);
  assert.match(mine.subject ?? '', new RegExp(`^Report ${reference}:`));
  const stop = (m: typeof mine) => /\/updates\/stop\/([A-Za-z0-9_-]+)/.exec(m.text ?? '')?.[1];
  assert.ok(stop(mine) && stop(mine) !== stop(theirs), 'each resident has their own stop link');
  assert.doesNotMatch(mine.text ?? '', /Rhian|reporter-/, 'nothing of the reporter in the joiner\'s email');
}

test('with JavaScript on a phone: join a nearby report instead of sending a new one, and be emailed on its next status change', async () => {
  const context = await browser.newContext({ ...PHONE });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await joinNearby(page, (label) => assertAccessible(page, `${label} (JS on, 390 px)`), true);
  assert.deepEqual(problems.filter((p) => !/status of 40[04]/.test(p)), [], 'no CSP refusals or script errors');
  await context.close();
});

test('without JavaScript on a phone: join a nearby report, and be emailed on its next status change', async () => {
  const [context, auditContext] = await Promise.all([browser.newContext({ ...PHONE, javaScriptEnabled: false }), browser.newContext({ ...PHONE })]);
  const [page, audit] = await Promise.all([context.newPage(), auditContext.newPage()]);
  await joinNearby(page, (label) => assertAccessible(page, `${label} (JS off, 390 px)`, audit), false);
  await context.close();
  await auditContext.close();
});
