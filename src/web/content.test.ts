import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../test/support/app.ts';
import { webClient } from '../../test/support/web.ts';

const ctx = await demoApp();
after(() => ctx.close());
const page = (app: typeof ctx.app, url: string) => app.inject({ url, headers: { accept: 'text/html' } });
const bannerLink = (html: string) => /govuk-phase-banner__text">\s*[^<]*<a class="govuk-link" href="([^"]+)">([^<]+)<\/a>/.exec(html)?.slice(1);

test('the beta banner’s feedback link works: to /feedback, in both languages', async () => {
  for (const url of ['/', '/track', '/report/pothole/question/depth']) {
    assert.deepEqual(bannerLink((await page(ctx.app, url)).body), ['/feedback', 'feedback'], url);
  }
  const feedback = await page(ctx.app, '/feedback');
  assert.equal(feedback.statusCode, 200);
  assert.match(feedback.body, /<h1 class="govuk-heading-l">Give feedback on this service<\/h1>/);
  assert.match(feedback.body, /To tell Example Borough Council what you think/);
  const web = webClient(ctx.app);
  assert.deepEqual(bannerLink((await web.get('/feedback?lang=cy')).body), ['/feedback', 'adborth']);
});

test('with WEB_FEEDBACK_URL set, the banner links to the council’s own page', async () => {
  const own = await demoApp({ webFeedbackUrl: 'https://www.example.gov.uk/contact' });
  try {
    assert.deepEqual(bannerLink((await page(own.app, '/')).body), ['https://www.example.gov.uk/contact', 'feedback']);
  } finally {
    await own.close();
  }
});

test('the confirmation offers to report another problem', async () => {
  const web = webClient(ctx.app);
  await web.get('/report/graffiti/question/offensive');
  await web.post('/report/graffiti/question/offensive', { answer: 'no' });
  await web.get('/report/graffiti/location');
  await web.post('/report/graffiti/location', { address: '2 Bridge Street', postcode: '', lat: '', long: '' });
  await web.get('/report/graffiti/check');
  const sent = await web.post('/report/graffiti/check', {});
  const confirmation = (await web.get(sent.headers.location as string)).body;
  assert.match(confirmation, /<a class="govuk-link" href="\/">Report another problem<\/a>/);
  assert.match(confirmation, /href="\/track\?reference=[2-9A-Z]{4}-[2-9A-Z]{4}">Track this report<\/a>/);
});
