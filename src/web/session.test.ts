import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { demoApp } from '../../test/support/app.ts';
import { webClient } from '../../test/support/web.ts';

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
