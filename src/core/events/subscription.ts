/** `validating`: waiting for the subscriber's consent (the CloudEvents web-hook handshake); `paused`: gave up after days of failures, until replayed. */
export type SubscriptionState = 'validating' | 'active' | 'paused';

/** Another system's push subscription to the event log. */
export interface Subscription {
  id: string;
  url: string;
  /** CloudEvents types it wants; empty: all. */
  types: string[];
  /** Councils (jurisdiction ids) it wants; empty: all. */
  councils: string[];
  /** Standard Webhooks signing secret (`whsec_…`). */
  secret: string;
  state: SubscriptionState;
  /** The sequence number of the last event it received (or skipped by its filters). */
  cursor: number;
  /** Failures in a row; 0 once a delivery succeeds. */
  attempts: number;
  nextAt: Date;
  failingSince?: Date;
  lastError?: string;
  deliveredAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export type SubscriptionChange = Partial<Pick<Subscription, 'state' | 'cursor' | 'attempts' | 'nextAt' | 'deliveredAt'>> & { failingSince?: Date | null; lastError?: string | null };

/**
 * The subscription part of the storage port.
 *
 * @example const sub = await store.subscriptions.create({ url, types: [], councils: [], secret, cursor: await store.events.lastSeq(), at: new Date() });
 */
export interface SubscriptionStore {
  /** Seals every signing secret again with the current PIPEWORK_SECRET_KEY (`secrets rotate`); returns how many. */
  resealSecrets(): Promise<number>;
  create(s: { id: string; url: string; types: string[]; councils: string[]; secret: string; cursor: number; at: Date }): Promise<Subscription>;
  get(id: string): Promise<Subscription | undefined>;
  list(): Promise<Subscription[]>;
  delete(id: string): Promise<boolean>;
  /** Subscriptions not paused whose next try is due. */
  due(now: Date): Promise<Subscription[]>;
  update(id: string, change: SubscriptionChange, at: Date): Promise<Subscription | undefined>;
}
