import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../test/support/app.ts';
import { webClient, errorSummary } from '../../test/support/web.ts';
import { validatePattern } from '../patterns/validate.ts';
import { starterPattern } from '../patterns/library.ts';

const ctx = await demoApp();
after(() => ctx.close());

/** The visible text of a page with every part marked lang="en" taken out: what must be Welsh. */
const welshOnly = (html: string) =>
  html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<span lang="en">[\s\S]*?<\/span>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

test('the pothole journey in Welsh: the pattern’s Welsh questions, hints, answers, errors, notice and status, and no English left', async () => {
  const web = webClient(ctx.app);
  const start = await web.get('/?lang=cy');
  assert.match(start.body, /<html lang="cy"/);
  assert.match(start.body, />Twll yn y ffordd<\/a>/);
  assert.match(start.body, /<h3 class="govuk-heading-m">Ffyrdd a phalmentydd<\/h3>/);

  const question = await web.get('/report/pothole/question/depth');
  assert.match(question.body, /Pa mor ddwfn yw’r twll\?/);
  assert.match(question.body, /Mae dyfnder o 4cm tua uchder bocs matsis\./);
  for (const option of ['Llai na 4cm', '4cm i 10cm', 'Mwy na 10cm']) assert.ok(question.body.includes(option), option);
  const refused = await web.post('/report/pothole/question/depth', {});
  assert.equal(refused.statusCode, 400);
  assert.deepEqual(errorSummary(refused.body), [{ href: '#answer', text: 'Dewiswch pa mor ddwfn yw’r twll' }]);
  const notNumber = await web.post('/report/pothole/question/width_cm', { answer: 'llydan' });
  assert.deepEqual(errorSummary(notNumber.body), [{ href: '#answer', text: 'Rhaid i’r lled fod yn rhif, fel 30' }]);

  await web.post('/report/pothole/question/depth', { answer: 'deep' });
  await web.post('/report/pothole/question/width_cm', { answer: '40' });
  await web.post('/report/pothole/question/position', { answer: 'junction' });
  await web.post('/report/pothole/details', { description: 'Twll dwfn wrth yr arhosfan bws' });
  await web.post('/report/pothole/location', { address: '12 Stryd Fawr', postcode: '', lat: '', long: '' });
  await web.post('/report/pothole/contact', {});
  const check = await web.get('/report/pothole/check');
  for (const text of ['Pa mor ddwfn yw’r twll?', 'Mwy na 10cm', 'Wrth gyffordd']) assert.ok(check.body.includes(text), `check page shows ${text}`);

  const pages = [start, question, refused, check];
  const sent = await web.post('/report/pothole/check', {});
  const confirmation = await web.get(sent.headers.location as string);
  assert.match(confirmation.body, /Rydym yn archwilio tyllau yn y ffordd o fewn 5 diwrnod gwaith/);
  const reference = /id="reference">([^<]+)</.exec(confirmation.body)![1];
  const track = await web.get(`/track?reference=${reference}`);
  assert.match(track.body, /govuk-tag--blue[^>]*>\s*Wedi dod i law/);
  assert.match(track.body, /Twll yn y ffordd/);
  pages.push(confirmation, track);

  // English that must not be on these Welsh pages, unless marked lang="en".
  const english = ['Pothole', 'How deep is the pothole', 'Less than 4cm', 'More than 10cm', 'At a junction', 'matchbox', 'We inspect reported potholes', 'Roads and pavements', 'Reported'];
  for (const page of pages) {
    const text = welshOnly(page.body).replace(/Twll yn y ffordd|Adrodd/g, '');
    for (const e of english) assert.ok(!text.includes(e), `"${e}" is not left in English on ${page.raw.req.url}`);
  }
});

test('a question with no Welsh yet is shown in English, marked lang="en"', async () => {
  const web = webClient(ctx.app);
  await web.get('/?lang=cy');
  const page = await web.get('/report/abandoned_vehicle/question/make_model');
  assert.match(page.body, /<span lang="en">Make, model and colour<\/span>/);
  assert.match(page.body, /<span lang="en">For example, blue Ford Fiesta\.<\/span>/);
  assert.match(page.body, /Cerbyd wedi’i adael/, 'the service name is Welsh');
  // Its English error message is not used on a Welsh page: the catalogue's Welsh one is.
  const refused = await web.post('/report/abandoned_vehicle/question/make_model', { answer: '' });
  assert.equal(refused.statusCode, 400);
  assert.doesNotMatch(errorSummary(refused.body)[0].text, /Enter the make/);
  const options = await web.get('/report/abandoned_vehicle/question/how_long');
  assert.match(options.body, /<span lang="en">Less than a week<\/span>/);
});

test('the same pages in English are unchanged', async () => {
  const web = webClient(ctx.app);
  const question = await web.get('/report/pothole/question/depth');
  assert.match(question.body, /How deep is the pothole\?/);
  assert.doesNotMatch(question.body, /lang="en"><|Pa mor ddwfn/);
});

test('a pattern’s Welsh must name its own groups, statuses, questions and answer keys', async () => {
  const pothole = structuredClone((await starterPattern('pothole'))!);
  assert.deepEqual(validatePattern(pothole).problems, []);
  pothole.cy = {
    groups: ['Un', 'Dau'],
    status_labels: { for_triage: 'Brysbennu' },
    questions: { colour: { description: 'Lliw?' }, depth: { values: { huge: 'Enfawr' } } },
  };
  assert.deepEqual(validatePattern(pothole).problems.map((p) => p.path).sort(), ['cy.groups', 'cy.questions.colour', 'cy.questions.depth.values.huge', 'cy.status_labels.for_triage']);
});
