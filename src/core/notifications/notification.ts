import type { Contact, RequestUpdate, ServiceRequest } from '../requests/request.ts';

/** What a message is about: the confirmation of a new report, a status change, the council's reply, or that it was closed as a duplicate of another report. */
export type NoticeKind = 'confirmation' | 'status' | 'reply' | 'merged';
export type Channel = 'email' | 'sms';
export type Language = 'en' | 'cy';
/** pending → in_flight → sent; `failed` when the sender refused it for good; `skipped` when it was not to be sent after all. */
export type NotificationState = 'pending' | 'in_flight' | 'sent' | 'failed' | 'skipped';

/** How a request's resident may be told, kept apart from the public fields. */
export interface ResidentNotice {
  requestId: string;
  language: Language;
  email: boolean;
  sms: boolean;
  /** The unguessable token in every message's "stop updates" link. */
  stopToken: string;
  stoppedAt?: Date;
}

/** A message to send, written in the same transaction as the change that causes it. */
export interface NewNotification {
  kind: NoticeKind;
  channel: Channel;
  /** The job's key: the SMTP Message-ID and GOV.UK Notify's `reference`, so a retried send is recognisably the same message. */
  idempotencyKey: string;
}

export interface Notification extends NewNotification {
  id: string;
  requestId: string;
  jurisdictionId: string;
  updateId?: string;
  state: NotificationState;
  attempts: number;
  dueAt: Date;
  /** Which sender took it (smtp, govuk-notify). */
  sender?: string;
  externalRef?: string;
  lastError?: string;
  /** The last delivery receipt (GOV.UK Notify: delivered, permanent-failure, …). */
  receipt?: string;
  receiptAt?: Date;
  createdAt: Date;
  sentAt?: Date;
}

/** A claimed job with what a sender needs. */
export interface ClaimedNotification extends Notification {
  request: ServiceRequest;
  contact: Contact;
  notice: ResidentNotice;
  update?: RequestUpdate;
  /** For `merged`: the report this one duplicates, which the resident can follow instead. */
  duplicateOf?: string;
}

export interface NotificationOutcome {
  notificationId: string;
  outcome: 'sent' | 'retry' | 'failed' | 'skipped';
  sender?: string;
  externalRef?: string;
  error?: string;
  /** For `retry`: when to try again (epoch ms). */
  retryAt?: number;
  at: number;
}

/**
 * The notification part of the storage port: the residents' outbox.
 *
 * @example
 *   const jobs = await store.notifications.claim({ worker: 'w1', limit: 50, leaseMs: 60_000 });
 *   await store.notifications.complete('w1', [{ notificationId: jobs[0].id, outcome: 'sent', at: Date.now() }]);
 */
export interface NotificationStore {
  /** Takes up to `limit` due jobs (pending, or in flight past their lease). */
  claim(opts: { worker: string; limit: number; leaseMs: number; now?: number }): Promise<ClaimedNotification[]>;
  /** Records outcomes; ignores jobs this worker no longer holds. */
  complete(worker: string, outcomes: NotificationOutcome[]): Promise<void>;
  forRequest(requestId: string): Promise<Notification[]>;
  list(filter: { state?: NotificationState; requestId?: string; limit: number }): Promise<Notification[]>;
  /** The notice a stop link names, or undefined. */
  noticeByToken(token: string): Promise<(ResidentNotice & { jurisdictionId: string }) | undefined>;
  /** Stops every further message about that request; queued ones are skipped. True when the token is known. */
  stop(token: string, at?: Date): Promise<boolean>;
  /**
   * Records a delivery receipt against the job the provider's id (or the job's own key, which the
   * provider echoes as its reference) names; false when none does.
   */
  recordReceipt(receipt: { sender: string; externalRef: string; key?: string; status: string; at: Date }): Promise<boolean>;
}
