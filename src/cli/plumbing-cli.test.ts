import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { relayWorld, until, SECRET } from '../../test/support/delivery-world.ts';
import { webhookPeer } from '../../test/support/backends/webhook-peer.ts';
import { pipework } from '../../test/support/cli.ts';

// routes, deliveries, migration and cases through bin/pipework.js, on one fresh database with the demo council.
let w: Awaited<ReturnType<typeof relayWorld>>;
before(async () => {
  w = await relayWorld();
});
after(() => w.close());

const run = (...args: string[]) => pipework(args, { DATABASE_URL: w.config.databaseUrl });
const ok = async (...args: string[]) => {
  const r = await run(...args);
  assert.equal(r.code, 0, `pipework ${args.join(' ')} exited ${r.code}: ${r.err}`);
  return r.out;
};

test('routes: add a back-end, set, shadow, canary, promote, clear, history — each exits 0 and records who made it', async () => {
  const peer = await webhookPeer({ secret: SECRET });
  try {
    const dir = mkdtempSync(join(tmpdir(), 'pipework-routes-'));
    writeFileSync(join(dir, 'streets.json'), JSON.stringify({ url: peer.url, secret: SECRET }));
    await ok('routes', 'backend', 'streets', '--kind', 'webhook', '--config', `@${join(dir, 'streets.json')}`);
    const [list, check] = await Promise.all([ok('routes', 'backends'), ok('routes', 'check', 'streets')]);
    assert.match(list, /streets\twebhook/);
    assert.doesNotMatch(list, new RegExp(SECRET), 'secrets are never printed');
    assert.match(check, /streets: healthy/);
    assert.match(await ok('routes', 'set', 'street_light', 'streets', '--by', 'ann'), /example\/street_light: primary streets .*set by cli:ann/);
    assert.match(await ok('routes', 'shadow', 'pothole', 'streets', '--by', 'jo'), /primary builtin, shadow streets .*shadow by cli:jo/);
    assert.match(await ok('routes', 'canary', 'pothole', 'streets', '25', '--by', 'jo'), /canary streets 25%/);
    assert.match(await ok('routes', 'promote', 'pothole', '--by', 'sam'), /example\/pothole: primary streets .*promote by cli:sam/);
    assert.match(await ok('routes', 'clear', 'street_light', '--by', 'ann'), /example\/street_light: no route .*clear by cli:ann/);
    const [show, history] = await Promise.all([ok('routes', 'show'), ok('routes', 'history', 'pothole')]);
    assert.match(show, /example\/pothole\tprimary streets/);
    assert.deepEqual(history.trim().split('\n').map((l) => /\[(\w+) by ([^ ]+)/.exec(l)!.slice(1).join(' ')), ['promote cli:sam', 'canary cli:jo', 'shadow cli:jo']);
  } finally {
    await peer.close();
  }
});

test('routes: bad input is a usage error (64) or a named problem (1), never a crash', async () => {
  const [percent, nowhere, noService, badUrl, badKind, badJson, nothingToPromote, fly, check] = await Promise.all([
    run('routes', 'canary', 'pothole', 'streets', '150'),
    run('routes', 'set', 'pothole', 'nowhere'),
    run('routes', 'set', 'no-such-service', 'builtin'),
    run('routes', 'backend', 'x', '--kind', 'webhook', '--config', '{"url":"ftp://x"}'),
    run('routes', 'backend', 'x', '--kind', 'carrier-pigeon', '--config', '{}'),
    run('routes', 'backend', 'x', '--kind', 'webhook', '--config', '{nope'),
    run('routes', 'promote', 'street_light'),
    run('routes', 'fly'),
    run('routes', 'check', 'nowhere'),
  ]);
  assert.equal(percent.code, 64);
  assert.match(percent.err, /PERCENT must be a whole number from 0 to 100/);
  assert.equal(nowhere.code, 1);
  assert.match(nowhere.err, /No back-end "nowhere"/);
  assert.equal(noService.code, 1);
  assert.match(noService.err, /service_code "no-such-service" was not found/);
  assert.equal(badUrl.code, 1);
  assert.match(badUrl.err, /config\.url must match|config\.secret/);
  assert.equal(badKind.code, 1);
  assert.match(badKind.err, /kind must be one of builtin, webhook/);
  assert.equal(badJson.code, 64);
  assert.match(badJson.err, /--config is not valid JSON/);
  assert.equal(nothingToPromote.code, 1);
  assert.match(nothingToPromote.err, /no canary or shadow back-end to promote/);
  assert.equal(fly.code, 64);
  assert.equal(check.code, 1);
  for (const r of [percent, nowhere, noService, badUrl, badKind, badJson, nothingToPromote, fly, check]) assert.doesNotMatch(r.err, /at .*\.ts:\d+/, 'no stack trace');
});

test('deliveries and migration report: list, show attempts, retry failed, report numbers', async () => {
  await ok('routes', 'clear', 'pothole');
  await w.webhook('gone', 'http://127.0.0.1:9/hook');
  await w.route('pothole', 'gone');
  const req = await w.submit();
  const relay = w.relay({ deliveryMaxAttempts: 2 });
  await until(async () => (await w.store.deliveries.forRequest(req.id))[0].state === 'dead', 10_000, 'dead letter');
  await relay.stop();
  const [job] = await w.store.deliveries.forRequest(req.id);
  const [failed, shown, codes, lost, noId] = await Promise.all([
    ok('deliveries', 'list', '--state', 'failed'),
    ok('deliveries', 'show', job.id),
    ok('deliveries', 'codes'),
    run('deliveries', 'list', '--state', 'lost'),
    run('deliveries', 'show', 'no-such-job'),
  ]);
  assert.match(failed, new RegExp(`dead\\trequest ${req.id}\\tgone/primary`));
  assert.equal(shown.split('\n').filter((l) => /^\s+\S+\tfailed|^\s+\S+\tdead/.test(l)).length, 2);
  assert.match(codes, /Every status code back-ends sent is mapped/);
  assert.equal(lost.code, 64);
  assert.match(lost.err, /--state must be one of/);
  assert.equal(noId.code, 1);
  assert.match(await ok('deliveries', 'retry', '--all-failed'), /Queued 1 failed/);
  assert.equal((await w.store.deliveries.get(job.id))!.state, 'pending');
  const notFailed = await run('deliveries', 'retry', job.id);
  assert.equal(notFailed.code, 1);
  assert.match(notFailed.err, /only a failed/);

  const [report, json, bare, unknown] = await Promise.all([
    ok('migration', 'report', 'pothole'),
    ok('migration', 'report', 'pothole', '--json'),
    run('migration', 'report'),
    run('migration', 'report', 'nothing-here'),
  ]);
  assert.match(report, /example\/pothole, last 30 days: \d+ requests, 0 without an owning back-end/);
  assert.match(report, /gone\tprimary\t1\t0\t1\t0/);
  assert.ok(JSON.parse(json).backends.length >= 1);
  assert.equal(bare.code, 64);
  assert.equal(unknown.code, 64);
  assert.match(unknown.err, /No service "nothing-here"/);
});

test('cases: list the built-in store, move one on through the service process', async () => {
  await w.route('pothole', 'builtin');
  const req = await w.submit('Held in Pipework');
  assert.match(await ok('cases', 'list'), new RegExp(`^${req.id}\\topen\\tpothole`, 'm'));
  assert.match(await ok('cases', 'update', req.id, '--status', 'investigating', '--note', 'Inspector booked', '--by', 'kim'), new RegExp(`Request ${req.id}: investigating — Inspector booked`));
  assert.equal((await w.store.requests.get('example', req.id))!.status, 'investigating');
  const [refused, noStatus] = await Promise.all([run('cases', 'update', req.id, '--status', 'in_progress'), run('cases', 'update', req.id)]);
  assert.equal(refused.code, 1, 'investigating → in_progress is not in the pothole process');
  assert.equal(noStatus.code, 64);
});
