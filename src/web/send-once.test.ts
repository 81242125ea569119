import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { demoApp } from '../../test/support/app.ts';
import { webClient, requestIdOf } from '../../test/support/web.ts';

const ctx = await demoApp({ webSubmitLimitPerMinute: 1000 });
after(() => ctx.close());

/** A graffiti report filled in up to "Check your answers", with a description unique to this run. */
async function readyToSend() {
  const web = webClient(ctx.app);
  const marker = `Tag on the bridge ${randomUUID()}`;
  await web.get('/report/graffiti/question/offensive');
  await web.post('/report/graffiti/question/offensive', { answer: 'no' });
  await web.get('/report/graffiti/details');
  await web.post('/report/graffiti/details', { description: marker });
  await web.get('/report/graffiti/location');
  await web.post('/report/graffiti/location', { address: '1 Bridge Street', postcode: '', lat: '', long: '' });
  await web.get('/report/graffiti/check');
  return { web, marker };
}

// The request id behind the resident reference the confirmation shows.
const referenceOn = async (web: ReturnType<typeof webClient>, location: string) => {
  const shown = /id="reference">([2-9A-Z]{4}-[2-9A-Z]{4})</.exec((await web.get(location)).body)?.[1];
  return shown && requestIdOf(ctx.store, shown);
};

async function requestsWith(description: string) {
  const list = (await ctx.app.inject({ url: '/open311/v2/requests.json?service_code=graffiti' })).json() as { description?: string; service_request_id: string }[];
  return list.filter((r) => r.description === description).map((r) => r.service_request_id);
}

test('two sends of one draft at the same moment make one request, and both show its reference', async () => {
  const { web, marker } = await readyToSend();
  const sends = await Promise.all([web.post('/report/graffiti/check', {}), web.post('/report/graffiti/check', {})]);
  for (const s of sends) {
    assert.equal(s.statusCode, 303, s.body.slice(0, 300));
    assert.equal(s.headers.location, '/report/graffiti/confirmation');
  }
  const ids = await requestsWith(marker);
  assert.equal(ids.length, 1, `one request, got ${ids.join(', ')}`);
  assert.equal(await referenceOn(web, '/report/graffiti/confirmation'), ids[0]);
});

test('a second send after the first has finished (another tab) shows the same confirmation', async () => {
  const { web, marker } = await readyToSend();
  const first = await web.post('/report/graffiti/check', {});
  assert.equal(first.statusCode, 303);
  const reference = await referenceOn(web, first.headers.location as string);
  const again = await web.post('/report/graffiti/check', {});
  assert.equal(again.statusCode, 303);
  assert.equal(await referenceOn(web, again.headers.location as string), reference);
  assert.deepEqual(await requestsWith(marker), [reference]);
  // Back to the check page after sending: the confirmation, not an empty form.
  assert.equal((await web.get('/report/graffiti/check')).headers.location, '/report/graffiti/confirmation');
});

test('twenty concurrent sends of one draft still make one request', async () => {
  const { web, marker } = await readyToSend();
  const sends = await Promise.all(Array.from({ length: 20 }, () => web.post('/report/graffiti/check', {})));
  assert.deepEqual([...new Set(sends.map((s) => s.statusCode))], [303]);
  assert.equal((await requestsWith(marker)).length, 1);
});

test('a new report of the same kind after sending is a new request with a new reference', async () => {
  const { web, marker } = await readyToSend();
  const first = await referenceOn(web, (await web.post('/report/graffiti/check', {})).headers.location as string);
  await web.get('/report/graffiti/question/offensive');
  await web.post('/report/graffiti/question/offensive', { answer: 'no' });
  await web.get('/report/graffiti/details');
  await web.post('/report/graffiti/details', { description: marker });
  await web.get('/report/graffiti/location');
  await web.post('/report/graffiti/location', { address: '1 Bridge Street', postcode: '', lat: '', long: '' });
  await web.get('/report/graffiti/check');
  const second = await referenceOn(web, (await web.post('/report/graffiti/check', {})).headers.location as string);
  assert.ok(first && second && first !== second);
  assert.equal((await requestsWith(marker)).length, 2);
});
