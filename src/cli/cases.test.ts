import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relayWorld } from '../../test/support/delivery-world.ts';
import { contextFor } from './context.ts';
import { cases } from './cases.ts';

test('built-in case store: staff list cases and move them on, through the service process, by CLI and API', async () => {
  const w = await relayWorld();
  try {
    const req = await w.submit('Held in Pipework');
    const out: string[] = [];
    const { ctx } = contextFor(w.config, (l) => out.push(l) > 0, (l) => out.push(l) > 0);
    ctx.store = async () => w.store;
    await cases.run(['list'], ctx);
    assert.match(out.join('\n'), new RegExp(`^${req.id}\\topen\\tpothole`, 'm'));
    await cases.run(['update', req.id, '--status', 'investigating', '--note', 'Inspector booked', '--by', 'kim'], ctx);
    assert.equal((await w.store.requests.get('example', req.id))!.status, 'investigating');
    const [u] = (await w.store.requests.history('example', req.id)).filter((x) => x.authorKind === 'staff');
    assert.equal(u.description, 'Inspector booked');

    const auth = { authorization: `Bearer ${w.adminKey}` };
    // investigating → in_progress is not in the pothole process: refused, not applied.
    const refused = await w.app.inject({ method: 'POST', url: `/admin/api/cases/example/${req.id}/updates`, headers: auth, payload: { status: 'in_progress' } });
    assert.equal(refused.statusCode, 409, refused.body);
    assert.equal(refused.json().error.code, 'TRANSITION_NOT_ALLOWED');
    const ok = await w.app.inject({ method: 'POST', url: `/admin/api/cases/example/${req.id}/updates`, headers: auth, payload: { status: 'fixed', description: 'Filled' } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal((await w.store.requests.get('example', req.id))!.status, 'fixed');
    const bad = await w.app.inject({ method: 'POST', url: `/admin/api/cases/example/${req.id}/updates`, headers: auth, payload: { status: 'sorted' } });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error.message, /not an Open311 status/);
    assert.equal((await w.app.inject({ method: 'POST', url: '/admin/api/cases/example/999999/updates', headers: auth, payload: { status: 'fixed' } })).statusCode, 404);
    const list = await w.app.inject({ url: '/admin/api/cases?jurisdiction_id=example&status=fixed', headers: auth });
    assert.deepEqual(list.json().cases.map((c: { service_request_id: string }) => c.service_request_id), [req.id]);
  } finally {
    await w.close();
  }
});
