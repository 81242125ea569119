import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DeliveryError, type Backend, type RequestJob, type StatusReport } from '../../src/backends/port.ts';
import { mapStatus } from '../../src/backends/status-map.ts';

/**
 * What an adapter's test file gives the shared contract suite: the adapter,
 * wired to a REAL peer on 127.0.0.1 (HTTP server, SMTP server, directory),
 * and ways to look at that peer. Adapters are configured with the status map
 * `{ "DONE": "fixed" }` so the suite can check mapping.
 */
export interface ContractHarness {
  backend: Backend;
  /** How many cases the peer holds for requests with this description. */
  casesFor(description: string): Promise<number>;
  /** What the peer received about updates on a reference (comment texts). */
  commentsFor(reference: string): Promise<string[]>;
  /** The peer honours Idempotency-Key: sending one job twice makes one case. */
  honoursIdempotency: boolean;
  /** For push/pull adapters: make the peer report `code` for `reference` and return what the adapter reads from it. */
  reportStatus?(reference: string, code: string, description: string): Promise<StatusReport[]>;
  /** Makes the peer unreachable; the next delivery must fail with a retryable DeliveryError. */
  breakPeer?(): Promise<void>;
  close(): Promise<void>;
}

let seq = 0;
/** A realistic new-request job, unique per call. */
export function sampleJob(over: Partial<RequestJob> = {}): RequestJob {
  const id = String(Date.now() % 1_000_000_000) + String(++seq).padStart(3, '0');
  const description = `Pothole outside number ${seq} ${randomUUID().slice(0, 8)}`;
  return {
    deliveryId: id,
    idempotencyKey: randomUUID(),
    attempt: 1,
    serviceName: 'Pothole',
    contact: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org', phone: '01234 567890' },
    request: {
      id,
      jurisdictionId: 'example',
      serviceCode: 'pothole',
      status: 'open',
      description,
      attributes: { depth: 'deep' },
      location: { lat: 51.5072, long: -0.1276, address: '1 High Street, Example' },
      mediaUrls: ['http://pipework.test/media/abc.jpg'],
      source: 'open311',
      requestedAt: new Date(),
      updatedAt: new Date(),
    },
    ...over,
  };
}

/**
 * The contract every back-end adapter passes, with a one-line test file:
 *
 * @example backendContract('webhook', async () => { const peer = await webhookPeer(…); return { backend: webhookBackend(…), … }; });
 */
export function backendContract(kind: string, setup: () => Promise<ContractHarness>) {
  let h: ContractHarness;
  before(async () => {
    h = await setup();
  });
  after(() => h?.close());

  test(`${kind}: declares how status comes back, and reports healthy`, async () => {
    assert.equal(h.backend.kind, kind);
    assert.ok(['transaction', 'idempotency-key', 'lookup-before-resend', 'unique-name', 'at-least-once'].includes(h.backend.guarantee), `declares its delivery guarantee, got ${h.backend.guarantee}`);
    assert.ok(['push', 'pull', 'none'].includes(h.backend.statusUpdates));
    if (h.backend.statusUpdates === 'push') assert.equal(typeof h.backend.parseInbound, 'function');
    if (h.backend.statusUpdates === 'pull') assert.equal(typeof h.backend.pullUpdates, 'function');
    const health = await h.backend.health();
    assert.equal(health.ok, true, health.detail);
  });

  const deliver = async (job: RequestJob) => {
    const r = h.backend.deliverBatch && h.backend.batchIntervalMs ? unwrap((await h.backend.deliverBatch([job]))[0]) : await h.backend.deliverRequest(job);
    assert.ok(r.reference, `a reference for a readable answer (note: ${(r as { note?: string }).note})`);
    return { ...r, reference: r.reference };
  };

  test(`${kind}: a new request reaches the peer and gives back a reference`, async () => {
    const job = sampleJob();
    const { reference } = await deliver(job);
    assert.ok(reference && reference.trim().length > 0, 'a non-empty reference');
    assert.equal(await h.casesFor(job.request.description!), 1);
  });

  test(`${kind}: the same job sent twice (a retry after a lost reply) ${'is one case where the peer honours Idempotency-Key'}`, async () => {
    const job = sampleJob();
    const first = await deliver(job);
    const second = await deliver({ ...job, attempt: 2 });
    if (h.honoursIdempotency) {
      assert.equal(second.reference, first.reference);
      assert.equal(await h.casesFor(job.request.description!), 1);
    } else {
      assert.ok((await h.casesFor(job.request.description!)) >= 1);
    }
  });

  test(`${kind}: a resident's comment reaches the peer`, async () => {
    const job = sampleJob();
    const { reference } = await deliver(job);
    const update = { id: '77', requestId: job.request.id, jurisdictionId: 'example', status: 'unchanged' as const, description: 'It is getting bigger', mediaUrls: [], authorKind: 'resident' as const, contact: {}, updatedAt: new Date() };
    await h.backend.deliverUpdate({ ...job, idempotencyKey: randomUUID(), reference, update });
    assert.ok((await h.commentsFor(reference)).some((c) => c.includes('It is getting bigger')));
  });

  test(`${kind}: status comes back with its raw code; mapped when known, kept when not`, async (t) => {
    if (!h.reportStatus) return t.skip(`${kind} does not report status`);
    const job = sampleJob();
    const { reference } = await deliver(job);
    const [done] = await h.reportStatus(reference, 'DONE', 'Filled in');
    assert.ok(done.reference === reference || done.requestId === job.request.id, 'the report names the request');
    assert.equal(done.code, 'DONE');
    assert.deepEqual(mapStatus(h.backend.statusMap, done.code), { status: 'fixed', known: true });
    const [odd] = await h.reportStatus(reference, 'WAITING_FOR_PARTS', 'Parts ordered');
    assert.equal(odd.code, 'WAITING_FOR_PARTS');
    assert.deepEqual(mapStatus(h.backend.statusMap, odd.code), { status: 'unchanged', known: false });
  });

  test(`${kind}: an unreachable peer is a retryable DeliveryError, not a crash`, async (t) => {
    if (!h.breakPeer) return t.skip(`${kind} has no peer to lose`);
    await h.breakPeer();
    const err = await deliver(sampleJob()).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof DeliveryError, `DeliveryError, got ${err}`);
    assert.equal(err.retryable, true);
    assert.ok((await h.backend.health()).ok === false);
  });
}

function unwrap(r: { reference: string } | DeliveryError | undefined) {
  if (!r) throw new DeliveryError('no result');
  if (r instanceof DeliveryError) throw r;
  return r;
}
