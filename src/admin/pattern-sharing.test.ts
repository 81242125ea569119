import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { demoApp } from '../../test/support/app.ts';
import { createApiKey } from '../core/access/api-keys.ts';
import { fetchSubscription, subscribe } from '../patterns/sharing/subscriptions.ts';
import { startFeedFetcher } from '../patterns/sharing/start.ts';

// The admin API's pattern-sharing area: clear refusals in the admin error shape, and the scheduled fetch.
let a: Awaited<ReturnType<typeof demoApp>>;
let b: Awaited<ReturnType<typeof demoApp>>;
let adminA = '';
let adminB = '';
let feedUrl = '';
before(async () => {
  a = await demoApp();
  b = await demoApp({ patternFeedsAllowPrivate: true });
  adminA = (await createApiKey(a.store, 'a admin', 'admin')).key;
  adminB = (await createApiKey(b.store, 'b admin', 'admin')).key;
  await a.app.listen({ port: 0, host: '127.0.0.1' });
  feedUrl = `http://127.0.0.1:${(a.app.server.address() as AddressInfo).port}/patterns/feed.json`;
});
after(async () => {
  await a.close();
  await b.close();
});

const call = (env: typeof a, key: string, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) =>
  env.app
    .inject({ method, url: `/admin/api/pattern-sharing${url}`, headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) })
    .then((r) => ({ status: r.statusCode, json: r.body ? JSON.parse(r.body) : undefined }));

test('the key: none until made, made once (201), then the same (200); the feed then carries it', async () => {
  assert.equal((await call(a, adminA, 'GET', '/key')).status, 404);
  const made = await call(a, adminA, 'POST', '/key');
  assert.equal(made.status, 201);
  const again = await call(a, adminA, 'POST', '/key');
  assert.equal(again.status, 200);
  assert.equal(again.json.public_key, made.json.public_key);
  const feed = JSON.parse((await a.app.inject({ url: '/patterns/feed.json' })).body);
  assert.equal(feed.publishers[0].key_id, made.json.key_id);
});

test('bad input is refused in the admin error shape, naming the field; never a 500', async () => {
  for (const [method, url, body, field] of [
    ['POST', '/subscriptions', { url: 'ftp://example.org/feed.json' }, 'url'],
    ['POST', '/subscriptions', {}, 'url'],
    ['POST', '/subscriptions', { url: 42 }, 'url'],
    ['POST', '/adopt', { publisher: 'x' }, 'id'],
    ['POST', '/updates/pothole/preview', { resolutions: { x: 'mine' } }, 'resolutions'],
    ['POST', '/updates/pothole/preview', {}, 'id'],
    ['GET', '/alike/abc', undefined, 'lgsl'],
  ] as const) {
    const r = await call(b, adminB, method, url, body);
    assert.equal(r.status, 400, `${method} ${url} ${JSON.stringify(body)}: ${JSON.stringify(r.json)}`);
    assert.equal(r.json.error.code, 'INVALID_INPUT');
    assert.equal(r.json.error.problems[0].field, field);
  }
  assert.equal((await call(b, adminB, 'DELETE', '/subscriptions/nope')).status, 404);
  assert.equal((await call(b, adminB, 'POST', '/adopt', { publisher: 'example', id: 'pothole' })).json.error.code, 'PATTERN_NOT_FOUND');
  assert.equal((await call(b, adminB, 'GET', '/provenance/nothing')).status, 404);
});

test('serve fetches subscribed feeds on its schedule; a feed that does not answer is recorded on the subscription', async () => {
  const s = await subscribe(b.store, 'example', feedUrl);
  const dead = await subscribe(b.store, 'example', 'http://127.0.0.1:9/patterns/feed.json');
  const warnings: string[] = [];
  const log = { info: () => {}, warn: (_o: object, m: string) => void warnings.push(m), error: (_o: object, m: string) => void warnings.push(m) };
  const fetcher = startFeedFetcher({ ...b.config, patternFeedsIntervalMinutes: 1 }, b.store, log, { firstRoundMs: 10 });
  try {
    for (let i = 0; i < 100 && !(await b.store.patternSharing.subscription(dead.id))?.lastFetchedAt; i++) await new Promise((r) => setTimeout(r, 50));
  } finally {
    await fetcher!.stop();
  }
  const seen = await b.store.patternSharing.seenVersions({ jurisdictionId: 'example', subscriptionId: s.id });
  assert.ok(seen.length >= 3, 'every published version of A is kept');
  assert.ok(seen.every((v) => v.publisherId === 'example' && v.running));
  assert.ok((await b.store.patternSharing.subscription(s.id))!.lastOkAt);
  assert.match((await b.store.patternSharing.subscription(dead.id))!.lastError!, /ECONNREFUSED|connect/);
  assert.ok(warnings.includes('pattern feeds: fetch failed'));
});

test('two fetches of one feed at once keep each version once and refuse nothing', async () => {
  const s = await subscribe(b.store, 'second', feedUrl).catch(async () => {
    await b.store.jurisdictions.upsert({ id: 'second', name: 'Second' });
    return subscribe(b.store, 'second', feedUrl);
  });
  const bounds = { maxBytes: 5_000_000, timeoutMs: 5000, maxRedirects: 3, allowPrivate: true };
  const [x, y] = await Promise.all([fetchSubscription(b.store, s, bounds), fetchSubscription(b.store, s, bounds)]);
  assert.deepEqual([...x.refused, ...y.refused], []);
  const seen = await b.store.patternSharing.seenVersions({ jurisdictionId: 'second', subscriptionId: s.id });
  assert.equal(x.added.length + y.added.length, seen.length);
  assert.equal(x.added.length + x.unchanged, seen.length);
  assert.deepEqual(Object.keys((await b.store.patternSharing.subscription(s.id))!.publishers), ['example']);
});
