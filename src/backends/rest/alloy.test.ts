import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DeliveryError } from '../port.ts';
import { restBackend } from './index.ts';
import { sampleJob } from '../../../test/support/backend-contract.ts';
import { alloyWorld } from '../../../test/support/backends/rest-vendors.ts';

const comment = (job: ReturnType<typeof sampleJob>, reference: string, text: string) => ({
  ...job,
  idempotencyKey: randomUUID(),
  reference,
  update: { id: '9', requestId: job.request.id, jurisdictionId: 'example', status: 'unchanged' as const, description: text, mediaUrls: [], authorKind: 'resident' as const, contact: {}, updatedAt: new Date('2026-12-01T10:00:00Z') },
});

test('Alloy: the item carries the design, geometry as GeoJSON [long, lat], Pipework id, category link and reporter', async () => {
  const { peer, config, attributes } = await alloyWorld();
  try {
    const backend = restBackend('alloy', config, { timeoutMs: 2000 });
    const job = sampleJob();
    const reference = (await backend.deliverRequest(job)).reference!;
    const item = peer.items.get(reference)!;
    assert.equal(item.designCode, (config.settings as { designCode: string }).designCode);
    assert.equal(item.collection, 'Live');
    assert.deepEqual(peer.attribute(reference, 'attributes_itemsGeometry'), { type: 'Point', coordinates: [-0.1276, 51.5072] });
    assert.equal(peer.attribute(reference, attributes.pipeworkId), job.request.id);
    assert.deepEqual(peer.attribute(reference, attributes.category), ['000000000000000000000101']);
    assert.equal(peer.attribute(reference, attributes.reporter), 'Ada, Lovelace, ada@example.org, 01234 567890');
    assert.equal(peer.attribute(reference, 'attributes_customerReportsDepth_000000000000000000000007'), 'deep', 'a mapped question');
    // A service with no category mapped sends no category attribute rather than an empty link.
    const other = sampleJob();
    other.request.serviceCode = 'graffiti';
    const second = await backend.deliverRequest(other);
    assert.equal(peer.attribute(second.reference!, attributes.category), undefined);
  } finally {
    await peer.close();
  }
});

test('Alloy: a re-sent job finds the item the first attempt made (one AQS query) instead of making a second', async () => {
  const { peer, config } = await alloyWorld();
  try {
    const backend = restBackend('alloy', config, { timeoutMs: 2000 });
    const job = sampleJob();
    const first = await backend.deliverRequest(job);
    const again = await backend.deliverRequest({ ...job, attempt: 2 });
    assert.equal(again.reference, first.reference);
    assert.deepEqual([peer.counts.creates, peer.counts.queries], [1, 1]);
    // The first attempt never looks (nothing can be there yet); a retry of a job that never arrived creates it.
    const lost = sampleJob();
    const made = await backend.deliverRequest({ ...lost, attempt: 3 });
    assert.deepEqual([peer.counts.creates, peer.counts.queries], [2, 2]);
    assert.ok(peer.items.has(made.reference!));
    // Without the find step Alloy makes a second item: it ignores Idempotency-Key.
    const { find: _, ...noFind } = config;
    await restBackend('alloy', noFind, { timeoutMs: 2000 }).deliverRequest({ ...job, attempt: 2 });
    assert.equal(peer.counts.creates, 3);
  } finally {
    await peer.close();
  }
});

test("Alloy: residents' comments are appended to the updates attribute with the item's current signature", async () => {
  const { peer, config, attributes } = await alloyWorld();
  try {
    const backend = restBackend('alloy', config, { timeoutMs: 2000 });
    const job = sampleJob();
    const reference = (await backend.deliverRequest(job)).reference!;
    await backend.deliverUpdate(comment(job, reference, 'It is getting bigger'));
    peer.edit(reference, attributes.status, ['000000000000000000000202']); // an officer works on it: new signature
    await backend.deliverUpdate(comment(job, reference, 'A car hit it'));
    assert.equal(peer.attribute(reference, attributes.comments), 'Resident update 2026-12-01T10:00:00.000Z: It is getting bigger\nResident update 2026-12-01T10:00:00.000Z: A car hit it');
    assert.equal(peer.counts.signatureMismatches, 0);
    // Edited in between: Alloy's 409 is retryable (configured), and the retry reads the new signature.
    peer.raceNextEdit();
    const err = await backend.deliverUpdate(comment(job, reference, 'Third')).catch((e: unknown) => e);
    assert.ok(err instanceof DeliveryError && err.retryable, `retryable, got ${err}`);
    await backend.deliverUpdate(comment(job, reference, 'Third'));
    assert.match(String(peer.attribute(reference, attributes.comments)), /A car hit it\nResident update .*: Third$/);
  } finally {
    await peer.close();
  }
});

test('Alloy: status is read from the status link of each item; an item with none yet reports nothing', async () => {
  const { peer, config, attributes } = await alloyWorld(shippedMap());
  try {
    const backend = restBackend('alloy', config, { timeoutMs: 2000 });
    const a = await backend.deliverRequest(sampleJob());
    const b = await backend.deliverRequest(sampleJob());
    peer.edit(a.reference!, attributes.status, ['000000000000000000000203']);
    const { reports, problems } = await backend.pullUpdates!(undefined, async () => [a.reference!, b.reference!]);
    assert.deepEqual(reports.map((r) => [r.reference, r.code]), [[a.reference, '000000000000000000000203']]);
    assert.deepEqual(problems, []);
    assert.equal(backend.statusMap[reports[0].code], 'fixed');
    assert.equal(backend.pullIntervalMs, 300_000);
  } finally {
    await peer.close();
  }
});

test('Alloy: a wrong API key is a 401 that is not retried; health says so', async () => {
  const { peer, config } = await alloyWorld();
  try {
    const backend = restBackend('alloy', { ...config, auth: { type: 'header', header: 'Authorization', prefix: 'Bearer ', apiKey: 'wrong' } }, { timeoutMs: 2000 });
    const err = await backend.deliverRequest(sampleJob()).catch((e: unknown) => e);
    assert.ok(err instanceof DeliveryError);
    assert.equal(err.retryable, false);
    assert.match(err.message, /HTTP 401.*Unauthorised/);
    assert.deepEqual(await backend.health(), { ok: false, detail: 'HTTP 401' });
  } finally {
    await peer.close();
  }
});

function shippedMap() {
  return { '000000000000000000000203': 'fixed', '000000000000000000000202': 'in_progress' };
}
