import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relayWorld, until, SECRET } from '../../test/support/delivery-world.ts';
import { webhookPeer } from '../../test/support/backends/webhook-peer.ts';
import { pipework } from '../../test/support/cli.ts';

test('fix the map, heal the cases: a statusMap change re-reads the unknown reports kept, with a dry run first (admin API and CLI)', async () => {
  const w = await relayWorld();
  const peer = await webhookPeer({ secret: SECRET });
  const auth = { authorization: `Bearer ${w.adminKey}` };
  try {
    await w.webhook('streets', peer.url);
    await w.route('pothole', 'streets');
    const ids = [(await w.submit('First')).id, (await w.submit('Second')).id];
    w.relay();
    await until(async () => (await Promise.all(ids.map((id) => w.store.deliveries.forRequest(id)))).flat().every((d) => d.state === 'delivered'), 10_000, 'delivered');
    const refs = await Promise.all(ids.map(async (id) => (await w.store.deliveries.forRequest(id))[0].externalRef));
    // The back-end says ENQUIRY (Pipework has no mapping for it) on both, and PARTS on the second.
    const push = async (reports: object[]) => {
      const call = peer.statusCall(reports);
      assert.equal((await w.app.inject({ method: 'POST', url: '/backends/streets/updates', headers: call.headers, payload: call.body })).statusCode, 200);
    };
    await push([{ reference: refs[0], status: 'ENQUIRY', update_id: 'e1', description: 'Looking into it' }, { reference: refs[1], status: 'ENQUIRY', update_id: 'e2' }]);
    await push([{ reference: refs[1], status: 'PARTS', update_id: 'p2' }]);
    const status = async (id: string) => (await w.store.requests.get('example', id))!.status;
    assert.deepEqual([await status(ids[0]), await status(ids[1])], ['open', 'open'], 'unknown codes move nothing');

    const config = { url: peer.url, secret: SECRET, statusMap: { DONE: 'fixed', WIP: 'in_progress', ENQUIRY: 'investigating' } };
    const dry = await w.app.inject({ method: 'PUT', url: '/admin/api/backends/streets?dry_run=true', headers: auth, payload: { kind: 'webhook', config } });
    assert.equal(dry.statusCode, 200, dry.body);
    assert.deepEqual(
      dry.json().remap.changed.map((c: { service_request_id: string; code: string; now: string; moves: boolean }) => [c.service_request_id, c.code, c.now, c.moves]),
      [
        [ids[0], 'ENQUIRY', 'investigating', true],
        [ids[1], 'ENQUIRY', 'investigating', false],
      ],
      "the second request's latest report is PARTS: its older ENQUIRY is re-labelled, it does not move the request",
    );
    assert.deepEqual(dry.json().remap.still_unknown, { PARTS: 1 });
    assert.equal(await status(ids[0]), 'open', 'a dry run changes nothing');
    assert.equal((await w.store.routing.backend('streets'))!.config.statusMap && JSON.stringify((await w.store.routing.backend('streets'))!.config.statusMap).includes('ENQUIRY'), false, 'nor saves');

    // The CLI's dry run says the same (the real binary).
    const cli = await pipework(['routes', 'backend', 'streets', '--kind', 'webhook', '--config', JSON.stringify(config), '--dry-run'], { DATABASE_URL: w.store.url });
    assert.equal(cli.code, 0, cli.err);
    assert.match(cli.out, new RegExp(`request ${ids[0]}: ENQUIRY was unchanged, now investigating \\(would move the request\\)`));
    assert.match(cli.out, /Still not in the statusMap: PARTS \(1\)\nDry run: nothing was saved\./);

    const saved = await w.app.inject({ method: 'PUT', url: '/admin/api/backends/streets', headers: auth, payload: { kind: 'webhook', config } });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal(await status(ids[0]), 'investigating', 'healed');
    assert.equal(await status(ids[1]), 'open');
    const [u] = (await w.store.requests.history('example', ids[0])).filter((x) => x.status === 'investigating');
    assert.equal(u.description, 'Looking into it');
    assert.equal(u.externalStatusCode, 'ENQUIRY');
    assert.equal((await w.store.deliveries.events({ backend: 'streets', unknownOnly: true, limit: 10 })).map((e) => e.externalCode).join(), 'PARTS');

    // Saving again re-reads nothing and adds nothing.
    const again = await w.app.inject({ method: 'PUT', url: '/admin/api/backends/streets', headers: auth, payload: { kind: 'webhook', config } });
    assert.deepEqual(again.json().remap.changed, []);
    assert.equal((await w.store.requests.history('example', ids[0])).filter((x) => x.status === 'investigating').length, 1);
  } finally {
    await peer.close();
    await w.close();
  }
});
