import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeliveryError } from '../port.ts';
import { checkBackend } from '../registry.ts';
import { restBackend, type RestConfig } from './index.ts';
import { sampleJob } from '../../../test/support/backend-contract.ts';
import { PEER_CREDENTIALS, restPeer } from '../../../test/support/backends/rest-peer.ts';
import { peerAuth, simpleConfig } from '../../../test/support/backends/rest.ts';

const failure = (p: Promise<unknown>) =>
  p.then(
    () => assert.fail('expected a DeliveryError'),
    (e: unknown) => {
      assert.ok(e instanceof DeliveryError, `DeliveryError, got ${e}`);
      return e;
    },
  );
const fields = (config: unknown) => checkBackend('rest', config).map((p) => p.field);

test('rest config: a bad JSONata expression or template is refused at save time, naming the field', () => {
  const good = simpleConfig('http://127.0.0.1:9/v1/', { type: 'none' });
  assert.deepEqual(checkBackend('rest', good), []);
  const badBody = { ...good, create: { ...good.create, body: "{ 'title': request.service_name, " } };
  const [p] = checkBackend('rest', badBody);
  assert.equal(p.field, 'config.create.body');
  assert.match(p.message, /^config\.create\.body is not a JSONata expression: .+ \(at character \d+\)$/);
  assert.deepEqual(fields({ ...good, comment: { ...good.comment!, path: 'cases/{reference/notes' } }), ['config.comment.path']);
  assert.deepEqual(fields({ ...good, pull: { ...good.pull!, path: 'cases/{(}' } }), ['config.pull.path']);
  assert.deepEqual(fields({ ...good, pull: { ...good.pull!, reports: ['{', "'code': ", '}'] } }), ['config.pull.reports']);
  assert.deepEqual(fields({ ...good, create: { ...good.create, headers: { 'X-Ref': '{request.(}' } } }), ['config.create.headers.X-Ref']);
  assert.deepEqual(fields({ ...good, auth: { type: 'oauth2', url: 'http://127.0.0.1:9/t', clientId: 'a', clientSecret: 'b', read: '$base64decode(' } }), ['config.auth.read']);
  assert.deepEqual(fields({ ...good, pull: { ...good.pull!, mode: 'feed' } }), ['config.pull.path']);
  // Schema faults come first, field by field.
  const { create: _, ...noCreate } = good;
  assert.ok(fields(noCreate).includes('config.create'));
  assert.ok(fields({ ...good, create: { ...good.create, method: 'FETCH' } }).includes('config.create.method'));
  assert.ok(fields({ ...good, surprise: true }).some((f) => f.startsWith('config')));
  assert.ok(fields({ ...good, auth: { type: 'header' } }).some((f) => f.startsWith('config.auth')));
  assert.ok(fields({ ...good, statusMap: { DONE: 'finished' } }).includes('config.statusMap.DONE'));
});

test('rest OAuth2: one token serves many calls; a 401 renews it once and the call goes through', async () => {
  const peer = await restPeer('oauth2');
  try {
    const backend = restBackend('cases', simpleConfig(peer.base, peerAuth('oauth2', peer.tokenUrl)), { timeoutMs: 2000 });
    const refs = await Promise.all(Array.from({ length: 6 }, () => backend.deliverRequest(sampleJob())));
    assert.equal(new Set(refs.map((r) => r.reference)).size, 6);
    assert.equal(peer.counts.tokenRequests, 1, 'one token fetched for six concurrent calls');
    peer.expireTokens();
    await backend.deliverRequest(sampleJob());
    assert.equal(peer.counts.tokenRequests, 2, 'renewed after the 401');
    assert.equal(peer.counts.unauthorised, 1);
    assert.equal(peer.cases.size, 7);
  } finally {
    await peer.close();
  }
});

test('rest OAuth2: an expired token is renewed before the call; client credentials can go in the form', async () => {
  const peer = await restPeer('oauth2', { tokenSeconds: 1 });
  try {
    const auth = { ...peerAuth('oauth2', peer.tokenUrl), credentials: 'body' } as RestConfig['auth'];
    const backend = restBackend('cases', simpleConfig(peer.base, auth), { timeoutMs: 2000 });
    await backend.deliverRequest(sampleJob());
    await backend.deliverRequest(sampleJob());
    // expires_in of 1 s is inside the 30 s safety margin: each call fetches a fresh token, none is refused.
    assert.equal(peer.counts.tokenRequests, 2);
    assert.equal(peer.counts.unauthorised, 0);
  } finally {
    await peer.close();
  }
});

test('rest OAuth2: the token can be read by an expression and sent in another header (as Confirm\'s Web API wants)', async () => {
  const peer = await restPeer('oauth2', { accessTokenHeader: true });
  try {
    const auth = { ...peerAuth('oauth2', peer.tokenUrl), header: 'AccessToken', prefix: '', read: '$base64decode(access_token)' } as RestConfig['auth'];
    const backend = restBackend('cases', simpleConfig(peer.base, auth), { timeoutMs: 2000 });
    await backend.deliverRequest(sampleJob());
    assert.deepEqual([peer.cases.size, peer.counts.unauthorised], [1, 0]);
  } finally {
    await peer.close();
  }
});

test('rest OAuth2: wrong client credentials are a retryable error that names the token endpoint', async () => {
  const peer = await restPeer('oauth2');
  try {
    const auth = { ...peerAuth('oauth2', peer.tokenUrl), clientSecret: 'not-the-secret' } as RestConfig['auth'];
    const err = await failure(restBackend('cases', simpleConfig(peer.base, auth), { timeoutMs: 2000 }).deliverRequest(sampleJob()));
    assert.match(err.message, /token endpoint answered HTTP 401/);
    assert.equal(err.retryable, true);
    assert.equal(peer.cases.size, 0);
  } finally {
    await peer.close();
  }
});

test('rest: fixed credentials refused are a 401 that is not retried; a refused body is not retried either', async () => {
  const peer = await restPeer('basic');
  try {
    const wrong = restBackend('cases', simpleConfig(peer.base, { type: 'basic', username: PEER_CREDENTIALS.username, password: 'wrong' }), { timeoutMs: 2000 });
    const e401 = await failure(wrong.deliverRequest(sampleJob()));
    assert.match(e401.message, /HTTP 401/);
    assert.equal(e401.retryable, false);
    assert.equal(peer.counts.unauthorised, 1, 'asked once: nothing to renew');
    assert.equal((await wrong.health()).ok, false);

    const good = simpleConfig(peer.base, peerAuth('basic', ''));
    const noTitle = restBackend('cases', { ...good, create: { ...good.create, body: "{ 'description': request.description }" } }, { timeoutMs: 2000 });
    const e422 = await failure(noTitle.deliverRequest(sampleJob()));
    assert.match(e422.message, /HTTP 422.*title/);
    assert.equal(e422.retryable, false);
  } finally {
    await peer.close();
  }
});

test('rest: a template that fails while running is a clear error; an answer without a reference is delivered with it unknown, never sent again', async () => {
  const peer = await restPeer('none');
  try {
    const good = simpleConfig(peer.base, { type: 'none' });
    const broken = restBackend('cases', { ...good, create: { ...good.create, body: "{ 'title': $uppercase(request.attributes) }" } }, { timeoutMs: 2000 });
    const e = await failure(broken.deliverRequest(sampleJob()));
    assert.match(e.message, /^cases: create\.body failed: /);
    assert.equal(e.retryable, false);
    assert.equal(peer.cases.size, 0, 'nothing was sent');

    const blind = restBackend('cases', { ...good, create: { ...good.create, reference: 'answer.case.number' } }, { timeoutMs: 2000 });
    const lost = await blind.deliverRequest(sampleJob());
    assert.equal(lost.reference, undefined);
    assert.match(lost.note!, /accepted the request but create\.reference found no reference/);
    assert.equal(peer.cases.size, 1, 'one case: the vendor took it, and nothing sends it again');
    assert.equal(blind.reconcile, undefined, 'without a find step there is nothing to look it up with');
  } finally {
    await peer.close();
  }
});

test('rest: a runaway expression (a recursion that never ends) is stopped and named, not left to hold the job', async () => {
  const peer = await restPeer('none');
  try {
    const good = simpleConfig(peer.base, { type: 'none' });
    const looping = { ...good, create: { ...good.create, body: "( $f := function($x) { $f($x + 1) }; $f(1) )" } };
    assert.deepEqual(checkBackend('rest', looping), [], 'it compiles: only running it shows the loop');
    const started = Date.now();
    const e = await failure(restBackend('cases', looping, { timeoutMs: 2000 }).deliverRequest(sampleJob()));
    assert.match(e.message, /create\.body failed: took longer than 1000 ms/);
    assert.equal(e.retryable, false);
    assert.ok(Date.now() - started < 3000);
  } finally {
    await peer.close();
  }
});

test('rest: a back-end that does not answer within timeoutMs is a retryable error', async () => {
  const peer = await restPeer('none');
  try {
    peer.freeze(600);
    const backend = restBackend('cases', { ...simpleConfig(peer.base, { type: 'none' }), timeoutMs: 150 }, { timeoutMs: 5000 });
    const started = Date.now();
    const e = await failure(backend.deliverRequest(sampleJob()));
    assert.match(e.message, /no answer from http:\/\/127\.0\.0\.1:\d+ within 150 ms/);
    assert.equal(e.retryable, true);
    assert.ok(Date.now() - started < 550, 'gave up at the timeout, not when the back-end answered');
  } finally {
    await peer.close();
  }
});

test('rest: comments without a "comment" call are kept in Pipework with a note, never sent or refused; a pull with a failing reference reports the rest', async () => {
  const peer = await restPeer('none');
  try {
    const { comment: _, ...noComment } = simpleConfig(peer.base, { type: 'none' });
    const backend = restBackend('cases', noComment as RestConfig, { timeoutMs: 2000 });
    const job = sampleJob();
    const reference = (await backend.deliverRequest(job)).reference!;
    const update = { id: '1', requestId: job.request.id, jurisdictionId: 'example', status: 'unchanged' as const, description: 'x', mediaUrls: [], authorKind: 'resident' as const, contact: {}, updatedAt: new Date() };
    const kept = await backend.deliverUpdate({ ...job, reference, update });
    assert.match(kept.note ?? '', /^kept in Pipework, not sent: cases's configuration has no "comment" call/);
    assert.deepEqual(peer.cases.get(reference)!.notes, [], 'nothing was sent to the back-end');

    peer.setState(reference, 'DONE', 'Filled');
    const { reports, problems } = await backend.pullUpdates!(undefined, async () => [reference, 'C-NOPE']);
    assert.deepEqual(reports.map((r) => [r.reference, r.code, r.description]), [[reference, 'DONE', 'Filled']]);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /C-NOPE not read: .*HTTP 404/);
  } finally {
    await peer.close();
  }
});
