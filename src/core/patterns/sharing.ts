/**
 * Sharing patterns between councils' installs (decisions 0120–0124): each
 * council's signing key, the feeds it subscribes to, every version it has
 * seen in them, and what it refused. Implemented in src/store/pattern-sharing.ts.
 *
 * @example const seen = await store.patternSharing.seenVersions({ jurisdictionId: 'b', id: 'missed-bin' });
 */

/** A council's Ed25519 key pair; the private key is sealed at rest (PIPEWORK_SECRET_KEY) and opened on read. */
export interface PatternKey {
  jurisdictionId: string;
  keyId: string;
  /** Raw public key, base64url. */
  publicKey: string;
  /** PKCS#8 PEM, opened. */
  privateKey: string;
  createdAt: Date;
}

/** One council's subscription to a feed URL. */
export interface FeedSubscription {
  id: string;
  jurisdictionId: string;
  url: string;
  /** Publisher id → the public key first seen for it (pinned: a different key later is refused). */
  publishers: Record<string, string>;
  createdAt: Date;
  lastFetchedAt?: Date;
  lastOkAt?: Date;
  lastError?: string;
}

/** One published version seen in a subscribed feed, kept for good once its signature checked out. */
export interface SeenVersion {
  subscriptionId: string;
  publisherId: string;
  publisherName: string;
  id: string;
  version: string;
  licence: string;
  publishedAt: string;
  document: Record<string, unknown>;
  digest: string;
  signature: string;
  keyId: string;
  url: string;
  /** The publisher said, at the last fetch, that one of its services runs this version. */
  running: boolean;
  firstSeenAt: Date;
}

/** Something a fetch would not apply: a bad signature, a changed version, a key that changed, a document that does not validate. */
export interface FeedRefusal {
  subscriptionId: string;
  /** publisher/id@version, or the feed URL when the whole feed was refused. */
  ref: string;
  reason: 'signature' | 'changed' | 'key_changed' | 'invalid' | 'feed';
  detail: string;
  firstAt: Date;
  lastAt: Date;
  count: number;
}

export interface SeenFilter {
  jurisdictionId: string;
  subscriptionId?: string;
  publisherId?: string;
  id?: string;
}

export interface PatternSharingStore {
  key(jurisdictionId: string): Promise<PatternKey | undefined>;
  /** Stores the council's key pair unless it has one already; false if it had (the first stays). */
  createKey(k: PatternKey): Promise<boolean>;
  keys(): Promise<PatternKey[]>;
  /** Seals every private key again with the current PIPEWORK_SECRET_KEY (secrets rotate); returns how many. */
  resealKeys(): Promise<number>;
  /** Adds a subscription, or gives back the council's existing one to the same URL. */
  subscribe(s: { id: string; jurisdictionId: string; url: string; at: Date }): Promise<FeedSubscription>;
  subscriptions(jurisdictionId?: string): Promise<FeedSubscription[]>;
  subscription(id: string): Promise<FeedSubscription | undefined>;
  unsubscribe(id: string): Promise<boolean>;
  /** Pins a publisher's key, compare-and-set: false if another fetch pinned one first (read again). */
  pinPublisher(subscriptionId: string, publisherId: string, publicKey: string, expected: Record<string, string>): Promise<boolean>;
  recordFetch(subscriptionId: string, at: Date, error?: string): Promise<void>;
  /** Keeps a version seen; 'exists' when one with this publisher/id@version is kept already (it is not replaced). */
  addSeen(v: SeenVersion): Promise<'added' | 'exists'>;
  seen(subscriptionId: string, publisherId: string, id: string, version: string): Promise<SeenVersion | undefined>;
  setRunning(subscriptionId: string, publisherId: string, running: { id: string; version: string }[]): Promise<void>;
  seenVersions(filter: SeenFilter): Promise<SeenVersion[]>;
  /** Records a refusal; the same ref and reason again counts up rather than adding a row. */
  refuse(r: { subscriptionId: string; ref: string; reason: FeedRefusal['reason']; detail: string; at: Date }): Promise<void>;
  refusals(jurisdictionId: string): Promise<FeedRefusal[]>;
}
