import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launch, startServer, assertAccessible, watchProblems } from './support.ts';
import { PNG, residentReference, requestIdOf } from '../support/web.ts';

// One browser and one server for the file; each journey gets its own context (cookies, JS setting).
let browser: Browser;
let server: Awaited<ReturnType<typeof startServer>>;
const LIMIT = 20 * 1024;

before(async () => {
  [browser, server] = await Promise.all([launch(), startServer({ mediaLimitBytes: LIMIT })]);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const press = async (page: Page, name: string | RegExp) => {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name }).click()]);
};
const follow = async (page: Page, name: string | RegExp) => {
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name }).first().click()]);
};
const summary = (page: Page) => page.locator('.govuk-error-summary').innerText();
const heading = (page: Page) => page.locator('h1').innerText();
const files = (name: string, buffer: Buffer) => ({ name, mimeType: 'application/octet-stream', buffer });

/** The journey both runs share; `check` runs axe on the page, `audit` says how (see assertAccessible). */
async function reportPothole(page: Page, check: (label: string) => Promise<void>, js: boolean) {
  await page.goto(server.url + '/');
  await check('start page');
  await page.getByLabel('Search for the problem you want to report').fill('hole in road');
  await press(page, 'Search');
  await check('search results');
  await follow(page, 'Pothole');

  // Required radios, left empty.
  assert.match(await heading(page), /How deep is the pothole\?/);
  await check('question: depth');
  await press(page, 'Continue');
  assert.match(await summary(page), /Select how deep the pothole is/); // the pattern's own message
  assert.match(await page.title(), /^Error: /);
  if (js) assert.ok(await page.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary')), 'govuk-frontend JS moved focus to the error summary');
  await check('question: depth, missing answer');
  await page.getByLabel('More than 10cm').check();
  await press(page, 'Continue');

  // Number, not a number; the answer is kept on the page.
  await page.getByLabel(/Roughly how wide/).fill('quite wide');
  await press(page, 'Continue');
  assert.match(await summary(page), /Width must be a number, like 30/);
  assert.equal(await page.getByLabel(/Roughly how wide/).inputValue(), 'quite wide');
  await check('question: width, not a number');
  await page.getByLabel(/Roughly how wide/).fill('45');
  await press(page, 'Continue');

  await check('question: position');
  await press(page, 'Continue'); // optional: skipped
  await page.getByLabel(/Tell us more/).fill('Deep hole by the bus stop');
  await check('details');
  await press(page, 'Continue');

  // Photo: wrong type, too big, then a real PNG.
  await check('photo');
  await page.getByLabel(/Upload a photo/).setInputFiles(files('not-a-photo.png', Buffer.from('this is text, whatever the name says')));
  await press(page, 'Continue');
  assert.match(await summary(page), /must be a JPG, PNG, GIF or WebP image/);
  await check('photo, wrong type');
  await page.getByLabel(/Upload a photo/).setInputFiles(files('huge.png', Buffer.concat([PNG, Buffer.alloc(LIMIT + 1)])));
  await press(page, 'Continue');
  assert.match(await summary(page), /must be smaller than 20KB/);
  await check('photo, too big');
  await page.getByLabel(/Upload a photo/).setInputFiles(files('hole.png', PNG));
  await press(page, 'Continue');

  // Location: nothing given, then the device (JS) or a typed address (no JS).
  assert.match(await heading(page), /Where is the problem\?/);
  await press(page, 'Continue');
  assert.match(await summary(page), /Enter the address or describe where the problem is/);
  await check('location, missing');
  if (js) {
    await page.getByRole('button', { name: 'Use my current location' }).click();
    await page.getByText('We will use your current location').waitFor();
    await check('location, device found');
  } else {
    assert.equal(await page.getByRole('button', { name: 'Use my current location' }).isVisible(), false, 'no geolocation button without JS');
    await page.getByLabel('Address or description of the place').fill('12 High Street');
    await page.getByLabel(/Postcode/).fill('ab1 2cd');
  }
  await press(page, 'Continue');

  // Contact details: a malformed email, kept and flagged.
  await page.getByLabel('First name').fill('Ada');
  await page.getByLabel('Email address').fill('ada.example.com');
  await press(page, 'Continue');
  assert.match(await summary(page), /Enter an email address in the correct format/);
  assert.equal(await page.getByLabel('First name').inputValue(), 'Ada');
  await check('contact, bad email');
  await page.getByLabel('Email address').fill('ada@example.com');
  await press(page, 'Continue');

  // Check answers, change one, send.
  assert.match(await heading(page), /Check your answers/);
  await check('check answers');
  await follow(page, /Change\s+how deep is the pothole\?/i);
  await page.getByLabel('4cm to 10cm').check();
  await press(page, 'Continue');
  assert.match(await heading(page), /Check your answers/);
  const answers = await page.locator('main').innerText();
  for (const text of ['4cm to 10cm', '45', 'Deep hole by the bus stop', 'hole.png', 'ada@example.com']) assert.ok(answers.includes(text), `check page shows ${text}`);
  assert.ok(answers.includes(js ? 'Your device’s location: 51.50100' : '12 High Street'));
  await press(page, 'Send report');

  assert.match(await page.locator('.govuk-panel__title').innerText(), /Report sent/);
  const reference = (await page.locator('#reference').innerText()).trim();
  assert.match(reference, /^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
  await check('confirmation');

  await follow(page, 'Track this report');
  assert.match(await heading(page), new RegExp(`Report ${reference}`));
  assert.equal((await page.locator('main .govuk-tag').innerText()).trim(), 'Reported'); // the pattern's label for open
  assert.match(await page.locator('main').innerText(), /Expected to be dealt with by\s+\d{1,2} \w+ \d{4}/);
  await check('track result');
  return (await requestIdOf(server.store, reference))!;
}

async function trackErrors(page: Page, check: (label: string) => Promise<void>) {
  await page.goto(server.url + '/track');
  await check('track form');
  await page.getByLabel('Track a report').fill('not a number');
  await press(page, 'Find report');
  assert.match(await summary(page), /8 letters and numbers/);
  await check('track, bad reference');
  await page.getByLabel('Track a report').fill(await residentReference(server.store, '987654321'));
  await press(page, 'Find report');
  assert.match(await summary(page), /cannot find a report/);
  await check('track, not found');
}

test('with JavaScript: search, report a pothole with a photo and the device location, check, confirm, track', async () => {
  const context = await browser.newContext({ geolocation: { latitude: 51.501, longitude: -0.1416 }, permissions: ['geolocation'] });
  const page = await context.newPage();
  const problems = watchProblems(page);
  const check = (label: string) => assertAccessible(page, `${label} (JS on)`);
  const reference = await reportPothole(page, check, true);
  await trackErrors(page, check);
  // Refused answers come back as 400 pages and unknown references as 404, which Chromium logs; anything else is a fault.
  assert.deepEqual(problems.filter((p) => !/status of 40[04]/.test(p)), [], 'no CSP refusals or script errors');

  const listed = (await (await fetch(`${server.url}/open311/v2/requests.json`)).json()) as Record<string, unknown>[];
  const request = listed.find((r) => r.service_request_id === reference);
  assert.ok(request, 'the web request is listed by Open311');
  assert.equal(request.service_code, 'pothole');
  assert.equal(request.lat, 51.501);
  assert.match(String(request.media_url), /^http:\/\/127\.0\.0\.1:\d+\/media\/[\w-]+\.png$/);
  await context.close();
});

test('without JavaScript: the same journey, plus a date that is not real', async () => {
  const [context, auditContext] = await Promise.all([browser.newContext({ javaScriptEnabled: false }), browser.newContext()]);
  const [page, audit] = await Promise.all([context.newPage(), auditContext.newPage()]);
  const check = (label: string) => assertAccessible(page, `${label} (JS off)`, audit);
  const reference = await reportPothole(page, check, false);
  const stored = await server.store.requests.get('example', reference);
  assert.equal(stored?.location.address, '12 High Street');
  assert.equal(stored?.location.zipcode, 'AB1 2CD');
  assert.equal(stored?.source, 'web');

  await trackErrors(page, check);

  await page.goto(`${server.url}/report/missed_bin`);
  await page.getByLabel('Recycling (blue bin)').check();
  await press(page, 'Continue');
  await page.getByLabel('Day').fill('31');
  await page.getByLabel('Month').fill('2');
  await page.getByLabel('Year').fill('2026');
  await press(page, 'Continue');
  assert.match(await summary(page), /Collection date must be a real date/);
  assert.equal(await page.getByLabel('Day').inputValue(), '31');
  await check('date question, not a real date');
  await page.getByLabel('Day').fill('');
  await press(page, 'Continue');
  assert.match(await summary(page), /Collection date must be a real date/);
  await page.getByLabel('Day').fill('27');
  await press(page, 'Continue');
  assert.match(await heading(page), /Tell us more/);
  await Promise.all([context.close(), auditContext.close()]);
});

test('every kind of question passes axe, blank and with its error', async () => {
  await server.store.services.upsert({
    jurisdictionId: 'example', code: 'every_control', name: 'Every control', description: 'One question of each kind.', groups: ['Testing'], keywords: [],
    type: 'realtime', active: true, visibility: 'public',
    attributes: [
      { code: 'line', datatype: 'string', required: true, variable: true, order: 1, description: 'One line of text' },
      { code: 'story', datatype: 'text', required: true, variable: true, order: 2, description: 'What happened?', answerType: 'long_text', hint: 'A sentence or two.' },
      { code: 'count', datatype: 'number', required: true, variable: true, order: 3, description: 'How many?' },
      { code: 'day', datatype: 'datetime', required: true, variable: true, order: 4, description: 'Which day?' },
      { code: 'moment', datatype: 'datetime', required: true, variable: true, order: 5, description: 'When exactly?', answerType: 'datetime' },
      { code: 'one', datatype: 'singlevaluelist', required: true, variable: true, order: 6, description: 'Pick one', values: [{ key: 'a', name: 'A' }, { key: 'b', name: 'B' }] },
      { code: 'some', datatype: 'multivaluelist', required: true, variable: true, order: 7, description: 'Pick some', values: [{ key: 'x', name: 'X' }, { key: 'y', name: 'Y' }] },
      { code: 'listed', datatype: 'singlevaluelist', required: true, variable: true, order: 8, description: 'Choose from the list', answerType: 'select', values: [{ key: 'p', name: 'P' }, { key: 'q', name: 'Q' }] },
    ],
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  for (const code of ['line', 'story', 'count', 'day', 'moment', 'one', 'some', 'listed']) {
    await page.goto(`${server.url}/report/every_control/question/${code}`);
    await assertAccessible(page, `${code} question`);
    await press(page, 'Continue');
    assert.ok(await page.locator('.govuk-error-summary').isVisible(), `${code}: an empty answer is refused`);
    await assertAccessible(page, `${code} question, refused`);
  }
  await context.close();
});

test('a double click on "Send report", and another click while the reply is slow, send one report; the pages changed this round pass axe', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const check = (label: string) => assertAccessible(page, label);
  const address = `${Date.now()} Bridge Street`;
  await page.goto(`${server.url}/report/graffiti`);
  await page.getByLabel('No', { exact: true }).check();
  await press(page, 'Continue');
  await press(page, 'Continue'); // surface (optional)
  await press(page, 'Continue'); // details
  await press(page, 'Continue'); // photo
  await page.getByLabel('Address or description of the place').fill(address);
  await press(page, 'Continue');
  await page.getByLabel('First name').fill('x'.repeat(101));
  await press(page, 'Continue');
  assert.match(await summary(page), /First name must be 100 characters or fewer/);
  await check('contact, name too long');
  await page.getByLabel('First name').fill('Ada');
  await press(page, 'Continue');

  // A slow reply: every send reaches the server at once, its answer reaches the page 1.5 s later,
  // so the resident can click again after govuk-frontend's one-second double-click guard.
  let sends = 0;
  await page.route('**/report/graffiti/check', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    sends++;
    const response = await route.fetch({ maxRedirects: 0 });
    await new Promise((r) => setTimeout(r, 1500));
    await route.fulfill({ response }).catch(() => {}); // a send the browser gave up on for the next one
  });
  // The mouse, not a locator: a locator waits for the pending send to finish before it clicks again.
  const button = page.getByRole('button', { name: 'Send report' });
  await button.scrollIntoViewIfNeeded();
  const box = (await button.boundingBox())!;
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.dblclick(x, y);
  await page.waitForTimeout(1100);
  await page.mouse.click(x, y); // the earlier send's navigation is abandoned for this one
  // Waiting may meet the abandoned navigation first (ERR_ABORTED, as expected here): then wait for the one that follows.
  const confirmation = /\/report\/graffiti\/confirmation$/;
  await page.waitForURL(confirmation).catch(async (err: Error) => {
    if (!/ERR_ABORTED|frame was detached/.test(err.message)) throw err;
    await page.waitForURL(confirmation);
  });
  await page.locator('#reference').waitFor();
  const reference = (await page.locator('#reference').innerText()).trim();
  const id = (await requestIdOf(server.store, reference))!;
  assert.ok(sends >= 2, `the server was sent the report more than once (${sends})`);
  const listed = (await (await fetch(`${server.url}/open311/v2/requests.json?service_code=graffiti`)).json()) as Record<string, unknown>[];
  assert.deepEqual(listed.filter((r) => r.address === address).map((r) => r.service_request_id), [id], 'one request, the one shown');
  await check('confirmation after repeated sends');

  await follow(page, 'feedback');
  assert.match(await heading(page), /Give feedback on this service/);
  await check('feedback');

  // A closed report: no expected date.
  await server.store.requests.addUpdate({ requestId: id, jurisdictionId: 'example', status: 'fixed', description: 'Cleaned off.', mediaUrls: [], authorKind: 'staff', contact: {} });
  await page.goto(`${server.url}/track?reference=${reference}`);
  assert.doesNotMatch(await page.locator('main').innerText(), /Expected to be dealt with by/);
  await check('track result, fixed');
  await context.close();
});
