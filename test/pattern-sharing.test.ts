import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { freshDatabaseUrl } from './support/db.ts';
import { serveProcess } from './support/serve.ts';
import { pipework } from './support/cli.ts';
import { openStore } from '../src/store/index.ts';
import { createApiKey } from '../src/core/access/api-keys.ts';

// Three councils, each on its own Pipework install (a real `pipework serve` process and database):
// A publishes, B subscribes to A and adapts, C subscribes to B (and A) and sees where B's pattern came from.

const SECRET = 'b'.repeat(64);
type Install = { id: string; name: string; db: { url: string; drop: () => Promise<void> }; url: string; child: ChildProcess; admin: string; client: string };
const installs: Record<'a' | 'b' | 'c', Install> = {} as never;
let standIn: Server;
let standInUrl = '';
let tamper: (feed: { entries: { id: string; version: string; document: { questions: { code: string; hint?: string }[] } }[] }) => unknown = (f) => f;

before(async () => {
  for (const [id, name] of [['a', 'A District Council'], ['b', 'B Borough Council'], ['c', 'C City Council']] as const) {
    const db = await freshDatabaseUrl();
    const store = await openStore(db.url, { secretKey: SECRET });
    await store.jurisdictions.upsert({ id, name });
    const { key } = await createApiKey(store, 'sharing test', 'admin');
    const { key: client } = await createApiKey(store, 'resident app');
    await store.close();
    const s = await serveProcess({ DATABASE_URL: db.url, PIPEWORK_SECRET_KEY: SECRET, PATTERN_FEEDS_ALLOW_PRIVATE: 'true', PATTERN_FEEDS_INTERVAL_MINUTES: '0', RELAY_ENABLED: 'false' });
    installs[id] = { id, name, db, url: s.url, child: s.child, admin: key, client };
  }
  // A stand-in that serves A's real feed, changed after signing.
  standIn = createServer(async (_req, res) => {
    const feed = await (await fetch(`${installs.a.url}/patterns/feed.json`)).json();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(tamper(feed)));
  });
  await new Promise<void>((r) => standIn.listen(0, '127.0.0.1', r));
  standInUrl = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}/patterns/feed.json`;
});

after(async () => {
  standIn?.close();
  for (const i of Object.values(installs)) {
    i.child.kill('SIGTERM');
    await new Promise((r) => (i.child.exitCode !== null ? r(null) : i.child.once('exit', r)));
    await i.db.drop();
  }
});

async function api(at: Install, method: string, path: string, body?: unknown) {
  const res = await fetch(`${at.url}/admin/api${path}${path.includes('?') ? '&' : '?'}jurisdiction_id=${at.id}`, {
    method,
    headers: { authorization: `Bearer ${at.admin}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}
const cli = (at: Install, ...args: string[]) =>
  pipework(['patterns', ...args, '--jurisdiction', at.id], { DATABASE_URL: at.db.url, PIPEWORK_SECRET_KEY: SECRET, PATTERN_FEEDS_ALLOW_PRIVATE: 'true' });

/** A new version of a council's pattern: its current document with `change` applied, imported, published and adopted. */
async function publishVersion(at: Install, from: string, to: string, change: (doc: { questions: Record<string, unknown>[]; provenance: Record<string, unknown> }) => void) {
  const doc = (await api(at, 'GET', `/patterns/missed_bin/${from}`)).json;
  change(doc);
  Object.assign(doc, { version: to, lifecycle: 'draft' });
  delete doc.provenance.adopted_by;
  assert.equal((await api(at, 'POST', '/patterns', doc)).status, 201);
  assert.equal((await api(at, 'POST', `/patterns/missed_bin/${to}/publish`)).status, 200);
  assert.equal((await api(at, 'POST', '/patterns/missed_bin/adopt', { version: to })).status, 200);
}

test('A publishes, B adopts and adapts, A adds a question, B takes it keeping its hint, C sees the chain A → B', async () => {
  const { a, b, c } = installs;
  // A runs the starter missed-bin pattern and makes its signing key: from then on it is in A's feed.
  assert.equal((await api(a, 'POST', '/patterns/missed_bin/adopt', {})).status, 200);
  const keys = await cli(a, 'keys');
  assert.equal(keys.code, 0, keys.err);
  const publicKey = keys.out.trim().split('\n').at(-1)!;
  const feed = await (await fetch(`${a.url}/patterns/feed.json`)).json();
  assert.deepEqual(feed.publishers.map((p: { id: string; public_key: string }) => [p.id, p.public_key]), [['a', publicKey]]);
  assert.deepEqual(feed.entries.map((e: { id: string; version: string; licence: string; publisher: { name: string } }) => [e.id, e.version, e.licence, e.publisher.name]), [['missed_bin', '1.0.0', 'OGL-UK-3.0', 'A District Council']]);

  // B subscribes (which fetches at once) and adopts A's version as its own.
  const sub = await cli(b, 'subscribe', `${a.url}/patterns/feed.json`);
  assert.equal(sub.code, 0, sub.err);
  assert.match(sub.out, /1 new version\(s\), 0 unchanged, 0 refused\n\+ a\/missed_bin@1\.0\.0/);
  const adopted = await cli(b, 'adopt', 'missed_bin', '--from', 'a');
  assert.equal(adopted.code, 0, adopted.err);
  assert.match(adopted.out, /b: missed_bin@1\.0\.0 \(from a\/missed_bin@1\.0\.0, OGL-UK-3\.0\) is published; service missed_bin follows it/);
  const twice = await cli(b, 'adopt', 'missed_bin', '--from', 'a');
  assert.match(twice.out, /b: missed_bin@1\.0\.0 \(from a/, 'adopting the same source version again makes no second copy');
  const seen = await cli(b, 'seen', '--publisher', 'a');
  assert.match(seen.out, /^a\/missed_bin@1\.0\.0\tOGL-UK-3\.0\tA District Council\trunning$/m);

  // B changes one hint locally, as its own next version.
  await publishVersion(b, '1.0.0', '1.0.1', (d) => void (d.questions[0].hint = 'Look at the colour of the lid'));

  // A publishes 1.1.0 with a new question.
  await publishVersion(a, '1.0.0', '1.1.0', (d) => {
    d.questions.splice(1, 0, { code: 'bin_location', datatype: 'string', description: 'Where did you leave the bin?' });
    d.provenance.derived_from = { id: 'missed_bin', version: '1.0.0' };
  });

  const fetched = await cli(b, 'fetch');
  assert.equal(fetched.code, 0, fetched.err);
  assert.match(fetched.out, /1 new version\(s\), 1 unchanged, 0 refused\n\+ a\/missed_bin@1\.1\.0/);

  // B sees the new version with the diff against what it runs.
  const updates = await cli(b, 'updates');
  assert.equal(updates.code, 0, updates.err);
  assert.match(updates.out, /missed_bin@1\.0\.1 \(from a\/missed_bin@1\.0\.0\): a published 1\.1\.0/);
  assert.match(updates.out, /questions added: bin_location/);
  assert.match(updates.out, /questions changed: bin_type/, 'B\'s own hint is a difference from what A publishes');
  const viaApi = (await api(b, 'GET', '/pattern-sharing/updates')).json.updates[0];
  assert.deepEqual(viaApi.source.questions, { added: ['bin_location'], removed: [], changed: [] });

  // A resident reports a missed bin under B's 1.0.1, before B takes A's change.
  const made = await fetch(`${b.url}/open311/v2/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ api_key: b.client, jurisdiction_id: 'b', service_code: 'missed_bin', lat: '51.5', long: '-0.12', 'attribute[bin_type]': 'general', 'attribute[collection_date]': '2026-11-30T07:00:00Z', description: 'Not emptied' }),
  });
  assert.equal(made.status, 200, await made.clone().text());
  // missed_bin is a batch service: Open311 answers with a token, not yet an id.
  const { token } = (await made.json())[0];

  // The reviewed change: preview first (nothing written), then publish.
  const preview = await cli(b, 'update', 'missed_bin');
  assert.equal(preview.code, 0, preview.err);
  assert.match(preview.out, /missed_bin: 1\.0\.1 \(from 1\.0\.0\) \+ source 1\.1\.0 → 1\.1\.0: 1 change\(s\), 0 conflict\(s\)\n\+ questions\[bin_location\]/);
  assert.match(preview.out, /Preview only/);
  assert.equal((await api(b, 'GET', '/patterns/missed_bin/1.1.0')).status, 404);
  const published = await cli(b, 'update', 'missed_bin', '--publish');
  assert.equal(published.code, 0, published.err);
  assert.match(published.out, /b: missed_bin@1\.1\.0 is published; service\(s\) missed_bin follow it/);
  const merged = (await api(b, 'GET', '/patterns/missed_bin/1.1.0')).json;
  assert.deepEqual(merged.questions.map((q: { code: string }) => q.code), ['bin_type', 'bin_location', 'collection_date', ...merged.questions.slice(3).map((q: { code: string }) => q.code)]);
  assert.equal(merged.questions[0].hint, 'Look at the colour of the lid');
  assert.equal(merged.provenance.derived_from.publisher, 'a');
  assert.equal(merged.provenance.derived_from.version, '1.1.0');
  assert.equal(merged.provenance.derived_from.url, `${a.url}/patterns/a/missed_bin/1.1.0.json`);
  assert.equal((await cli(b, 'updates')).out.trim(), 'No adopted pattern has a newer version at its source.');
  // The request keeps the version it was made under; the service follows the new one.
  const bStore = await openStore(b.db.url, { secretKey: SECRET, migrate: false });
  try {
    assert.deepEqual((await bStore.requests.getByToken('b', token))!.pattern, { id: 'missed_bin', version: '1.0.1' });
    assert.deepEqual((await bStore.services.get('b', 'missed_bin'))!.pattern, { id: 'missed_bin', version: '1.1.0' });
  } finally {
    await bStore.close();
  }

  // B's own page of the pattern says where it came from.
  const shown = await cli(b, 'show', 'missed_bin@1.1.0');
  assert.equal(shown.code, 0, shown.err);
  assert.match(shown.out, /publisher: B Borough Council; licence: OGL-UK-3\.0; adopted by b at /);
  assert.match(shown.out, /provenance: b \(B Borough Council\): missed_bin@1\.1\.0, OGL-UK-3\.0 ← a \(A District Council\): missed_bin@1\.1\.0, OGL-UK-3\.0, http:\/\/127\.0\.0\.1:\d+\/patterns\/a\/missed_bin\/1\.1\.0\.json ← a \(A District Council\): missed_bin@1\.0\.0/);

  // Alike: A runs missed bins the same way B now does (hints are not "how").
  const alike = await cli(b, 'alike', '524');
  assert.equal(alike.code, 0, alike.err);
  assert.match(alike.out, /LGSL 524: 1 council\(s\) in subscribed feeds; b runs missed_bin@1\.1\.0/);
  assert.match(alike.out, /a \(A District Council\)\tmissed_bin@1\.1\.0 running\tquestions same\tprocess same/);

  // C subscribes to B (over the admin API) and to A, and sees the chain B ← A ← A's own origin.
  assert.equal((await cli(b, 'keys')).code, 0);
  const cSub = await api(c, 'POST', '/pattern-sharing/subscriptions', { url: `${b.url}/patterns/feed.json` });
  assert.equal(cSub.status, 201, JSON.stringify(cSub.json));
  assert.ok(cSub.json.fetch.added.includes('b/missed_bin@1.1.0'));
  const partial = await cli(c, 'show', 'missed_bin@1.1.0', '--from', 'b');
  assert.equal(partial.code, 0, partial.err);
  assert.match(partial.out, /provenance: b \(B Borough Council\): missed_bin@1\.1\.0, OGL-UK-3\.0, http:\/\/127\.0\.0\.1:\d+\/patterns\/b\/missed_bin\/1\.1\.0\.json ← a: missed_bin@1\.1\.0, http:\/\/127\.0\.0\.1:\d+\/patterns\/a\/missed_bin\/1\.1\.0\.json \(not seen here\)/);
  assert.equal((await api(c, 'POST', '/pattern-sharing/subscriptions', { url: `${a.url}/patterns/feed.json` })).status, 201);
  const chain = (await api(c, 'GET', '/pattern-sharing/provenance/missed_bin?publisher=b&version=1.1.0')).json;
  assert.deepEqual(chain.chain.map((l: { publisher: string; version: string; known: boolean }) => `${l.publisher}:${l.version}:${l.known}`), ['b:1.1.0:true', 'a:1.1.0:true', 'a:1.0.0:true']);
  assert.equal(chain.chain[1].publisherName, 'A District Council');
  // And who adopted A's version, as far as C can see.
  const aShow = (await api(c, 'GET', '/pattern-sharing/provenance/missed_bin?publisher=a&version=1.1.0')).json;
  assert.deepEqual(aShow.adopted_by.map((x: { publisher: string; version: string }) => `${x.publisher}:${x.version}`), ['b:1.1.0']);
});

test('when A and B changed the same hint differently, the update shows the conflict and publishes only once it is resolved', async () => {
  const { a, b } = installs;
  await publishVersion(b, '1.1.0', '1.2.0', (d) => void (d.questions[1].hint = 'Front garden, back lane…'));
  await publishVersion(a, '1.1.0', '1.2.0', (d) => {
    d.questions[1].hint = 'Say where it stood on collection day';
    d.provenance.derived_from = { id: 'missed_bin', version: '1.1.0' };
  });
  assert.equal((await cli(b, 'fetch')).code, 0);
  const preview = await cli(b, 'update', 'missed_bin');
  assert.equal(preview.code, 1);
  assert.match(preview.out, /! conflict questions\[bin_location\]\.hint: source "Say where it stood on collection day", local "Front garden, back lane…", was undefined/);
  const refused = await api(b, 'POST', '/pattern-sharing/updates/missed_bin/publish', {});
  assert.equal(refused.status, 409);
  assert.equal(refused.json.error?.code ?? refused.json.code, 'PATTERN_MERGE_CONFLICT');
  assert.equal((await api(b, 'GET', '/patterns/missed_bin/1.3.0')).status, 404, 'nothing was published');
  const done = await cli(b, 'update', 'missed_bin', '--resolve', 'questions[bin_location].hint=local', '--publish');
  assert.equal(done.code, 0, done.err);
  assert.match(done.out, /b: missed_bin@1\.3\.0 is published/);
  const doc = (await api(b, 'GET', '/patterns/missed_bin/1.3.0')).json;
  assert.equal(doc.questions[1].hint, 'Front garden, back lane…');
  assert.equal(doc.questions[0].hint, 'Look at the colour of the lid');
  assert.equal(doc.provenance.derived_from.version, '1.2.0');
});

test('a feed entry changed after signing, and a published version re-published with other content, are refused and reported, never applied', async () => {
  const { a, b } = installs;
  // 1. A stand-in serves A's feed with one hint changed after A signed it.
  tamper = (feed) => {
    const e = feed.entries.find((x) => x.version === '1.1.0')!;
    e.document.questions[0].hint = 'Put your bin out by 6am';
    return feed;
  };
  const sub = await cli(b, 'subscribe', standInUrl);
  assert.equal(sub.code, 1, 'a refusal makes the exit code 1');
  assert.match(sub.err, /refused a\/missed_bin@1\.1\.0 \(signature\): the signature does not match the entry/);
  assert.match(sub.out, /2 new version\(s\), 0 unchanged, 1 refused/, 'the untouched entries are still good');
  const standInSub = (await api(b, 'GET', '/pattern-sharing/subscriptions')).json.subscriptions.find((s: { url: string }) => s.url === standInUrl);
  const kept = (await api(b, 'GET', `/pattern-sharing/versions?publisher=a`)).json.versions.filter((v: { subscription_id: string }) => v.subscription_id === standInSub.id);
  assert.deepEqual(kept.map((v: { version: string }) => v.version).sort(), ['1.0.0', '1.2.0']);

  // 2. A re-publishes 1.0.0 with other content (an edit behind Pipework's back): properly signed, but not what B saw.
  const store = await openStore(a.db.url, { secretKey: SECRET, migrate: false });
  const row = await store.db.selectFrom('service_patterns').selectAll().where('jurisdiction_id', '=', 'a').where('version', '=', '1.0.0').executeTakeFirstOrThrow();
  const changed = { ...JSON.parse(row.document), description: 'Changed after it was published.' };
  await store.db.updateTable('service_patterns').set({ document: JSON.stringify(changed) }).where('jurisdiction_id', '=', 'a').where('version', '=', '1.0.0').execute();
  await store.close();
  const before = (await api(b, 'GET', '/pattern-sharing/versions?publisher=a&id=missed_bin')).json.versions;
  const fetched = await api(b, 'POST', '/pattern-sharing/fetch');
  assert.equal(fetched.status, 200);
  const fromA = fetched.json.fetched.find((r: { url: string }) => r.url === `${a.url}/patterns/feed.json`);
  assert.deepEqual(fromA.refused.map((r: { ref: string; reason: string }) => `${r.ref} ${r.reason}`), ['a/missed_bin@1.0.0 changed']);
  assert.deepEqual((await api(b, 'GET', '/pattern-sharing/versions?publisher=a&id=missed_bin')).json.versions, before, 'the version seen first is kept as it was');

  const refusals = await cli(b, 'refusals');
  assert.equal(refusals.code, 0, refusals.err);
  assert.match(refusals.out, /a\/missed_bin@1\.1\.0\tsignature\t/);
  assert.match(refusals.out, /a\/missed_bin@1\.0\.0\tchanged\tmissed_bin@1\.0\.0 was published before with different content/);
  // The same refusal again counts up rather than piling up: one row for each subscription that saw it.
  await cli(b, 'fetch');
  const again = (await api(b, 'GET', '/pattern-sharing/refusals')).json.refusals.filter((r: { ref: string; reason: string }) => r.ref === 'a/missed_bin@1.0.0');
  assert.equal(again.length, 2);
  assert.ok(again.every((r: { count: number }) => r.count >= 2));
});

test('without PATTERN_FEEDS_ALLOW_PRIVATE a feed on a loopback address is refused and the failure kept on the subscription', async () => {
  const { c } = installs;
  const res = await pipework(['patterns', 'fetch', '--jurisdiction', 'c'], { DATABASE_URL: c.db.url, PIPEWORK_SECRET_KEY: SECRET });
  assert.equal(res.code, 1);
  assert.match(res.err, /not fetched: 127\.0\.0\.1 is a loopback or private address/);
  const listed = await cli(c, 'subscriptions');
  assert.match(listed.out, /\tlast fetched 20\d\d-.*\tfailing: 127\.0\.0\.1 is a loopback or private address/);
  const subs = (await api(c, 'GET', '/pattern-sharing/subscriptions')).json.subscriptions;
  assert.ok(subs.every((s: { last_error: string | null }) => /loopback or private/.test(s.last_error ?? '')));
});
