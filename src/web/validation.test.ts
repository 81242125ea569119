import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp } from '../../test/support/app.ts';
import { webClient, errorSummary, PNG } from '../../test/support/web.ts';
import type { Service } from '../core/services/service.ts';

// A service with one question of each Open311 datatype and no pattern wording, so the web's own messages show.
const ctx = await demoApp({ mediaLimitBytes: 4096 });
after(() => ctx.close());
const plain: Service = {
  jurisdictionId: 'example', code: 'every_type', name: 'Every type', description: 'One question of each datatype.', groups: ['Testing'], keywords: [],
  type: 'realtime', active: true, visibility: 'public',
  attributes: [
    { code: 'word', datatype: 'string', required: true, variable: true, order: 1, description: 'One line' },
    { code: 'count', datatype: 'number', required: true, variable: true, order: 2, description: 'How many?' },
    { code: 'when', datatype: 'datetime', required: true, variable: true, order: 3, description: 'When?' },
    { code: 'story', datatype: 'text', required: true, variable: true, order: 4, description: 'What happened?' },
    { code: 'one', datatype: 'singlevaluelist', required: true, variable: true, order: 5, description: 'Pick one', values: [{ key: 'a', name: 'A' }, { key: 'b', name: 'B' }] },
    { code: 'many', datatype: 'multivaluelist', required: true, variable: true, order: 6, description: 'Pick some', values: [{ key: 'x', name: 'X' }, { key: 'y', name: 'Y' }] },
  ],
};
await ctx.store.services.upsert(plain);

/** Posts `pairs` to a question and returns its error summary and status. */
async function answer(code: string, pairs: [string, string][]) {
  const web = webClient(ctx.app);
  await web.get(`/report/every_type/question/${code}`);
  const res = await web.post(`/report/every_type/question/${code}`, pairs);
  return { status: res.statusCode, errors: errorSummary(res.body), body: res.body, location: res.headers.location };
}

test('a missing required answer gets a message that fits the question', async () => {
  const cases: [string, [string, string][], string, string][] = [
    ['word', [['answer', ' ']], '#answer', 'Enter an answer'],
    ['count', [['answer', '']], '#answer', 'Enter a number'],
    ['when', [['answer-day', ''], ['answer-month', ''], ['answer-year', '']], '#answer-day', 'Enter a date'],
    ['story', [['answer', '']], '#answer', 'Enter an answer'],
    ['one', [], '#answer', 'Select an answer'],
    ['many', [], '#answer', 'Select at least one answer'],
  ];
  for (const [code, pairs, href, text] of cases) {
    const r = await answer(code, pairs);
    assert.equal(r.status, 400, code);
    assert.deepEqual(r.errors, [{ href, text }], code);
    assert.match(r.body, new RegExp(`<p id="answer-error" class="govuk-error-message">\\s*<span class="govuk-visually-hidden">Error:</span> ${text}`), `${code}: message by the field`);
  }
});

test('an answer in the wrong form is refused, said plainly, and kept on the page', async () => {
  const notNumber = await answer('count', [['answer', 'lots']]);
  assert.deepEqual(notNumber.errors, [{ href: '#answer', text: 'Enter a number, like 30' }]);
  assert.match(notNumber.body, /value="lots"/);

  const notReal = await answer('when', [['answer-day', '31'], ['answer-month', '2'], ['answer-year', '2026']]);
  assert.deepEqual(notReal.errors, [{ href: '#answer-day', text: 'The date must be a real date' }]);
  assert.match(notReal.body, /name="answer-day" type="text" value="31"/);

  const partial = await answer('when', [['answer-day', ''], ['answer-month', '2'], ['answer-year', '2026']]);
  assert.deepEqual(partial.errors, [{ href: '#answer-day', text: 'The date must include a day' }]);
  const letters = await answer('when', [['answer-day', 'x'], ['answer-month', '2'], ['answer-year', '2026']]);
  assert.deepEqual(letters.errors, [{ href: '#answer-day', text: 'The date must be a real date' }]);

  const twoLines = await answer('word', [['answer', 'one\ntwo']]);
  assert.deepEqual(twoLines.errors, [{ href: '#answer', text: 'Your answer must be on one line' }]);
  const tampered = await answer('one', [['answer', 'zzz']]);
  assert.deepEqual(tampered.errors, [{ href: '#answer', text: 'Select one of the options shown' }]);
  const long = await answer('story', [['answer', 'x'.repeat(4001)]]);
  assert.deepEqual(long.errors, [{ href: '#answer', text: 'Your answer must be 4000 characters or fewer' }]);

  const good = await answer('when', [['answer-day', '1'], ['answer-month', '3'], ['answer-year', '2026']]);
  assert.equal(good.status, 303);
  assert.equal(good.location, '/report/every_type/question/story');
});

test('a pattern’s own messages are used when the service has them', async () => {
  const r = await (async () => {
    const web = webClient(ctx.app);
    await web.get('/report/pothole/question/width_cm');
    return web.post('/report/pothole/question/width_cm', { answer: 'wide' });
  })();
  const pothole = await ctx.store.services.get('example', 'pothole');
  const expected = pothole!.attributes.find((a) => a.code === 'width_cm')!.errorMessages?.invalid ?? 'Enter a number, like 30';
  assert.deepEqual(errorSummary(r.body), [{ href: '#answer', text: expected }]);
});

test('photos: too big or not an image is refused with a message; a real image is kept', async () => {
  const web = webClient(ctx.app);
  await web.get('/report/every_type/photo');
  const big = await web.upload('/report/every_type/photo', 'photo', 'big.jpg', Buffer.concat([PNG, Buffer.alloc(5000)]));
  assert.equal(big.statusCode, 400);
  assert.deepEqual(errorSummary(big.body), [{ href: '#photo', text: 'The selected file must be smaller than 4KB' }]);
  const text = await web.upload('/report/every_type/photo', 'photo', 'fake.png', Buffer.from('%PDF-1.4 not an image'));
  assert.deepEqual(errorSummary(text.body), [{ href: '#photo', text: 'The selected file must be a JPG, PNG, GIF or WebP image' }]);
  const ok = await web.upload('/report/every_type/photo', 'photo', 'ok.png', PNG);
  assert.equal(ok.statusCode, 303);
  const page = await web.get('/report/every_type/photo');
  const src = /<img src="(\/media\/[\w-]+\.png)"/.exec(page.body)?.[1];
  assert.ok(src, 'the photo is shown back');
  const media = await ctx.app.inject({ url: src });
  assert.equal(media.headers['content-type'], 'image/png');
  // And can be removed again.
  const removed = await web.post('/report/every_type/photo', { remove: src });
  assert.equal(removed.statusCode, 303);
  assert.doesNotMatch((await web.get('/report/every_type/photo')).body, /<img src="\/media/);
});

test('location and contact: nothing given, a tampered position, a malformed email', async () => {
  const web = webClient(ctx.app);
  await web.get('/report/every_type/location');
  const none = await web.post('/report/every_type/location', { address: '', postcode: 'AB1 2CD', lat: '', long: '' });
  assert.deepEqual(errorSummary(none.body), [{ href: '#address', text: 'Enter the address or describe where the problem is' }]);
  assert.match(none.body, /value="AB1 2CD"/);
  const tampered = await web.post('/report/every_type/location', { address: '', lat: '999', long: '0' });
  assert.deepEqual(errorSummary(tampered.body), [{ href: '#address', text: 'We could not use your device’s location. Enter the address or describe where the problem is' }]);
  await web.get('/report/every_type/contact');
  const email = await web.post('/report/every_type/contact', { firstName: 'Ada', lastName: '', email: 'ada@', phone: '' });
  assert.deepEqual(errorSummary(email.body), [{ href: '#email', text: 'Enter an email address in the correct format, like name@example.com' }]);
  assert.match(email.body, /value="Ada"/);
});

test('Welsh error messages come from the Welsh catalogue', async () => {
  const web = webClient(ctx.app);
  await web.get('/report/every_type/question/count?lang=cy');
  const res = await web.post('/report/every_type/question/count', { answer: 'llawer' });
  assert.deepEqual(errorSummary(res.body), [{ href: '#answer', text: 'Rhowch rif, fel 30' }]);
  assert.match(res.body, /Mae problem wedi codi/);
  assert.match(res.body, /<title>Gwall:/);
});
