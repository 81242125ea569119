import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS } from './commands.ts';
import { contextFor, UsageError } from './context.ts';
import { relayWorld, until, SECRET } from '../../test/support/delivery-world.ts';
import { webhookPeer } from '../../test/support/backends/webhook-peer.ts';

// routes, deliveries and migration commands, in-process on a fresh database.
let w: Awaited<ReturnType<typeof relayWorld>>;
before(async () => {
  w = await relayWorld();
});
after(() => w.close());

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const { ctx } = contextFor(w.config, (l) => out.push(l) > 0, (l) => err.push(l) > 0);
  ctx.store = async () => w.store;
  let code: number | void;
  try {
    code = await COMMANDS[args[0]].run(args.slice(1), ctx);
  } catch (e) {
    if (!(e instanceof UsageError) && !(e as { code?: string }).code) throw e;
    return { code: e instanceof UsageError ? 64 : 1, out: out.join('\n'), err: (e as Error).message };
  }
  return { code: code ?? 0, out: out.join('\n'), err: err.join('\n') };
}

test('routes: add a back-end, set, shadow, canary, promote, history — with who made each change', async () => {
  const peer = await webhookPeer({ secret: SECRET });
  try {
    const dir = mkdtempSync(join(tmpdir(), 'pipework-routes-'));
    writeFileSync(join(dir, 'streets.json'), JSON.stringify({ url: peer.url, secret: SECRET }));
    assert.equal((await run('routes', 'backend', 'streets', '--kind', 'webhook', '--config', `@${join(dir, 'streets.json')}`)).code, 0);
    const list = await run('routes', 'backends');
    assert.match(list.out, /streets\twebhook/);
    assert.doesNotMatch(list.out, new RegExp(SECRET), 'secrets are never printed');
    assert.match((await run('routes', 'check', 'streets')).out, /streets: healthy/);
    assert.match((await run('routes', 'shadow', 'pothole', 'streets', '--by', 'jo')).out, /primary builtin, shadow streets .*shadow by cli:jo/);
    assert.match((await run('routes', 'canary', 'pothole', 'streets', '25', '--by', 'jo')).out, /canary streets 25%/);
    assert.match((await run('routes', 'promote', 'pothole', '--by', 'sam')).out, /example\/pothole: primary streets .*promote by cli:sam/);
    assert.match((await run('routes', 'show')).out, /example\/pothole\tprimary streets/);
    const history = (await run('routes', 'history', 'pothole')).out.split('\n');
    assert.deepEqual(history.map((l) => /\[(\w+) by ([^ ]+)/.exec(l)!.slice(1).join(' ')), ['promote cli:sam', 'canary cli:jo', 'shadow cli:jo']);
  } finally {
    await peer.close();
  }
});

test('routes: bad input is a clear usage error or a named problem, never a crash', async () => {
  assert.match((await run('routes', 'canary', 'pothole', 'streets', '150')).err, /PERCENT must be a whole number from 0 to 100/);
  assert.match((await run('routes', 'set', 'pothole', 'nowhere')).err, /No back-end "nowhere"/);
  assert.match((await run('routes', 'set', 'no-such-service', 'builtin')).err, /service_code "no-such-service" was not found/);
  assert.match((await run('routes', 'backend', 'x', '--kind', 'webhook', '--config', '{"url":"ftp://x"}')).err, /config\.url must match|config\.secret/);
  assert.match((await run('routes', 'backend', 'x', '--kind', 'carrier-pigeon', '--config', '{}')).err, /kind must be one of builtin, webhook/);
  assert.match((await run('routes', 'backend', 'x', '--kind', 'webhook', '--config', '{nope')).err, /--config is not valid JSON/);
  assert.match((await run('routes', 'promote', 'street_light')).err, /no canary or shadow back-end to promote/);
  assert.equal((await run('routes', 'fly')).code, 64);
});

test('deliveries and migration report: list, show attempts, retry failed, report numbers', async () => {
  await run('routes', 'clear', 'pothole');
  await w.webhook('gone', 'http://127.0.0.1:9/hook');
  await w.route('pothole', 'gone');
  const req = await w.submit();
  const relay = w.relay({ deliveryMaxAttempts: 2 });
  await until(async () => (await w.store.deliveries.forRequest(req.id))[0].state === 'dead', 10_000, 'dead letter');
  await relay.stop();
  const failed = await run('deliveries', 'list', '--state', 'failed');
  assert.match(failed.out, new RegExp(`dead\\trequest ${req.id}\\tgone/primary`));
  const [job] = await w.store.deliveries.forRequest(req.id);
  const shown = await run('deliveries', 'show', job.id);
  assert.equal(shown.out.split('\n').filter((l) => /^\s+\S+\tfailed|^\s+\S+\tdead/.test(l)).length, 2);
  assert.match((await run('deliveries', 'retry', '--all-failed')).out, /Queued 1 failed/);
  assert.equal((await w.store.deliveries.get(job.id))!.state, 'pending');
  assert.match((await run('deliveries', 'retry', job.id)).err, /only a failed/);
  assert.match((await run('deliveries', 'list', '--state', 'lost')).err, /--state must be one of/);
  const report = await run('migration', 'report', 'pothole');
  assert.match(report.out, /example\/pothole, last 30 days: \d+ requests, 0 without an owning back-end/);
  assert.match(report.out, /gone\tprimary\t1\t0\t1\t0/);
  assert.ok(JSON.parse((await run('migration', 'report', 'pothole', '--json')).out).backends.length >= 1);
  assert.equal((await run('migration', 'report')).code, 64);
  assert.match((await run('migration', 'report', 'nothing-here')).err, /No service "nothing-here"/);
});
