import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DeliveryError } from '../port.ts';
import { restBackend } from './index.ts';
import { sampleJob } from '../../../test/support/backend-contract.ts';
import { confirmWorld } from '../../../test/support/backends/rest-vendors.ts';

test('Confirm: NewEnquiry carries the service and subject, the grid reference, our id, the customer and photos', async () => {
  const { peer, config } = await confirmWorld();
  try {
    const backend = restBackend('confirm', config, { timeoutMs: 2000 });
    const job = sampleJob();
    const reference = (await backend.deliverRequest(job)).reference!;
    assert.match(reference, /^\d+$/);
    const e = peer.enquiries.get(reference)!.fields;
    assert.deepEqual([e.ServiceCode, e.SubjectCode, e.EnquiryNumber], ['HWAY', 'POTH', '1']);
    assert.deepEqual([e.EnquiryX, e.EnquiryY], ['530043', '180358'], 'WGS84 51.5072, -0.1276 on the British National Grid');
    assert.equal(e.EnquiryReference, job.request.id);
    assert.equal(e.EnquiryLocation, '1 High Street, Example');
    assert.deepEqual(e.EnquiryCustomer, { CustomerForename: 'Ada', CustomerSurname: 'Lovelace', CustomerEmail: 'ada@example.org', CustomerPhone: '01234 567890', EnquiryMethodCode: 'WEB', PointOfContactCode: 'WEB' });
    assert.deepEqual(e.EnquiryDocument, [{ DocumentNotes: 'Photo sent with the report', DocumentLocation: 'http://pipework.test/media/abc.jpg' }]);
    assert.deepEqual(e.EnquiryAttribute, [{ EnqAttribTypeCode: 'DPTH', EnqAttribStringValue: 'deep' }], 'answers the council maps, by its attribute type code');
    // A grid reference the resident's report already has is sent as it is.
    const gridded = sampleJob();
    gridded.request.location = { easting: 123456, northing: 654321 };
    gridded.contact = {};
    const g = peer.enquiries.get((await backend.deliverRequest(gridded)).reference!)!.fields;
    assert.deepEqual([g.EnquiryX, g.EnquiryY, g.EnquiryLocation, g.EnquiryCustomer], ['123456', '654321', undefined, { EnquiryMethodCode: 'WEB', PointOfContactCode: 'WEB' }], 'nulls are left out, not sent empty');
  } finally {
    await peer.close();
  }
});

test("Confirm: a Fault in the answer (a service it does not know) is a refusal, not retried; bad credentials' SOAP fault is", async () => {
  const { peer, config } = await confirmWorld();
  try {
    const job = sampleJob();
    job.request.serviceCode = 'graffiti';
    const refused = await restBackend('confirm', config, { timeoutMs: 2000 }).deliverRequest(job).catch((e: unknown) => e);
    assert.ok(refused instanceof DeliveryError);
    assert.equal(refused.retryable, false);
    assert.match(refused.message, /^confirm refused it: Validate enquiry\.Service \(none\)/);
    assert.equal(peer.enquiries.size, 0);

    const wrong = restBackend('confirm', { ...config, settings: { ...config.settings, password: 'wrong' } }, { timeoutMs: 2000 });
    const e500 = await wrong.deliverRequest(sampleJob()).catch((e: unknown) => e);
    assert.ok(e500 instanceof DeliveryError);
    assert.match(e500.message, /HTTP 500.*Authentication failed/);
    assert.equal(e500.retryable, true, 'a SOAP fault is HTTP 500; nothing tells it from a server error');
    assert.equal((await wrong.health()).ok, false);
    assert.deepEqual(await restBackend('confirm', config, { timeoutMs: 2000 }).health(), { ok: true, detail: 'HTTP 200' });
  } finally {
    await peer.close();
  }
});

test('Confirm: a comment is a status log note that keeps the status; the feed brings each log once, with its time', async () => {
  const { peer, config } = await confirmWorld();
  try {
    const backend = restBackend('confirm', config, { timeoutMs: 2000 });
    const job = sampleJob();
    const reference = (await backend.deliverRequest(job)).reference!;
    peer.setStatus(reference, 'INP', 'Inspector booked (internal)');
    const update = { id: '5', requestId: job.request.id, jurisdictionId: 'example', status: 'unchanged' as const, description: 'Now two holes', mediaUrls: [], authorKind: 'resident' as const, contact: {}, updatedAt: new Date(Date.now() - 3_600_000) };
    await backend.deliverUpdate({ ...job, idempotencyKey: randomUUID(), reference, update });
    const logs = peer.enquiries.get(reference)!.logs;
    assert.deepEqual(logs.map((l) => [l.EnquiryStatusCode, l.StatusLogNotes]), [['NEW', ''], ['INP', 'Inspector booked (internal)'], ['INP', 'Resident: Now two holes']]);

    const first = await backend.pullUpdates!(undefined, async () => []);
    const mine = first.reports.filter((r) => r.reference === reference);
    assert.deepEqual(mine.map((r) => [r.code, r.updateId]), [['NEW', `${reference}:1`], ['INP', `${reference}:2`]], 'the log our comment made is left out');
    assert.equal(mine[1].at?.toISOString(), logs[1].LogEffectiveTime);
    assert.ok(mine.every((r) => r.description === undefined), "Confirm's status log notes are staff notes: not made public");
    assert.ok(first.cursor && new Date(first.cursor).getTime() < Date.now());
    peer.setStatus(reference, 'FIX');
    const next = await backend.pullUpdates!(first.cursor, async () => []);
    assert.deepEqual(next.reports.filter((r) => r.reference === reference).at(-1)?.code, 'FIX');
  } finally {
    await peer.close();
  }
});
