import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { freshDatabaseUrl, testConfig } from '../../../test/support/db.ts';
import { openStore } from '../../store/index.ts';
import { buildApp } from '../../app.ts';
import { seedDemo } from '../../demo/seed.ts';
import { ensurePatternKey } from './keys.ts';
import { verifyEntry } from '../../core/patterns/signing.ts';
import { importPatterns } from '../lifecycle.ts';
import { starterPattern } from '../library.ts';
import type { Feed } from './feed.ts';

// The public feed: only councils with a signing key, only published versions, each signed, each at its own URL.
const secretKey = 'a'.repeat(64);
let env: { app: FastifyInstance; store: Awaited<ReturnType<typeof openStore>>; drop: () => Promise<void> };
before(async () => {
  const { url, drop } = await freshDatabaseUrl();
  const store = await openStore(url, { secretKey });
  await seedDemo(store);
  env = { app: await buildApp(testConfig(url, { secretKey }), { store }), store, drop };
});
after(async () => {
  await env.app.close();
  await env.store.close();
  await env.drop();
});

const feed = async (): Promise<Feed> => JSON.parse((await env.app.inject({ url: '/patterns/feed.json' })).body);

test('a council publishes nothing until it makes a signing key; then every published version, signed, and no draft', async () => {
  assert.deepEqual((await feed()).entries, []);
  assert.equal(JSON.parse((await env.app.inject({ url: '/open311/v2/discovery.json' })).body).endpoints.length, 1);
  const { key, created } = await ensurePatternKey(env.store, 'example');
  assert.equal(created, true);
  assert.equal((await ensurePatternKey(env.store, 'example')).key.publicKey, key.publicKey, 'asking again keeps the first key');
  // The private key is sealed at rest with PIPEWORK_SECRET_KEY.
  const row = await env.store.db.selectFrom('pattern_keys').select('private_key').executeTakeFirstOrThrow();
  assert.match(row.private_key, /^enc:v1:/);

  const draft = { ...(await starterPattern('pothole'))!, version: '9.0.0', lifecycle: 'draft' as const };
  await importPatterns(env.store, 'example', [draft]);

  const f = await feed();
  assert.equal(f.url, 'http://pipework.test/patterns/feed.json');
  assert.deepEqual(f.publishers, [{ id: 'example', name: 'Example Borough Council', alg: 'Ed25519', key_id: key.keyId, public_key: key.publicKey }]);
  assert.ok(f.entries.length >= 3);
  assert.ok(!f.entries.some((e) => e.version === '9.0.0'), 'drafts are never published');
  for (const e of f.entries) {
    assert.equal(e.publisher.id, 'example');
    assert.equal(e.licence, (e.document as { provenance: { licence: string } }).provenance.licence);
    assert.equal(verifyEntry(e, e.signature.value, key.publicKey), true, `${e.id}@${e.version} verifies`);
    assert.equal(e.running, true, 'the demo council runs each version it has');
  }

  const one = f.entries[0];
  const res = await env.app.inject({ url: new URL(one.url).pathname });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['cache-control'] as string, /immutable/);
  assert.deepEqual(JSON.parse(res.body).entry, one);
  const missing = await env.app.inject({ url: '/patterns/example/pothole/9.0.0.json' });
  assert.equal(missing.statusCode, 404);
  assert.equal(JSON.parse(missing.body).error?.code ?? JSON.parse(missing.body).code, 'PATTERN_NOT_FOUND');

  // Open311 discovery names the feed as a second endpoint once the council shares (before: the GeoReport endpoint alone).
  const open311 = JSON.parse((await env.app.inject({ url: '/open311/v2/discovery.json' })).body);
  assert.deepEqual(open311.endpoints.map((e: { specification: string; url: string }) => [e.specification, e.url]), [
    ['http://wiki.open311.org/GeoReport_v2', 'http://pipework.test/open311/v2/'],
    ['pipework-pattern-feed/1', 'http://pipework.test/patterns/feed.json'],
  ]);
  const xml = (await env.app.inject({ url: '/open311/v2/discovery.xml' })).body;
  assert.match(xml, /<endpoint>[\s\S]*GeoReport_v2[\s\S]*<\/endpoint>\s*<endpoint>\s*<specification>pipework-pattern-feed\/1<\/specification>\s*<url>http:\/\/pipework.test\/patterns\/feed.json<\/url>/);
  const discovery = JSON.parse((await env.app.inject({ url: '/patterns/discovery.json' })).body);
  assert.equal(discovery.feed, f.url);
  assert.equal(discovery.publishers[0].public_key, key.publicKey);
});

test('a pattern a private service runs stays out of the feed', async () => {
  const s = (await env.store.services.list('example')).find((x) => x.pattern?.id === 'pothole')!;
  await env.store.services.upsert({ ...s, visibility: 'private' });
  const f = await feed();
  assert.ok(!f.entries.some((e) => e.id === 'pothole'));
  assert.equal((await env.app.inject({ url: `/patterns/example/pothole/${s.pattern!.version}.json` })).statusCode, 404);
  await env.store.services.upsert(s);
});
