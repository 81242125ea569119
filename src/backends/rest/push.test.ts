import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { relayWorld, until } from '../../../test/support/delivery-world.ts';
import { restPeer } from '../../../test/support/backends/rest-peer.ts';
import { simpleConfig } from '../../../test/support/backends/rest.ts';
import { saveBackend } from '../../routing/manage.ts';
import { PipeworkError } from '../../core/errors.ts';
import type { RestConfig } from './index.ts';

// Status pushed by a rest back-end to Pipework's inbound route, over real HTTP both ways,
// on this run's database (SQLite, or PostgreSQL with DATABASE_URL).

const HMAC = 'cases-push-hmac-secret-0123456789';
const TOKEN = 'cases-push-shared-token-0123456789';

function pushing(base: string, push: RestConfig['push']): RestConfig {
  const { pull: _, ...config } = simpleConfig(base, { type: 'none' });
  return { ...config, push, statusMap: { DONE: 'fixed', WIP: 'action_scheduled' } };
}

async function world(push: RestConfig['push']) {
  const w = await relayWorld();
  const peer = await restPeer('none');
  await saveBackend(w.store, { name: 'cases', kind: 'rest', config: pushing(peer.base, push) }, 'test');
  await w.route('pothole', 'cases');
  w.relay();
  await w.app.listen({ port: 0, host: '127.0.0.1' });
  const inbound = `http://127.0.0.1:${(w.app.server.address() as AddressInfo).port}/backends/cases/updates`;
  const req = await w.submit('Pothole whose status is pushed');
  await until(async () => !!(await w.store.deliveries.forRequest(req.id))[0]?.externalRef, 10_000, 'delivered');
  const reference = (await w.store.deliveries.forRequest(req.id))[0].externalRef!;
  const status = async () => (await w.store.requests.get('example', req.id))?.status;
  return { w, peer, inbound, req, reference, status, close: async () => (await w.close(), await peer.close()) };
}

test('rest push, JSON with an HMAC of the body: mapped by JSONata into the request; a re-send is dropped; a bad signature is 401', async () => {
  const { peer, inbound, reference, status, w, req, close } = await world({
    auth: { type: 'hmac', header: 'X-Cases-Signature', secret: HMAC, algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' },
    reports: "{ 'reference': body.case.id, 'code': body.case.state, 'description': body.case.state_note, 'update_id': body.event_id, 'at': body.changed_at }",
  });
  try {
    peer.setState(reference, 'DONE', 'Filled in');
    const ok = await peer.notify(inbound, reference, { as: 'json', hmacSecret: HMAC, eventId: 'e-1' });
    assert.equal(ok.status, 200, ok.body);
    assert.deepEqual(JSON.parse(ok.body).results.map((r: { status: string; duplicate: boolean }) => [r.status, r.duplicate]), [['fixed', false]]);
    assert.equal(await status(), 'fixed');
    const latest = (await w.store.requests.history('example', req.id)).filter((u) => u.authorKind === 'backend').at(-1)!;
    assert.deepEqual([latest.externalStatusCode, latest.description], ['DONE', 'Filled in']);

    const again = await peer.notify(inbound, reference, { as: 'json', hmacSecret: HMAC, eventId: 'e-1' });
    assert.equal(JSON.parse(again.body).results[0].duplicate, true);

    peer.setState(reference, 'WIP', 'Reopened');
    const forged = await peer.notify(inbound, reference, { as: 'json', hmacSecret: 'not-the-secret-at-all-000', eventId: 'e-2' });
    assert.equal(forged.status, 401);
    assert.equal(JSON.parse(forged.body).error.code, 'SIGNATURE_INVALID');
    const unsigned = await peer.notify(inbound, reference, { as: 'json', eventId: 'e-3' });
    assert.equal(unsigned.status, 401);
    assert.match(JSON.parse(unsigned.body).error.message, /X-Cases-Signature header is required/);
    assert.equal(await status(), 'fixed', 'nothing unsigned was applied');
  } finally {
    await close();
  }
});

test('rest push, XML with a shared-secret header: namespaces dropped, attributes read; unreadable bodies are 400, never a 500', async () => {
  const { peer, inbound, reference, status, close } = await world({
    auth: { type: 'header', header: 'X-Cases-Token', prefix: '', secret: TOKEN },
    format: 'xml',
    reports: "{ 'reference': body.caseEvent.case.`@_id`, 'code': body.caseEvent.case.state, 'description': body.caseEvent.case.note, 'update_id': body.caseEvent.eventId }",
  });
  try {
    peer.setState(reference, 'WIP', 'Crew booked');
    const ok = await peer.notify(inbound, reference, { as: 'xml', tokenSecret: TOKEN, eventId: 'x-1' });
    assert.equal(ok.status, 200, ok.body);
    assert.equal(await status(), 'action_scheduled');

    const wrong = await peer.notify(inbound, reference, { as: 'xml', tokenSecret: 'a-wrong-token-0123456789', eventId: 'x-2' });
    assert.equal(wrong.status, 401);

    const post = (body: string, type: string) => fetch(inbound, { method: 'POST', headers: { 'content-type': type, 'x-cases-token': TOKEN }, body }).then(async (r) => ({ status: r.status, json: await r.json() }));
    const broken = await post('<caseEvent><case', 'application/xml');
    assert.equal(broken.status, 400);
    assert.match(broken.json.error.message, /not XML/);
    const doctype = await post('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><caseEvent/>', 'application/xml');
    assert.equal(doctype.status, 400);
    const noCode = await post('<caseEvent><case id="C-1"/></caseEvent>', 'text/xml');
    assert.equal(noCode.status, 400);
    assert.match(noCode.json.error.message, /a report without code was set aside/);
    const unknown = await post(`<caseEvent><eventId>x-9</eventId><case id="C-NOPE"><state>DONE</state></case></caseEvent>`, 'application/xml');
    assert.equal(unknown.status, 404, JSON.stringify(unknown.json));
    assert.equal(await status(), 'action_scheduled');
  } finally {
    await close();
  }
});

test('rest push: a configuration with both push and pull, or a broken push.reports, is refused when saved', async () => {
  const w = await relayWorld();
  try {
    const push = { auth: { type: 'header' as const, header: 'X-Cases-Token', prefix: '', secret: TOKEN }, reports: "{ 'code': body.state" };
    const err = await saveBackend(w.store, { name: 'cases', kind: 'rest', config: { ...simpleConfig('http://127.0.0.1:9/v1/', { type: 'none' }), push } }, 'test').catch((e: unknown) => e);
    assert.ok(err instanceof PipeworkError);
    assert.deepEqual(err.problems.map((p) => p.field).sort(), ['config.push', 'config.push.reports']);
  } finally {
    await w.close();
  }
});
