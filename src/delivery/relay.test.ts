import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { relayWorld, until, SECRET } from '../../test/support/delivery-world.ts';
import { webhookPeer } from '../../test/support/backends/webhook-peer.ts';
import { METRICS_TOKEN } from '../../test/support/db.ts';
import { recordUpdate } from '../core/requests/record-update.ts';

type World = Awaited<ReturnType<typeof relayWorld>>;
let w: World;
let peer: Awaited<ReturnType<typeof webhookPeer>>;
before(async () => {
  w = await relayWorld();
  peer = await webhookPeer({ secret: SECRET });
  await w.webhook('hook', peer.url);
  await w.route('pothole', 'hook');
});
after(async () => {
  await w.close();
  await peer.close();
});

const delivered = async (requestId: string) => (await w.store.deliveries.forRequest(requestId)).every((d) => d.state === 'delivered');

test('the outbox job is written with the request, before any relay runs', async () => {
  const req = await w.submit();
  const jobs = await w.store.deliveries.forRequest(req.id);
  assert.equal(jobs.length, 1);
  assert.deepEqual([jobs[0].backend, jobs[0].role, jobs[0].kind, jobs[0].state], ['hook', 'primary', 'request', 'pending']);
  assert.match(jobs[0].idempotencyKey, /^[0-9a-f-]{36}$/);
});

test('a back-end that refuses the first 3 attempts gets the request exactly once, and every attempt is recorded', async () => {
  const refusing = await webhookPeer({ secret: SECRET, refuseFirst: 3 });
  await w.webhook('refusing', refusing.url);
  await w.route('pothole', 'refusing');
  const req = await w.submit();
  w.relay();
  await until(() => delivered(req.id), 10_000, 'delivery');
  const [job] = await w.store.deliveries.forRequest(req.id);
  assert.equal(refusing.cases.size, 1);
  assert.equal(refusing.calls.get(job.idempotencyKey), 1);
  assert.equal(job.externalRef, 'CASE-1');
  const attempts = await w.store.deliveries.attempts(job.id);
  assert.deepEqual(attempts.map((a) => a.outcome), ['failed', 'failed', 'failed', 'delivered']);
  assert.match(attempts[0].error!, /HTTP 503/);
  // Backoff grows between attempts (5, 10, 20 ms ceilings with jitter): never all at once.
  assert.ok(attempts[3].startedAt.getTime() - attempts[0].finishedAt.getTime() >= 5);
  await refusing.close();
  await w.route('pothole', 'hook');
});

test('an unreachable back-end: retried, then dead-lettered with the reason, then retried by an operator', async () => {
  const gone = await webhookPeer({ secret: SECRET });
  await gone.close();
  await w.webhook('gone', gone.url);
  await w.route('pothole', 'gone');
  const req = await w.submit();
  await w.route('pothole', 'hook');
  w.relay();
  await until(async () => (await w.store.deliveries.forRequest(req.id))[0].state === 'dead', 10_000, 'dead letter');
  const [job] = await w.store.deliveries.forRequest(req.id);
  assert.equal(job.attempts, w.config.deliveryMaxAttempts);
  assert.match(job.lastError!, /cannot reach http:\/\/127\.0\.0\.1:\d+/);
  // The request itself is untouched and still there.
  assert.equal((await w.store.requests.get('example', req.id))!.status, 'open');
  // The operator points the back-end somewhere that works, and retries over the admin API.
  await w.webhook('gone', peer.url);
  const res = await w.app.inject({ method: 'POST', url: '/admin/api/deliveries/retry', headers: { authorization: `Bearer ${w.adminKey}` }, payload: { all_failed: true } });
  assert.equal(res.statusCode, 200);
  assert.ok(res.json().retried >= 1);
  await until(() => delivered(req.id), 10_000, 'delivery after retry');
});

test('a back-end that rejects the data (4xx) is dead-lettered at once: retrying cannot help', async () => {
  await w.webhook('wrongsecret', peer.url, { secret: 'not-the-secret-the-peer-has' });
  await w.route('pothole', 'wrongsecret');
  const req = await w.submit();
  await w.route('pothole', 'hook');
  await until(async () => (await w.store.deliveries.forRequest(req.id))[0].state === 'dead', 10_000, 'dead letter');
  const [job] = await w.store.deliveries.forRequest(req.id);
  assert.equal(job.attempts, 1);
  assert.match(job.lastError!, /HTTP 401/);
  // A resident's comment on that request cannot go before the request itself: dead too, saying why.
  await recordUpdate(w.store, { requestId: req.id, jurisdictionId: 'example', status: 'unchanged', description: 'Any news?', mediaUrls: [], authorKind: 'resident', contact: {} });
  await until(async () => (await w.store.deliveries.forRequest(req.id)).some((d) => d.kind === 'update' && d.state === 'dead'), 10_000, 'the update job dead-lettered');
  const update = (await w.store.deliveries.forRequest(req.id)).find((d) => d.kind === 'update')!;
  assert.match(update.lastError!, /the request itself was not delivered/);
});

const inbound = (body: string, headers: Record<string, string>, name = 'hook') =>
  w.app.inject({ method: 'POST', url: `/backends/${name}/updates`, headers, payload: body });

test('status pushed by the back-end moves the request, keeps the raw code, and drops re-sends', async () => {
  const req = await w.submit();
  await until(() => delivered(req.id), 10_000, 'delivery');
  const [job] = await w.store.deliveries.forRequest(req.id);
  const call = peer.statusCall([{ reference: job.externalRef, status: 'DONE', description: 'Filled in', update_id: 'u-1' }]);
  const res = await inbound(call.body, call.headers);
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().results[0].status, 'fixed');
  assert.equal((await w.store.requests.get('example', req.id))!.status, 'fixed');
  const again = await inbound(call.body, call.headers);
  assert.equal(again.json().results[0].duplicate, true);
  const history = (await w.store.requests.history('example', req.id)).filter((u) => u.authorKind === 'backend');
  assert.equal(history.length, 1);
  assert.equal(history[0].externalStatusCode, 'DONE');
});

test('an unknown status code is kept and surfaced, not dropped', async () => {
  const req = await w.submit();
  await until(() => delivered(req.id), 10_000, 'delivery');
  const [job] = await w.store.deliveries.forRequest(req.id);
  const call = peer.statusCall([{ reference: job.externalRef, status: 'AWAITING_CONTRACTOR', update_id: 'u-2' }]);
  const res = await inbound(call.body, call.headers);
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual([res.json().results[0].status, res.json().results[0].known_status], ['unchanged', false]);
  assert.equal((await w.store.requests.get('example', req.id))!.status, 'open');
  const kept = (await w.store.requests.history('example', req.id)).find((u) => u.externalStatusCode === 'AWAITING_CONTRACTOR');
  assert.ok(kept, 'the update is in the history with its raw code');
  const listed = await w.app.inject({ url: '/admin/api/backend-events?unknown=true', headers: { authorization: `Bearer ${w.adminKey}` } });
  assert.ok(listed.json().events.some((e: { external_code: string }) => e.external_code === 'AWAITING_CONTRACTOR'));
});

test('inbound calls with a wrong signature, an unknown reference or a bad body are refused clearly', async () => {
  const forged = peer.statusCall([{ reference: 'CASE-1', status: 'DONE' }], 'a-different-secret-0123456789');
  const bad = await inbound(forged.body, forged.headers);
  assert.equal(bad.statusCode, 401);
  assert.equal(bad.json().error.code, 'SIGNATURE_INVALID');
  const unknown = peer.statusCall([{ reference: 'NO-SUCH-CASE', status: 'DONE' }]);
  const nf = await inbound(unknown.body, unknown.headers);
  assert.equal(nf.statusCode, 404);
  assert.equal(nf.json().error.code, 'BACKEND_REFERENCE_UNKNOWN');
  const noStatus = peer.statusCall([{ reference: 'CASE-1' }]);
  const r400 = await inbound(noStatus.body, noStatus.headers);
  assert.equal(r400.statusCode, 400);
  assert.match(r400.json().error.message, /"status" is required/);
  const nobody = await inbound('{}', { 'content-type': 'application/json' }, 'no-such-backend');
  assert.equal(nobody.statusCode, 404);
});

test("a resident's comment on Open311 is sent on to the back-end that holds the request", async () => {
  const req = await w.submit();
  const res = await w.app.inject({
    method: 'POST',
    url: '/open311/v2/servicerequestupdates.json',
    payload: { api_key: w.clientKey, service_request_id: req.id, update_id: 'fms-1', status: 'OPEN', description: 'Now a tyre has burst here', updated_datetime: new Date().toISOString(), email: 'ada@example.org' },
  });
  assert.equal(res.statusCode, 200, res.body);
  await until(() => peer.updates.some((u) => u.update.description === 'Now a tyre has burst here'), 10_000, 'the comment at the back-end');
  const sent = peer.updates.find((u) => u.update.description === 'Now a tyre has burst here');
  const [job] = await w.store.deliveries.forRequest(req.id);
  assert.equal(sent.reference, job.externalRef);
});

test('admin API: list deliveries with attempts; bad filters are 400s that say what is wrong', async () => {
  const auth = { authorization: `Bearer ${w.adminKey}` };
  const list = await w.app.inject({ url: '/admin/api/deliveries?backend=hook&state=delivered&limit=5', headers: auth });
  assert.equal(list.statusCode, 200);
  const first = list.json().deliveries[0];
  const one = await w.app.inject({ url: `/admin/api/deliveries/${first.id}`, headers: auth });
  assert.ok(one.json().attempts.length >= 1);
  const bad = await w.app.inject({ url: '/admin/api/deliveries?state=lost', headers: auth });
  assert.equal(bad.statusCode, 400);
  assert.equal((await w.app.inject({ url: '/admin/api/deliveries/999999', headers: auth })).statusCode, 404);
  const notDead = await w.app.inject({ method: 'POST', url: `/admin/api/deliveries/${first.id}/retry`, headers: auth });
  assert.equal(notDead.statusCode, 400);
  assert.equal((await w.app.inject({ url: '/admin/api/deliveries' })).statusCode, 403);
});

test('/metrics shows the outbox: dead jobs per back-end (the request and its comment)', async () => {
  const res = await w.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /pipework_deliveries\{state="dead",backend="wrongsecret"\} 2/);
});
