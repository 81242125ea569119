import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { relayWorld, until, SECRET } from '../../../test/support/delivery-world.ts';
import { webhookPeer } from '../../../test/support/backends/webhook-peer.ts';
import { staffClient, staffUser } from '../../../test/support/staff.ts';

// Deliveries in /staff/admin/: a back-end that has gone away (nothing listens), its failed jobs, retry, and re-route to a live one.

let w: Awaited<ReturnType<typeof relayWorld>>;
let peer: Awaited<ReturnType<typeof webhookPeer>>;
let admin: ReturnType<typeof staffClient>;

before(async () => {
  w = await relayWorld({ deliveryMaxAttempts: 2 });
  peer = await webhookPeer({ secret: SECRET });
  await w.webhook('old-crm', 'http://127.0.0.1:9/gone');
  await w.webhook('streets', peer.url);
  await w.route('pothole', 'old-crm');
  await staffUser(w.store, 'admin@example.gov.uk', 'admin', 'example', 'Ada Admin');
  await staffUser(w.store, 'super@example.gov.uk', 'supervisor', 'example', 'Sue Supervisor');
  admin = staffClient(w.app);
  await admin.signIn('admin@example.gov.uk');
});
after(async () => {
  await w.close();
  await peer.close();
});

const audit = async (action: string) => (await w.store.staff.audit.list({ jurisdictionId: 'example', limit: 200 })).filter((e) => e.action === action);
const ownerJob = async (id: string) => (await w.store.deliveries.forRequest(id)).find((d) => d.kind === 'request')!;

test('failed jobs per back-end, one job with its attempts, retry one, then re-route the rest to a live back-end', async () => {
  const ids = [(await w.submit()).id, (await w.submit()).id, (await w.submit()).id];
  const relay = w.relay();
  await until(async () => (await Promise.all(ids.map(ownerJob))).every((d) => d.state === 'dead'), 10_000, 'jobs to fail');
  await relay.stop();

  const list = await admin.get('/staff/admin/deliveries');
  assert.equal(list.statusCode, 200);
  const backlog = list.body.slice(list.body.indexOf('id="backlog"'), list.body.indexOf('</table>', list.body.indexOf('id="backlog"')));
  assert.match(backlog, /old-crm<\/a>[\s\S]*?<td[^>]*>0<\/td><td[^>]*>0<\/td><td[^>]*>3<\/td>/);

  const job = await ownerJob(ids[0]);
  const one = await admin.get(`/staff/admin/deliveries/${job.id}`);
  assert.equal(one.statusCode, 200);
  assert.equal((one.body.slice(one.body.indexOf('id="attempts"')).match(/<td class="govuk-table__cell">failed|<td class="govuk-table__cell">dead/g) ?? []).length, 2);
  assert.equal((await admin.post(`/staff/admin/deliveries/${job.id}/retry`, {})).statusCode, 303);
  assert.equal((await ownerJob(ids[0])).state, 'pending');
  assert.equal((await audit('delivery.retry')).length, 1);
  // A job that is not failed cannot be retried: a page says why.
  assert.equal((await admin.post(`/staff/admin/deliveries/${job.id}/retry`, {})).statusCode, 400);

  const sue = staffClient(w.app);
  await sue.signIn('super@example.gov.uk');
  await sue.get('/staff/account');
  assert.equal((await sue.post('/staff/admin/deliveries/reroute', { from: 'old-crm', to: 'streets' })).statusCode, 403);

  await admin.get('/staff/admin/deliveries');
  const same = await admin.post('/staff/admin/deliveries/reroute', { from: 'old-crm', to: 'old-crm' });
  assert.equal(same.statusCode, 400);
  assert.match(same.body, /href="#reroute-to"/);
  const moved = await admin.post('/staff/admin/deliveries/reroute', { from: 'old-crm', to: 'streets' });
  assert.equal(moved.statusCode, 303);
  assert.match((await admin.get('/staff/admin/deliveries')).body, /Re-routed 3 deliveries from old-crm to streets/);
  const [entry] = await audit('delivery.reroute');
  assert.equal(entry.actor, 'admin@example.gov.uk');
  assert.equal(entry.reason, '3 moved, 0 left');

  w.relay();
  await until(async () => (await Promise.all(ids.map(ownerJob))).every((d) => d.state === 'delivered' && d.backend === 'streets'), 10_000, 're-routed deliveries');
  const stats = await (await fetch(peer.url.replace(/\/hook$/, '/stats'))).json();
  assert.equal(stats.cases, 3);
});

test('the admin API re-routes the same way, and refuses an unknown target', async () => {
  const auth = { authorization: `Bearer ${w.adminKey}` };
  const none = await w.app.inject({ method: 'POST', url: '/admin/api/deliveries/reroute', headers: auth, payload: { from: 'old-crm', to: 'streets' } });
  assert.equal(none.statusCode, 200);
  assert.deepEqual(none.json(), { moved: 0, skipped: 0 });
  const unknown = await w.app.inject({ method: 'POST', url: '/admin/api/deliveries/reroute', headers: auth, payload: { from: 'old-crm', to: 'nowhere' } });
  assert.equal(unknown.statusCode, 404);
  assert.equal(unknown.json().error?.code ?? unknown.json().code, 'BACKEND_NOT_FOUND');
});
