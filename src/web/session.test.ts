import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { demoApp } from '../../test/support/app.ts';
import { errorSummary, webClient } from '../../test/support/web.ts';

const ctx = await demoApp();
after(() => ctx.close());

const rows = async () => Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM web_sessions`.execute(ctx.store.db)).rows[0].n);
const sessionCookie = (res: { headers: Record<string, unknown> }) => {
  const set = res.headers['set-cookie'];
  return [set].flat().map(String).find((c) => c.startsWith('pipework_session='))?.split(';')[0];
};

test('reading pages, even forms, writes no session row; the first answer does', async () => {
  const before = await rows();
  for (const url of ['/', '/search?q=pothole', '/track', '/track?reference=1', '/accessibility', '/report/pothole']) {
    const res = await ctx.app.inject({ url, headers: { accept: 'text/html' } });
    assert.equal(sessionCookie(res), undefined, `${url} sets no cookie`);
  }
  const web = webClient(ctx.app);
  const form = await web.get('/report/pothole/question/depth');
  assert.ok(sessionCookie(form), 'a form page gives a cookie, for its CSRF token');
  await web.get('/report/pothole/question/width_cm');
  assert.equal(await rows(), before, 'no row for pages read and forms not sent');

  const formCookie = web.cookie;
  const sent = await web.post('/report/pothole/question/depth', { answer: 'deep' });
  assert.equal(sent.statusCode, 303);
  assert.equal(await rows(), before + 1, 'the answer is kept');
  assert.notEqual(web.cookie, formCookie, 'the kept session has a fresh id');
  assert.match((await web.get('/report/pothole/question/depth')).body, /value="deep" checked/);
});

test('an id planted in the cookie is never the id answers are kept under', async () => {
  const planted = 'pipework_session=' + 'A'.repeat(43);
  const web = webClient(ctx.app);
  web.cookie = planted;
  await web.get('/report/graffiti/question/offensive');
  assert.equal((await web.post('/report/graffiti/question/offensive', { answer: 'no' })).statusCode, 303);
  assert.notEqual(web.cookie, planted);
  const attacker = webClient(ctx.app);
  attacker.cookie = planted;
  assert.doesNotMatch((await attacker.get('/report/graffiti/question/offensive')).body, /value="no" checked/);
});

test('a CSRF token only works with the session it was given to', async () => {
  const a = webClient(ctx.app);
  await a.get('/report/graffiti/question/offensive');
  const token = /name="_csrf" value="([^"]+)"/.exec((await a.get('/report/graffiti/question/offensive')).body)![1];
  const b = webClient(ctx.app);
  await b.get('/report/graffiti/question/offensive');
  assert.equal((await b.post('/report/graffiti/question/offensive', { answer: 'no', _csrf: token })).statusCode, 403);
  const none = webClient(ctx.app);
  assert.equal((await none.post('/report/graffiti/question/offensive', { answer: 'no', _csrf: token })).statusCode, 403);
  assert.equal((await a.post('/report/graffiti/question/offensive', { answer: 'no', _csrf: token })).statusCode, 303);
});

test('a draft never holds more than the final send accepts: each page refuses an over-long answer and keeps nothing', async () => {
  const web = webClient(ctx.app);
  await web.get('/report/graffiti/question/offensive');
  await web.post('/report/graffiti/question/offensive', { answer: 'no' }); // a row to look into
  const draftOf = async () => {
    const id = web.cookie.split('=')[1];
    return ((await ctx.store.webSessions.get(id))?.data.drafts as Record<string, Record<string, unknown>>).graffiti;
  };
  const cases: [string, Record<string, string>, string, string][] = [
    ['details', { description: 'x'.repeat(4001) }, '#description', 'Your answer must be 4000 characters or fewer'],
    ['location', { address: 'x'.repeat(501), postcode: '', lat: '', long: '' }, '#address', 'Address or description of the place must be 500 characters or fewer'],
    ['location', { address: 'Somewhere', postcode: 'X'.repeat(11), lat: '', long: '' }, '#postcode', 'Postcode must be 10 characters or fewer'],
    ['contact', { firstName: 'x'.repeat(101), lastName: '', email: '', phone: '' }, '#firstName', 'First name must be 100 characters or fewer'],
    ['contact', { firstName: '', lastName: 'x'.repeat(101), email: '', phone: '' }, '#lastName', 'Last name must be 100 characters or fewer'],
    ['contact', { firstName: '', lastName: '', email: `${'x'.repeat(250)}@example.com`, phone: '' }, '#email', 'Email address must be 254 characters or fewer'],
    ['contact', { firstName: '', lastName: '', email: '', phone: '0'.repeat(31) }, '#phone', 'Phone number must be 30 characters or fewer'],
  ];
  for (const [step, body, href, text] of cases) {
    await web.get(`/report/graffiti/${step}`);
    const res = await web.post(`/report/graffiti/${step}`, body);
    assert.equal(res.statusCode, 400, `${step} ${href}`);
    assert.deepEqual(errorSummary(res.body), [{ href, text }]);
  }
  const draft = await draftOf();
  for (const field of ['description', 'address', 'postcode', 'firstName', 'lastName', 'email', 'phone']) assert.equal(draft[field], undefined, `${field} not kept`);

  // At the limit is accepted, and the same answers then pass the final send.
  await web.get('/report/graffiti/details');
  assert.equal((await web.post('/report/graffiti/details', { description: 'd'.repeat(4000) })).statusCode, 303);
  await web.get('/report/graffiti/location');
  assert.equal((await web.post('/report/graffiti/location', { address: 'a'.repeat(500), postcode: 'P'.repeat(10), lat: '', long: '' })).statusCode, 303);
  await web.get('/report/graffiti/contact');
  const contact = { firstName: 'f'.repeat(100), lastName: 'l'.repeat(100), email: `${'e'.repeat(242)}@example.com`, phone: '1'.repeat(30) };
  assert.equal((await web.post('/report/graffiti/contact', contact)).statusCode, 303);
  await web.get('/report/graffiti/check');
  assert.equal((await web.post('/report/graffiti/check', {})).statusCode, 303);
});
