import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp, form, FORM } from '../../../test/support/app.ts';
import { createApiKey } from '../../core/access/api-keys.ts';
import { recordUpdate } from '../../core/requests/record-update.ts';

// Re-sends and races as real clients make them, through the Open311 routes, on whichever dialect DATABASE_URL names.

let env: Awaited<ReturnType<typeof demoApp>>;
let otherKey: string;
before(async () => {
  env = await demoApp();
  otherKey = (await createApiKey(env.store, 'another client')).key;
  const graffiti = (await env.store.services.get('example', 'graffiti'))!;
  // A blackbox service: the spec's answer carries neither id nor token.
  await env.store.services.upsert({ ...graffiti, code: 'graffiti_bb', name: 'Graffiti (blackbox)', type: 'blackbox' });
});
after(() => env.close());

const json = (res: { body: string }) => JSON.parse(res.body);
const post = (url: string, pairs: [string, string][], headers: Record<string, string> = {}) =>
  env.app.inject({ method: 'POST', url: `/open311/v2/${url}`, headers: { ...FORM, ...headers }, payload: form(pairs) });
const graffiti = (key: string, description: string, code = 'graffiti', extra: [string, string][] = []) =>
  post('requests.json', [['api_key', key], ['service_code', code], ['address_string', 'Underpass, Station Road'], ['attribute[offensive]', 'no'], ['description', description], ...extra]);
const stored = async (code: string, description: string) =>
  (await env.store.requests.search({ jurisdictionId: 'example', serviceCodes: [code], page: 1, pageSize: 1000 })).filter((r) => r.description === description);
const newRequest = async () => json(await graffiti(env.key, `request ${Math.random()}`))[0].service_request_id as string;
const comment = (requestId: string, updateId: string, status: string, description = 'Still there') =>
  post('servicerequestupdates.json', [
    ['api_key', env.key], ['service_request_id', requestId], ['update_id', updateId], ['status', status],
    ['updated_datetime', new Date().toISOString()], ['description', description], ['email', 'ada@example.org'],
  ]);

test('one update_id posted 20 times at once: one row, and all 20 answers carry its update_id', async () => {
  const id = await newRequest();
  const answers = await Promise.all(Array.from({ length: 20 }, () => comment(id, 'fms-comment-20', 'OPEN')));
  for (const a of answers) assert.equal(a.statusCode, 200, a.body);
  const ids = answers.map((a) => json(a)[0].update_id);
  assert.equal(new Set(ids).size, 1);
  const history = await env.store.requests.history('example', id);
  assert.deepEqual(history.map((u) => [u.id, u.externalId]), [[ids[0], 'fms-comment-20']]);
});

test("FixMyStreet's OPEN with a comment on a closed case keeps it closed; REOPEN reopens it", async () => {
  const id = await newRequest();
  await recordUpdate(env.store, { requestId: id, jurisdictionId: 'example', status: 'fixed', description: 'Cleaned', mediaUrls: [], authorKind: 'backend', contact: {} });
  assert.equal((await comment(id, 'fms-thanks', 'OPEN', 'Thanks, looks good')).statusCode, 200);
  const status = async () => json(await env.app.inject({ url: `/open311/v2/requests/${id}.json` }))[0].status;
  assert.equal(await status(), 'fixed');
  const [thanks] = (await env.store.requests.history('example', id)).filter((u) => u.externalId === 'fms-thanks');
  assert.deepEqual([thanks.status, thanks.flag], ['unchanged', undefined]);
  assert.equal((await comment(id, 'fms-back', 'REOPEN', 'It is back')).statusCode, 200);
  assert.equal(await status(), 'reopen');
});

test('an Idempotency-Key belongs to its client: the same value from two clients makes two requests', async () => {
  const mine = await post('requests.json', [['api_key', env.key], ['service_code', 'graffiti'], ['address_string', '1 Mill Lane'], ['attribute[offensive]', 'no'], ['description', 'Tag on the bridge']], { 'idempotency-key': 'order-1' });
  const theirs = await post('requests.json', [['api_key', otherKey], ['service_code', 'graffiti'], ['address_string', '9 Far Lane'], ['attribute[offensive]', 'yes'], ['description', 'Slogan on the wall']], { 'idempotency-key': 'order-1' });
  assert.equal(mine.statusCode, 200, mine.body);
  assert.equal(theirs.statusCode, 200, theirs.body);
  assert.notEqual(json(mine)[0].service_request_id, json(theirs)[0].service_request_id);
  const theirRequest = await env.store.requests.get('example', json(theirs)[0].service_request_id);
  assert.equal(theirRequest!.description, 'Slogan on the wall', "client B gets its own request, not client A's");
  // Each client's retry still finds its own first request.
  const retry = await post('requests.json', [['api_key', otherKey], ['service_code', 'graffiti'], ['address_string', '9 Far Lane'], ['attribute[offensive]', 'yes'], ['description', 'Slogan on the wall']], { 'idempotency-key': 'order-1' });
  assert.equal(json(retry)[0].service_request_id, json(theirs)[0].service_request_id);
});

test('a different body under a key already used by the same client is refused with 422, and nothing is stored', async () => {
  const body = (description: string) => post('requests.json', [['api_key', env.key], ['service_code', 'graffiti'], ['address_string', '1 Mill Lane'], ['attribute[offensive]', 'no'], ['description', description]], { 'idempotency-key': 'order-2' });
  const first = await body('First report under order-2');
  assert.equal(first.statusCode, 200, first.body);
  const other = await body('A different report under order-2');
  assert.equal(other.statusCode, 422, other.body);
  assert.match(json(other)[0].description, /Idempotency-Key "order-2" was sent before with a different request/);
  assert.equal((await stored('graffiti', 'A different report under order-2')).length, 0);
  assert.equal((await body('First report under order-2')).statusCode, 200, 'the same body again is still a retry');

  // At the same moment: 5 copies of one body and 5 of another under a fresh key. One body wins; the other's copies are 422.
  const race = (d: string) => post('requests.json', [['api_key', env.key], ['service_code', 'graffiti'], ['address_string', '1 Mill Lane'], ['attribute[offensive]', 'no'], ['description', d]], { 'idempotency-key': 'order-3' });
  const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => race(i % 2 ? 'race body B' : 'race body A')));
  const ok = answers.filter((a) => a.statusCode === 200);
  assert.equal(new Set(ok.map((a) => json(a)[0].service_request_id)).size, 1);
  assert.equal(ok.length, 5, answers.map((a) => a.statusCode).join(','));
  assert.ok(answers.every((a) => a.statusCode === 200 || a.statusCode === 422));
  assert.equal((await stored('graffiti', 'race body A')).length + (await stored('graffiti', 'race body B')).length, 1);
});

test('a blackbox report sent 10 times at once with one fixmystreet_id is one request', async () => {
  const description = 'Blackbox tag under the bridge';
  const answers = await Promise.all(Array.from({ length: 10 }, () => graffiti(env.key, description, 'graffiti_bb', [['attribute[fixmystreet_id]', '90210']])));
  for (const a of answers) {
    assert.equal(a.statusCode, 200, a.body);
    assert.equal(json(a)[0].service_request_id, undefined, 'blackbox answers carry no id');
  }
  assert.equal((await stored('graffiti_bb', description)).length, 1);
  // Sent again later, even with its text edited: still the first request.
  assert.equal((await graffiti(env.key, `${description} (edited)`, 'graffiti_bb', [['attribute[fixmystreet_id]', '90210']])).statusCode, 200);
  assert.equal((await stored('graffiti_bb', `${description} (edited)`)).length, 0);
  // Another report, or another client's report with the same number, is a request of its own.
  await graffiti(env.key, description, 'graffiti_bb', [['attribute[fixmystreet_id]', '90211']]);
  await graffiti(otherKey, description, 'graffiti_bb', [['attribute[fixmystreet_id]', '90210']]);
  assert.equal((await stored('graffiti_bb', description)).length, 3);
});
