import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { demoApp } from '../../test/support/app.ts';
import { webClient } from '../../test/support/web.ts';

const PROBLEM = 'Sorry, there is a problem with the service';

function assertProblemPage(res: { statusCode: number; headers: Record<string, unknown>; body: string }, label: string) {
  assert.ok(res.statusCode === 500 || res.statusCode === 503, `${label}: status ${res.statusCode}`);
  assert.match(String(res.headers['content-type']), /^text\/html/, `${label}: an HTML page, not JSON`);
  assert.ok(res.body.includes(PROBLEM), `${label}: says "${PROBLEM}"`);
  assert.ok(res.body.includes('govuk-template'), `${label}: a GOV.UK page`);
  assert.doesNotMatch(res.body, /"error":|at \w+ \(|database|sqlite|pool/i, `${label}: no detail leaks`);
}

test('with the database gone, every web page is the GOV.UK problem page, never raw JSON', async () => {
  const ctx = await demoApp();
  const apps = [ctx.app];
  try {
    const resident = webClient(ctx.app);
    await resident.get('/report/graffiti/question/offensive');
    await resident.post('/report/graffiti/question/offensive', { answer: 'no' });
    await resident.get('/report/graffiti/check');
    // A second server on the same database, that has read nothing yet (no council name cached).
    const { buildApp } = await import('../app.ts');
    const cold = await buildApp(ctx.config, { store: ctx.store });
    apps.push(cold);
    const cookie = resident.cookie;
    await ctx.store.close(); // the database is closed (and, on PostgreSQL, dropped) under the running servers

    const stranger = webClient(cold);
    const again = webClient(cold);
    again.cookie = cookie;
    for (const url of ['/', '/search?q=pothole', '/report/pothole/question/depth', '/track?reference=1', '/report/pothole/check']) {
      assertProblemPage(await stranger.get(url), `GET ${url} without a session, cold server`);
      assertProblemPage(await again.get(url), `GET ${url} with a session, cold server`);
    }
    for (const url of ['/', '/search?q=pothole', '/report/pothole/question/depth', '/track?reference=1', '/report/pothole/check']) {
      assertProblemPage(await webClient(ctx.app).get(url), `GET ${url} without a session`);
      assertProblemPage(await resident.get(url), `GET ${url} with a session`);
    }
    assertProblemPage(await resident.post('/report/graffiti/check', {}), 'POST send report');
    assertProblemPage(await resident.post('/report/graffiti/question/offensive', { answer: 'yes' }), 'POST an answer');
    const welsh = await resident.get('/?lang=cy');
    assert.ok(welsh.statusCode >= 500 && /govuk-template/.test(welsh.body));
  } finally {
    for (const app of apps) await app.close();
  }
});

test('an answer that cannot be saved (session table refuses writes) gets the problem page, not a redirect', async () => {
  const ctx = await demoApp();
  try {
    const web = webClient(ctx.app);
    await web.get('/report/graffiti/question/offensive');
    if (ctx.store.url.startsWith('postgres')) {
      await sql`CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'unwritable'; END $$ LANGUAGE plpgsql`.execute(ctx.store.db);
      await sql`CREATE TRIGGER refuse_sessions BEFORE INSERT OR UPDATE ON web_sessions FOR EACH ROW EXECUTE FUNCTION refuse()`.execute(ctx.store.db);
    } else {
      await sql`CREATE TRIGGER refuse_sessions BEFORE INSERT ON web_sessions BEGIN SELECT RAISE(ABORT, 'unwritable'); END`.execute(ctx.store.db);
    }
    const res = await web.post('/report/graffiti/question/offensive', { answer: 'no' });
    assertProblemPage(res, 'POST an answer');
    assert.equal(res.headers.location, undefined, 'not sent on as if the answer were kept');
    assert.match(res.body, /could not be saved/);
  } finally {
    await ctx.close();
  }
});
