import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { freshDatabaseUrl, testConfig } from '../../test/support/db.ts';
import { pipework as run } from '../../test/support/cli.ts';
import { openStore } from '../store/index.ts';
import { buildApp } from '../app.ts';
import { FORM, form } from '../../test/support/app.ts';
import type { Service } from '../core/services/service.ts';

// `npx pipework keys rotate` through the real binary, while an Open311 client of the same database keeps posting.
let db: Awaited<ReturnType<typeof freshDatabaseUrl>>;
let store: Awaited<ReturnType<typeof openStore>>;
let app: Awaited<ReturnType<typeof buildApp>>;
const pipework = (args: string[]) => run(args, { DATABASE_URL: db.url, SEED_DEMO: 'false' });
const lastLine = (out: string) => out.trim().split('\n').at(-1)!;

const service = (jurisdictionId: string): Service => ({ jurisdictionId, code: 'pothole', name: 'Pothole', description: '', groups: [], keywords: [], type: 'realtime', attributes: [], active: true, visibility: 'public' });

before(async () => {
  db = await freshDatabaseUrl();
  for (const [id, name] of [['westshire', 'Westshire Council'], ['eastshire', 'Eastshire Council']]) {
    const r = await pipework(['councils', 'add', id, '--name', name]);
    assert.equal(r.code, 0, r.err);
  }
  store = await openStore(db.url);
  for (const id of ['westshire', 'eastshire']) await store.services.upsert(service(id));
  app = await buildApp(testConfig(db.url, { seedDemo: false }), { store });
});
after(async () => {
  await app.close();
  await store.close();
  await db.drop();
});

const post = (key: string, extra: [string, string][] = [], headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { ...FORM, ...headers }, payload: form([['api_key', key], ['service_code', 'pothole'], ['lat', '51.5'], ['long', '-0.1'], ['description', 'Deep hole'], ...extra]) });

test('a key for one council acts for it alone; rotate gives a new key while the old one works for the grace period, then stops', async () => {
  const created = await pipework(['keys', 'create', '--name', 'fixmystreet', '--council', 'westshire']);
  assert.equal(created.code, 0, created.err);
  const k1 = lastLine(created.out);
  const id1 = /Created key (\d+)/.exec(created.out)![1];

  // Two councils, no jurisdiction_id: the key's own council is meant.
  const own = await post(k1);
  assert.equal(own.statusCode, 200, own.body);
  assert.equal((await store.requests.get('westshire', own.json()[0].service_request_id))?.jurisdictionId, 'westshire');
  const other = await post(k1, [['jurisdiction_id', 'eastshire']]);
  assert.equal(other.statusCode, 403);
  assert.match(other.body, /may not act for jurisdiction_id \\?"eastshire/);

  const first = await post(k1, [], { 'idempotency-key': 'report-1' });
  assert.equal(first.statusCode, 200);

  const rotated = await pipework(['keys', 'rotate', id1, '--grace-hours', '1']);
  assert.equal(rotated.code, 0, rotated.err);
  const k2 = lastLine(rotated.out);
  assert.match(k2, /^pw_[\w-]{43}$/);
  assert.match(rotated.out, /The old key works until \d{4}-/);
  const id2 = /to key (\d+)/.exec(rotated.out)![1];

  // During the grace period both keys work, and the client is still the same client: its retry with the new key finds the first report.
  assert.equal((await post(k1)).statusCode, 200);
  assert.equal((await post(k2)).statusCode, 200);
  const retry = await post(k2, [], { 'idempotency-key': 'report-1' });
  assert.equal(retry.json()[0].service_request_id, first.json()[0].service_request_id);

  const list = await pipework(['keys', 'list']);
  assert.match(list.out, new RegExp(`^${id1}\\tfixmystreet\\tclient\\t.*works until .*\\(rotated to ${id2}\\)\\twestshire$`, 'm'));
  assert.match(list.out, new RegExp(`^${id2}\\tfixmystreet\\tclient\\t.*\\tactive\\twestshire$`, 'm'));

  const [twice, badGrace, noId] = await Promise.all([pipework(['keys', 'rotate', id1]), pipework(['keys', 'rotate', id2, '--grace-hours', 'soon']), pipework(['keys', 'rotate'])]);
  assert.equal(twice.code, 1);
  assert.match(twice.err, /already been rotated/);
  assert.equal(badGrace.code, 64);
  assert.equal(noId.code, 64);

  // A grace period of about a second: the old key stops on time.
  const short = await pipework(['keys', 'rotate', id2, '--grace-hours', '0.0003']);
  assert.equal(short.code, 0, short.err);
  const k3 = lastLine(short.out);
  assert.equal((await post(k2)).statusCode, 200);
  await sleep(1500);
  assert.equal((await post(k2)).statusCode, 403);
  assert.equal((await post(k3)).statusCode, 200);

  // --grace-hours 0: the old key stops at once.
  const id3 = /to key (\d+)/.exec(short.out)![1];
  const now = await pipework(['keys', 'rotate', id3, '--grace-hours', '0']);
  assert.match(now.out, /The old key no longer works/);
  await sleep(1100);
  assert.equal((await post(k3)).statusCode, 403);
  assert.equal((await post(lastLine(now.out))).statusCode, 200);

  const entries = await store.staff.audit.list({ jurisdictionId: 'westshire', actions: ['key.create', 'key.rotate'], limit: 10 });
  assert.deepEqual(entries.map((e) => [e.actor, e.action]), [['cli', 'key.rotate'], ['cli', 'key.rotate'], ['cli', 'key.rotate'], ['cli', 'key.create']]);
  assert.match(entries.at(-2)!.after!, new RegExp(`^${id2} "fixmystreet" client for westshire; old key works until `));
});
