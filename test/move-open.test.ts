import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { relayWorld, until, SECRET } from './support/delivery-world.ts';
import { webhookPeer } from './support/backends/webhook-peer.ts';
import { pipework } from './support/cli.ts';
import { staffUpdate } from '../src/core/cases/builtin.ts';

const bin = fileURLToPath(new URL('../bin/pipework.js', import.meta.url));
const OPEN = 500;

test(`routes move-open: ${OPEN} open cases from the built-in store to a webhook back-end, the CLI killed half-way (SIGKILL) and run again: each case moved exactly once`, async () => {
  const w = await relayWorld();
  const peer = await webhookPeer({ secret: SECRET });
  const env = { DATABASE_URL: w.store.url, DELIVERY_TIMEOUT_MS: '1000' };
  try {
    const ids: string[] = [];
    for (let i = 0; i < OPEN + 5; i += 25) ids.push(...(await Promise.all(Array.from({ length: Math.min(25, OPEN + 5 - i) }, (_, k) => w.submit(`Open pothole ${i + k}`)))).map((r) => r.id));
    // Five are closed already: they stay where they are.
    for (const id of ids.slice(0, 5)) await staffUpdate(w.store, 'example', id, { status: 'fixed', description: 'Filled', by: 'staff' });
    await staffUpdate(w.store, 'example', ids[10], { status: 'investigating', description: 'Crew on the way', by: 'staff' });
    await w.webhook('streets', peer.url);
    await w.route('pothole', 'streets');

    // Dry run first: says what would move, changes nothing.
    const dry = await pipework(['routes', 'move-open', 'pothole', '--dry-run'], env);
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, new RegExp(`${OPEN} open case\\(s\\) of example/pothole would move to streets \\(${OPEN} from builtin\\)`));
    assert.equal(peer.cases.size, 0);
    assert.equal((await w.store.deliveries.list({ backend: 'streets', limit: 10 })).length, 0);

    // The real binary, killed with SIGKILL once about half the cases have reached the new back-end.
    const child = spawn(process.execPath, [bin, 'routes', 'move-open', 'pothole', '--by', 'jo'], { env: { PATH: process.env.PATH!, LOG_LEVEL: 'silent', ...env }, stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await until(() => peer.cases.size >= OPEN / 2, 120_000, 'half the cases sent');
    child.kill('SIGKILL');
    assert.equal(await exited, null, 'killed, not finished');
    const sentBefore = peer.cases.size;
    assert.ok(sentBefore < OPEN, `killed half-way (${sentBefore} sent)`);
    const half = await pipework(['routes', 'move-open', 'pothole', '--dry-run'], env);
    assert.match(half.out, /^Resuming move \d+/);

    // Run again: it carries on where it stopped (once the killed run's hold on the move has lapsed, 5 s).
    let resumed = await pipework(['routes', 'move-open', 'pothole', '--by', 'jo'], env);
    for (let i = 0; i < 20 && /running already/.test(resumed.err); i++) {
      await new Promise((r) => setTimeout(r, 1000));
      resumed = await pipework(['routes', 'move-open', 'pothole', '--by', 'jo'], env);
    }
    assert.equal(resumed.code, 0, resumed.out + resumed.err);
    assert.match(resumed.out, new RegExp(`: ${OPEN} moved, 0 failed, finished\\.`));

    // Exactly once: one case per request at the new back-end, one owner per request.
    assert.equal(peer.cases.size, OPEN);
    const perRequest = new Map<string, number>();
    for (const c of peer.cases.values()) perRequest.set(c.body.request.service_request_id, (perRequest.get(c.body.request.service_request_id) ?? 0) + 1);
    assert.equal(perRequest.size, OPEN);
    assert.ok([...perRequest.values()].every((n) => n === 1));
    assert.ok([...peer.calls.values()].filter((n) => n > 1).length <= 1, 'at most the one case in flight at the kill was sent twice (and dropped by its key)');
    for (const id of ids.slice(5)) {
      const jobs = (await w.store.deliveries.forRequest(id)).filter((d) => d.kind === 'request');
      assert.deepEqual(jobs.map((j) => `${j.backend}/${j.role}/${j.state}`), ['builtin/former/delivered', 'streets/primary/delivered'], `request ${id}`);
      assert.equal(jobs[1].externalRef, peer.cases.get(jobs[1].idempotencyKey)!.reference);
    }
    for (const id of ids.slice(0, 5)) assert.deepEqual((await w.store.deliveries.forRequest(id)).filter((d) => d.kind === 'request').map((j) => j.role), ['primary'], 'closed ones stay');
    // With its public history.
    assert.ok(peer.updates.some((u) => u.reference && u.update.description === 'Crew on the way'));
    // The staff console's built-in work list no longer holds them; the staff can no longer move them there.
    await assert.rejects(staffUpdate(w.store, 'example', ids[20], { status: 'investigating', description: 'x', by: 'staff' }), /handled by back-end "streets"/);

    const again = await pipework(['routes', 'move-open', 'pothole', '--dry-run'], env);
    assert.match(again.out, /0 open case\(s\) of example\/pothole would move/);
  } finally {
    await peer.close();
    await w.close();
  }
});
