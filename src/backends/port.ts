import type { Contact, RequestUpdate, ServiceRequest } from '../core/requests/request.ts';
import type { ServiceAttribute } from '../core/services/service.ts';

/**
 * The back-end port: what every adapter (built-in case store, webhook, Open311
 * upstream, email, file drop) implements. The relay calls it; adapters never
 * touch the store. Status updates come back either pushed to Pipework's
 * inbound endpoint (`statusUpdates: 'push'`, via `parseInbound`), pulled on a
 * schedule (`'pull'`, via `pullUpdates`) or not at all (`'none'`).
 *
 * @example
 *   const backend: Backend = {
 *     name: 'streets', kind: 'webhook', statusUpdates: 'push',
 *     async deliverRequest(job) { const r = await post(job); return { reference: r.reference }; },
 *     async deliverUpdate(job) { await post(job); return {}; },
 *     async health() { return { ok: true, detail: 'HTTP 200' }; },
 *     async parseInbound(headers, body) { verify(headers, body); return [{ reference: 'X1', code: 'DONE' }]; },
 *   };
 */
export interface Backend {
  readonly name: string;
  readonly kind: string;
  readonly statusUpdates: 'push' | 'pull' | 'none';
  /** What "exactly once" means for this adapter, and how it is kept (docs/backends.md). */
  readonly guarantee: DeliveryGuarantee;
  /** Batch adapters (file drop): jobs are handed over together, at most once per this interval, through `deliverBatch`. */
  readonly batchIntervalMs?: number;
  /** Pull adapters: how often to pull. */
  readonly pullIntervalMs?: number;
  /**
   * Pull adapters that read each request's status (rather than a feed of
   * changes): how many requests one pull reads, and how long after closing a
   * request is still read. Its reports are snapshots: one that says what the
   * last one said is not a change.
   */
  readonly pullPages?: { size: number; closedGraceMs: number };
  /** Back-end code → Open311 extended status. Codes not listed (and not already a status) are kept, unmapped. */
  readonly statusMap: Record<string, string>;
  /**
   * Sends a new request; resolves with the back-end's own reference for it.
   * No reference: the back-end took it (a 2xx) but its answer could not be
   * read; the job is delivered and `reconcile` finds the reference later.
   * Throws DeliveryError.
   */
  deliverRequest(job: RequestJob): Promise<RequestDelivered>;
  /** Sends a resident's update or comment on a request the back-end already holds. Throws DeliveryError. A `note` says it was kept in Pipework instead. */
  deliverUpdate(job: UpdateJob): Promise<{ reference?: string; note?: string }>;
  /** Finds, on the back-end, the case a delivered job with an unknown reference made. */
  reconcile?(job: RequestJob): Promise<RequestDelivered>;
  /** What the configuration relies on, tried one by one (`routes check`). */
  probe?(): Promise<Probe[]>;
  /** Tells the back-end a case it held is now handled elsewhere (`routes move-open`). */
  handOver?(reference: string, to: string, job: RequestJob): Promise<void>;
  /**
   * Tells the back-end to erase what it holds of a request, or of one comment
   * on it (`job.updateId`), for a person's erasure request. Adapters that have no way to say so leave it out: the erasure is
   * then recorded for the council to pass on by hand. Throws DeliveryError.
   */
  deliverErasure?(job: ErasureJob): Promise<{ reference?: string }>;
  /** Batch adapters: one outcome per job, in order (a reference, or the error for that job). */
  deliverBatch?(jobs: RequestJob[]): Promise<({ reference: string } | DeliveryError)[]>;
  /** Pull adapters: status reports since `cursor`, and the cursor to pass next time. */
  pullUpdates?(cursor: string | undefined, refs: () => Promise<string[]>): Promise<PullResult>;
  /** Push adapters: checks the signature of an inbound call and reads its reports (async: a mapping may be, e.g. JSONata). Rejects with InboundError. */
  parseInbound?(headers: Record<string, string | string[] | undefined>, body: Buffer): Promise<StatusReport[]>;
  health(): Promise<{ ok: boolean; detail: string }>;
  close?(): Promise<void>;
}

/**
 * - `transaction`: the case is written with the request (the built-in store).
 * - `idempotency-key`: the peer drops repeats of the job's Idempotency-Key (the contract says it must).
 * - `lookup-before-resend`: the peer may ignore the key; before sending again the adapter looks for the first send and adopts it.
 * - `unique-name`: each job is one file named by its key; a re-send overwrites, never adds.
 * - `at-least-once`: a repeat after a lost answer may arrive twice; the receiver must spot it.
 */
export type DeliveryGuarantee = 'transaction' | 'idempotency-key' | 'lookup-before-resend' | 'unique-name' | 'at-least-once';

export interface RequestDelivered {
  reference?: string;
  /** What was off (a non-spec reply, a case adopted after a lookup), kept on the job. */
  note?: string;
  /** The back-end may hold two cases for this request (counted by the migration report). */
  suspectDuplicate?: boolean;
}

/** One thing `routes check` tried. */
export interface Probe {
  check: string;
  ok: boolean;
  detail: string;
}

export interface RequestJob {
  deliveryId: string;
  /** Same on every attempt of this job: back-ends use it to drop repeats. */
  idempotencyKey: string;
  attempt: number;
  /** When this job was first tried (attempts after the first): the window to look for the first send in. */
  firstAttemptAt?: Date;
  /** True when another job already holds this reference at this back-end (so a lookup does not adopt someone else's case). */
  referenceTaken?(reference: string): Promise<boolean>;
  request: ServiceRequest;
  contact: Contact;
  serviceName: string;
  /** The service's questions (attribute definitions), so an adapter can show question text and option names rather than codes. */
  questions?: ServiceAttribute[];
}

export interface UpdateJob extends RequestJob {
  /** The back-end's own reference for the request. */
  reference: string;
  update: RequestUpdate;
}

export interface ErasureJob {
  deliveryId: string;
  idempotencyKey: string;
  attempt: number;
  /** Pipework's id of the request (already anonymised here). */
  requestId: string;
  /** The back-end's own reference for the request. */
  reference: string;
  serviceCode: string;
  /**
   * Set: erase only this update, the person's comment on someone else's
   * request (Pipework's `update_id`, as sent in the update); the request itself stays.
   */
  updateId?: string;
}

/** One status report from a back-end, before mapping. */
export interface StatusReport {
  /** The back-end's reference for the request (or `requestId`, Pipework's own id). */
  reference?: string;
  requestId?: string;
  /** The back-end's raw status code, kept whatever it maps to. */
  code: string;
  description?: string;
  /** The back-end's id for this report, to drop repeats; derived from the report when absent. */
  updateId?: string;
  at?: Date;
}

export interface PullResult {
  reports: StatusReport[];
  cursor?: string;
  /** Input the adapter set aside (a corrupt CSV row…), each said plainly. */
  problems: string[];
  /** Called once the reports are applied (e.g. moves the files read to processed/), so a crash before it re-reads them. */
  done?: () => Promise<void>;
}

/** A delivery that failed. `retryable: false` dead-letters the job at once (e.g. the back-end rejected the data). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable = true,
    /** The HTTP answer, when there was one (its status and body), so an adapter can read the error the back-end gave. */
    readonly reply?: { status: number; text: string },
  ) {
    super(message);
  }
}

/**
 * What `deliverUpdate` answers when a resident's comment cannot go to the
 * back-end (it has no way to take comments): the job is delivered with this
 * note, so the comment stays in Pipework for staff, never dead-lettered.
 */
export function keptInPipework(why: string): { note: string } {
  return { note: `kept in Pipework, not sent: ${why}` };
}

/** An inbound call that must be refused: 401 (bad signature) or 400 (unreadable). */
export class InboundError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 401,
  ) {
    super(message);
  }
}

/** The dependencies an adapter factory gets. */
export interface BackendDeps {
  /** Upper bound of one call to the back-end. */
  timeoutMs: number;
}
