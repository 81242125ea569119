import type { RequestUpdate } from '../requests/request.ts';
import type { DeliveryRole } from '../delivery/outbox.ts';
import type { NewEvent } from '../events/event.ts';

/** A person as the council knows them from their reports. */
export interface PersonQuery {
  email?: string;
  phone?: string;
}

/** One subject-access or erasure request: the law gives the council one month to answer. */
export interface AccessRequest {
  id: string;
  jurisdictionId: string;
  kind: 'export' | 'erase';
  email?: string;
  phone?: string;
  requestIds: string[];
  receivedAt: Date;
  dueAt: Date;
  by: string;
}

/**
 * The records part of the storage port: what retention and subject-access
 * requests read and change. Every change is one transaction per call.
 *
 * @example await store.records.due({ jurisdictionId: 'example', serviceCode: 'pothole', statuses: ['closed'], before, stage: 'contact', limit: 500 });
 */
export interface RecordsStore {
  /** Requests of one service at one of `statuses`, last changed before `before`, not held, whose `stage` is not done yet. */
  due(q: { jurisdictionId: string; serviceCode: string; statuses: string[]; before: Date; stage: 'contact' | 'anonymise'; limit: number }): Promise<string[]>;
  /** Removes the contact details of these requests and of their updates; returns how many requests changed. */
  eraseContact(jurisdictionId: string, ids: string[], at: Date): Promise<number>;
  /**
   * Erases contact details and anonymises: free text, photos, exact address and
   * identifiers go; list answers named in `keepAnswers` (by request id) and the
   * place rounded to about 100 m stay, for statistics.
   */
  anonymise(jurisdictionId: string, ids: string[], keepAnswers: (serviceCode: string) => Set<string>, at: Date): Promise<number>;
  /** Puts a legal hold on a request (retention leaves it alone) or lifts it (`reason` undefined); false when there is no such request. */
  setHold(jurisdictionId: string, id: string, reason: string | undefined): Promise<boolean>;
  /** Ids of every request this person reported (their contact details are on it). */
  findPerson(jurisdictionId: string, q: PersonQuery): Promise<string[]>;
  /** Updates this person sent on requests (a resident's comments carry their contact). */
  commentsBy(jurisdictionId: string, q: PersonQuery): Promise<RequestUpdate[]>;
  /** Blanks the text, photos and contact of these updates. */
  eraseComments(jurisdictionId: string, updateIds: string[]): Promise<number>;
  recordAccess(r: Omit<AccessRequest, 'id'>): Promise<AccessRequest>;
  accessRequests(jurisdictionId: string): Promise<AccessRequest[]>;
  logRun(run: { jurisdictionId: string; startedAt: Date; finishedAt: Date; dryRun: boolean; summary: unknown }): Promise<void>;
}

/**
 * Where an erasure was sent and what came back. `pending` until the back-end
 * or subscriber answers; `confirmed` when it accepted the erasure; `recorded`
 * when it cannot take one (the adapter has no way to forward it, or the
 * request never reached it), so the council tells its owner; `failed` when it
 * refused for good.
 */
export type ErasureAckState = 'pending' | 'confirmed' | 'recorded' | 'failed';

export interface ErasureAck {
  accessId: string;
  target: 'backend' | 'subscriber';
  /** The back-end's name, or the subscription's id. */
  name: string;
  /** The request a back-end is told to erase; absent for a subscriber (one event for the whole erasure). */
  requestId?: string;
  /** The person's comment on someone else's request that the back-end is told to erase (that request itself stays). */
  updateId?: string;
  state: ErasureAckState;
  detail?: string;
  createdAt: Date;
  ackedAt?: Date;
}

/** What an erasure sends on, decided by the core, written by the store in one transaction. */
export interface ErasurePlan {
  accessId: string;
  jurisdictionId: string;
  at: Date;
  /**
   * Outbox jobs (kind `erasure`) for back-ends that hold the request, each with its pending
   * acknowledgement; with `updateId`, only the person's comment on that (someone else's) request.
   */
  jobs: { requestId: string; updateId?: string; serviceCode: string; backend: string; role: DeliveryRole; idempotencyKey: string }[];
  /** Acknowledgements known at once (the built-in case store, back-ends that never received it) and subscribers' pending ones. */
  acks: Omit<ErasureAck, 'accessId' | 'createdAt'>[];
  events: NewEvent[];
}

/** A council's own retention rule for one of its services, over its pattern's. */
export interface RetentionOverride {
  jurisdictionId: string;
  serviceCode: string;
  contactAfterClosure?: string;
  anonymiseAfterClosure?: string;
  reason?: string;
  updatedAt: Date;
  by: string;
}

/**
 * The erasure and override part of the records port.
 *
 * @example await store.erasures.acknowledge({ target: 'backend', deliveryId: '12', state: 'confirmed', at: new Date() });
 */
export interface ErasureStore {
  /** Writes the plan's outbox jobs, acknowledgements and events in one transaction. */
  send(plan: ErasurePlan): Promise<void>;
  /** Records an answer: a back-end's by its erasure job, a subscriber's by erasure and subscription. */
  acknowledge(a: { target: 'backend'; deliveryId: string; state: ErasureAckState; detail?: string; at: Date } | { target: 'subscriber'; accessId: string; name: string; state: ErasureAckState; detail?: string; at: Date }): Promise<void>;
  acks(accessId: string): Promise<ErasureAck[]>;
  overrides(jurisdictionId: string): Promise<RetentionOverride[]>;
  setOverride(o: RetentionOverride): Promise<void>;
  /** False when there was none. */
  clearOverride(jurisdictionId: string, serviceCode: string): Promise<boolean>;
}
