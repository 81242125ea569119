import type { Contact, RequestUpdate, ServiceRequest } from '../requests/request.ts';
import type { OpenMoveStore } from './moves.ts';

/**
 * Which part a back-end plays for one request: `primary` and `canary` own it
 * (their status updates are the request's public status); `shadow` receives a
 * copy whose results are recorded but never shown to residents.
 */
export type DeliveryRole = 'primary' | 'canary' | 'shadow' | 'former';

/**
 * Owners' reports are the request's public status. `former`: held it until
 * `routes move-open` moved it on; its reports are recorded, never shown, and
 * residents' comments no longer go there.
 */
export const ownsRequest = (role: DeliveryRole | string) => role === 'primary' || role === 'canary';
/** `erasure`: tells a back-end that holds the request to erase the person's data (docs/records.md). */
export type DeliveryKind = 'request' | 'update' | 'erasure';
/** pending → in_flight → delivered; after the give-up, `dead` (kept, and retried only by an operator). */
export type DeliveryState = 'pending' | 'in_flight' | 'delivered' | 'dead';

/** A job to write in the same transaction as the request (or update) it carries. */
export interface NewDelivery {
  backend: string;
  role: DeliveryRole;
  kind: DeliveryKind;
  /** Sent to the back-end with every attempt, so a retry after a lost response does not create a second case. */
  idempotencyKey: string;
  /**
   * Done as it is written (the built-in case store, which is Pipework itself):
   * stored delivered, its reference the request id, never claimed by a relay,
   * no attempts.
   */
  deliveredOnWrite?: boolean;
}

export interface Delivery {
  id: string;
  requestId: string;
  jurisdictionId: string;
  serviceCode: string;
  backend: string;
  role: DeliveryRole;
  kind: DeliveryKind;
  updateId?: string;
  idempotencyKey: string;
  state: DeliveryState;
  attempts: number;
  dueAt: Date;
  lockedBy?: string;
  externalRef?: string;
  lastError?: string;
  createdAt: Date;
  deliveredAt?: Date;
  /** What was off about a delivery that still succeeded. */
  note?: string;
  suspectDuplicate?: boolean;
  checkedAt?: Date;
}

export interface DeliveryAttempt {
  id: string;
  deliveryId: string;
  worker: string;
  startedAt: Date;
  finishedAt: Date;
  outcome: 'delivered' | 'failed' | 'dead' | 'deferred';
  error?: string;
}

/** What the relay writes back after trying a job. */
export interface DeliveryOutcome {
  deliveryId: string;
  startedAt: number;
  finishedAt: number;
  outcome: DeliveryAttempt['outcome'];
  externalRef?: string;
  error?: string;
  /** For `failed` and `deferred`: when to try again. */
  retryAt?: number;
  note?: string;
  suspectDuplicate?: boolean;
}

/** A claimed job with what an adapter needs to send it. */
export interface ClaimedDelivery extends Delivery {
  request: ServiceRequest;
  contact: Contact;
  /** For an update job: the update (a resident's comment) to send. */
  update?: RequestUpdate;
  /** For an update job: the request's reference at this back-end, if its request job has been delivered. */
  parentRef?: string;
  /** For an update job: the state of its request job at this back-end, and when that is next due. */
  parentState?: DeliveryState;
  parentDueAt?: Date;
}

/** A status report a back-end sent back, after mapping, as recorded for the migration report. */
export interface BackendEvent {
  id: string;
  requestId: string;
  jurisdictionId: string;
  backend: string;
  role: DeliveryRole;
  externalCode: string;
  status: string;
  known: boolean;
  externalId: string;
  description: string;
  at: Date;
  receivedAt: Date;
}

export interface DeliveryFilter {
  state?: DeliveryState;
  backend?: string;
  requestId?: string;
  jurisdictionId?: string;
  serviceCode?: string;
  limit: number;
}

/**
 * The delivery part of the storage port: the outbox, its attempts, back-end
 * status events, leases and pull cursors.
 *
 * @example
 *   const jobs = await store.deliveries.claim({ worker: 'w1', limit: 100, leaseMs: 30_000 });
 *   await store.deliveries.complete('w1', [{ deliveryId: jobs[0].id, outcome: 'delivered', … }]);
 */
export interface DeliveryStore extends OpenMoveStore {
  /** Takes up to `limit` due jobs (pending, or in flight with an expired lease); safe with several relays. */
  claim(opts: { worker: string; limit: number; leaseMs: number; skipBackends?: string[]; now?: number }): Promise<ClaimedDelivery[]>;
  /** Records outcomes (and one attempt each) in one transaction; ignores jobs this worker no longer holds. */
  complete(worker: string, outcomes: DeliveryOutcome[]): Promise<void>;
  get(id: string): Promise<Delivery | undefined>;
  list(filter: DeliveryFilter): Promise<Delivery[]>;
  attempts(deliveryId: string): Promise<DeliveryAttempt[]>;
  forRequest(requestId: string): Promise<Delivery[]>;
  /** The request job of `backend` whose reference there is `ref`. */
  findByRef(backend: string, ref: string): Promise<Delivery | undefined>;
  /** Makes a dead job pending again, due now; false when it is not dead. */
  retry(id: string): Promise<boolean>;
  retryAllDead(): Promise<number>;
  /**
   * Moves the waiting and dead jobs of residents' requests from one back-end
   * to another, in one transaction: request jobs not yet delivered to `from`
   * and their update jobs, due now with a fresh attempt count. Jobs in flight,
   * shadow copies, updates of requests `from` already holds and requests `to`
   * already has a job for stay where they are, counted as `skipped`.
   */
  reroute(from: string, to: string, scope: { jurisdictionId?: string; now: number }): Promise<{ moved: number; skipped: number }>;
  /** Jobs of one service since a time, for the migration report. */
  forService(jurisdictionId: string, serviceCode: string, since: Date): Promise<Delivery[]>;
  recordEvent(e: Omit<BackendEvent, 'id'>): Promise<{ duplicate: boolean }>;
  /** Re-maps a recorded event after its back-end's statusMap changed. */
  remapEvent(id: string, status: string, known: boolean): Promise<void>;
  events(filter: { requestIds?: string[]; backend?: string; unknownOnly?: boolean; limit: number }): Promise<BackendEvent[]>;
  /**
   * May this relay work now? Where two relays would collide (SQLite: one
   * writer) only the holder of the relay lease may, renewed by each call;
   * where claims keep relays apart (PostgreSQL: SKIP LOCKED) every relay may.
   */
  mayRelay(worker: string, leaseMs: number): Promise<boolean>;
  /** Gives up what `mayRelay` took, so a standby relay takes over at once. */
  stopRelaying(worker: string): Promise<void>;
  /** Takes or renews a named lease; true while `holder` holds it. */
  lease(name: string, holder: string, ms: number): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;
  cursor(backend: string): Promise<string | undefined>;
  setCursor(backend: string, cursor: string): Promise<void>;
  /** How many jobs are waiting, in flight and dead (delivered ones are not counted: that table only grows). */
  backlog(): Promise<{ state: DeliveryState; backend: string; count: number }[]>;
  /** Calls `listener` after a transaction in this process committed new jobs, so an idle relay wakes at once. */
  onQueued(listener: () => void): () => void;
  /** Delivered request jobs of `backend` whose reference is not known yet (a 2xx that could not be read). */
  unreferenced(backend: string, limit: number): Promise<ClaimedDelivery[]>;
  /** Records a reference found after delivery; false when the job already had one. */
  setReference(id: string, reference: string, note: string, suspectDuplicate?: boolean): Promise<boolean>;
  /**
   * Request jobs of `backend` with a reference whose request is not closed (or
   * closed within `graceMs`), least recently checked first: a pull reads these
   * a page at a time, so every open case is read in turn however many there are.
   */
  toCheck(backend: string, opts: { limit: number; graceMs: number; now?: number }): Promise<Delivery[]>;
  markChecked(ids: string[], at: number): Promise<void>;
}
