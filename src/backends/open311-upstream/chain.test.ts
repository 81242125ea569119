import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { relayWorld, until } from '../../../test/support/delivery-world.ts';
import { saveBackend } from '../../routing/manage.ts';
import { staffUpdate } from '../../core/cases/builtin.ts';
import { open311UpstreamBackend } from './index.ts';
import { sampleJob } from '../../../test/support/backend-contract.ts';

test('two Pipeworks chained over Open311: A forwards to B, B staff close it, A pulls the status back', async () => {
  const a = await relayWorld();
  const b = await relayWorld();
  try {
    await b.app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(b.app.server.address() as AddressInfo).port}/open311/v2`;
    await saveBackend(a.store, { name: 'county', kind: 'open311-upstream', config: { url, apiKey: b.clientKey, jurisdictionId: 'example', format: 'xml', pollSeconds: 1 } }, 'test');
    await a.route('pothole', 'county');
    const req = await a.submit('Chained pothole');
    a.relay();
    await until(async () => (await a.store.deliveries.forRequest(req.id))[0].state === 'delivered', 10_000, 'delivery to B');
    const [job] = await a.store.deliveries.forRequest(req.id);
    const atB = await b.store.requests.get('example', job.externalRef!);
    assert.equal(atB?.description, 'Chained pothole');
    // At B the request sits in B's own case store; B's staff fix it.
    await staffUpdate(b.store, 'example', atB!.id, { status: 'fixed', description: 'Filled by the county', by: 'county staff' });
    await until(async () => (await a.store.requests.get('example', req.id))!.status === 'fixed', 15_000, "A's request fixed from B's update");
    const [u] = (await a.store.requests.history('example', req.id)).filter((x) => x.authorKind === 'backend');
    assert.equal(u.description, 'Filled by the county');
    assert.equal(u.externalStatusCode, 'fixed');
  } finally {
    await a.close();
    await b.close();
  }
});

test('pull "requests" mode: statuses read by id from GET requests, each change reported once', async () => {
  const b = await relayWorld();
  try {
    await b.app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(b.app.server.address() as AddressInfo).port}/open311/v2`;
    const backend = open311UpstreamBackend('county', { url, apiKey: b.clientKey, jurisdictionId: 'example', format: 'json', pull: 'requests', pollSeconds: 60 }, { timeoutMs: 2000 });
    const reference = (await backend.deliverRequest(sampleJob())).reference!;
    const first = await backend.pullUpdates!(undefined, async () => [reference, 'token:abc']);
    assert.deepEqual(first.reports.map((r) => [r.reference, r.code]), [[reference, 'open']]);
    await staffUpdate(b.store, 'example', reference, { status: 'investigating', description: 'Looking', by: 'county' });
    const second = await backend.pullUpdates!(undefined, async () => [reference]);
    assert.equal(second.reports[0].code, 'investigating');
    assert.notEqual(second.reports[0].updateId, first.reports[0].updateId, 'a new status is a new report; the same one again would be dropped');
  } finally {
    await b.close();
  }
});
