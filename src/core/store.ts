import type { Jurisdiction, Service } from './services/service.ts';
import type { AuthorKind, Contact, NewRequestUpdate, NewServiceRequest, RequestUpdate, ServiceRequest, UpdateWrite } from './requests/request.ts';
import type { Status } from './statuses.ts';
import type { PatternStore } from './patterns/stored.ts';
import type { PatternSharingStore } from './patterns/sharing.ts';
import type { DeliveryStore } from './delivery/outbox.ts';
import type { RoutingStore } from './routing/route.ts';
import type { ErasureStore, RecordsStore } from './records/port.ts';
import type { EventStore } from './events/event.ts';
import type { NotificationStore } from './notifications/notification.ts';
import type { JoinerStore } from './requests/join.ts';
import type { MessageTemplateStore } from './notifications/templates.ts';
import type { SubscriptionStore } from './events/subscription.ts';
import type { StaffStore } from './staff/staff.ts';
import type { ReplyTemplateStore } from './replies/templates.ts';
import type { StaffQueueStore } from './cases/queue.ts';
import type { DirectoryStore } from './directory/port.ts';
import type { AddressStore } from './addresses/address.ts';
import type { NearbyQuery, NearbyReport } from './requests/nearby.ts';
import type { CouncilStore } from './councils/port.ts';

/** Filters of GET requests (GeoReport v2). `ids` overrides all others, as the spec says. */
export interface RequestQuery {
  jurisdictionId: string;
  ids?: string[];
  serviceCodes?: string[];
  statuses?: Status[];
  from?: Date;
  to?: Date;
  /** 1-based. */
  page: number;
  pageSize: number;
}

export interface UpdateQuery {
  jurisdictionId: string;
  /** Only updates by these authors; all when absent. */
  authorKinds?: AuthorKind[];
  from: Date;
  to: Date;
  page: number;
  pageSize: number;
}

export type KeyScope = 'client' | 'admin';

export interface ApiKey {
  id: number;
  name: string;
  prefix: string;
  scope: KeyScope;
  createdAt: Date;
  revokedAt?: Date;
  /** The one council this key may act for; absent: every council on the install. */
  jurisdictionId?: string;
  /** A rotated key works until then (its grace period). */
  expiresAt?: Date;
  /** The key that replaced this one in a rotation. */
  replacedBy?: number;
  /** The first key of its rotation chain (its own id when never rotated): the client's identity. */
  familyId: number;
}

export interface NewApiKey {
  name: string;
  hash: string;
  prefix: string;
  scope: KeyScope;
  jurisdictionId?: string;
}

export interface StoredMedia {
  id: string;
  contentType: string;
  bytes: Buffer;
}

/**
 * The storage port. The core depends on this; `src/store/` implements it on
 * SQLite and PostgreSQL. Every write that the caller must rely on is committed
 * before the promise resolves.
 *
 * @example
 *   const req = await store.requests.create({ jurisdictionId: 'example', serviceCode: 'pothole', … });
 *   await store.requests.get('example', req.id);
 */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  jurisdictions: {
    list(): Promise<Jurisdiction[]>;
    upsert(j: Jurisdiction): Promise<void>;
  };
  /** Councils as set up: names, hosts, settings (src/core/councils/). */
  councils: CouncilStore;
  services: {
    list(jurisdictionId: string): Promise<Service[]>;
    get(jurisdictionId: string, code: string): Promise<Service | undefined>;
    upsert(service: Service): Promise<void>;
  };
  requests: {
    create(input: NewServiceRequest): Promise<ServiceRequest>;
    get(jurisdictionId: string, id: string): Promise<ServiceRequest | undefined>;
    getByToken(jurisdictionId: string, token: string): Promise<ServiceRequest | undefined>;
    /** The request created under a client's Idempotency-Key (`clientId` '' when the front end named none). */
    getByIdempotencyKey(jurisdictionId: string, key: string, clientId?: string): Promise<ServiceRequest | undefined>;
    /** As getByIdempotencyKey, with the hash of what was submitted under the key. */
    findByIdempotencyKey(scope: { jurisdictionId: string; clientId: string; key: string }): Promise<{ request: ServiceRequest; submissionHash?: string } | undefined>;
    contact(jurisdictionId: string, id: string): Promise<Contact | undefined>;
    search(query: RequestQuery): Promise<ServiceRequest[]>;
    /**
     * Writes an update the core has decided, in one transaction: the update row,
     * its outbox jobs, and the request's new status (unless `unchanged` or
     * flagged) and updated time. With `expect.status`, nothing is written unless
     * the request is still at that status (a compare-and-set): `conflict` tells
     * the core to read again and decide again. An `externalId` already stored on
     * this request writes nothing and gives back that first update (`duplicate`);
     * a unique index makes this hold under concurrency.
     *
     * @example
     *   const r = await store.requests.writeUpdate(decided, { status: request.status });
     *   if (r.outcome === 'conflict') // re-read the request and decide again
     */
    writeUpdate(update: NewRequestUpdate, expect?: { status: Status }): Promise<UpdateWrite>;
    /**
     * Writes an update as it is, without process rules or a status check (seeding,
     * benchmarks, store tests). Everything else goes through the core's
     * recordUpdate. A repeated `externalId` gives back the first update.
     */
    addUpdate(update: NewRequestUpdate): Promise<RequestUpdate>;
    findUpdateByExternalId(jurisdictionId: string, requestId: string, externalId: string): Promise<RequestUpdate | undefined>;
    updates(query: UpdateQuery): Promise<RequestUpdate[]>;
    /** A request's updates, oldest first; internal notes only with `{ internal: true }` (staff screens). */
    history(jurisdictionId: string, requestId: string, options?: { internal?: boolean }): Promise<RequestUpdate[]>;
  };
  /** The delivery outbox, its attempts and back-end status events (src/delivery/). */
  deliveries: DeliveryStore;
  /** Back-end instances and per-service routes (src/routing/). */
  routing: RoutingStore;
  /** The event log other systems follow (GET /events, subscriptions). */
  events: EventStore;
  /** Other systems' push subscriptions to the event log. */
  subscriptions: SubscriptionStore;
  /** Messages to residents (src/notify/). */
  notifications: NotificationStore;
  /** Residents who joined an existing report (decision 0160). */
  joiners: JoinerStore;
  /** Each council's library of service pattern versions (src/patterns/). */
  patterns: PatternStore;
  /** Signing keys, feed subscriptions and the versions seen in them (src/patterns/sharing/). */
  patternSharing: PatternSharingStore;
  /** Staff users, roles, sessions, the audit log and assignment (src/staff/). */
  staff: StaffStore;
  /** The staff work queue's searches. */
  staffQueue: StaffQueueStore;
  /** The Open Referral UK directory: organisations, services, locations, taxonomies (src/standards/openreferral/). */
  directory: DirectoryStore;
  apiKeys: {
    create(key: NewApiKey): Promise<ApiKey>;
    /** A key neither revoked nor past its grace period at `now`. */
    findActiveByHash(hash: string, now?: Date): Promise<ApiKey | undefined>;
    get(id: number): Promise<ApiKey | undefined>;
    list(): Promise<ApiKey[]>;
    /** Revokes one key by its id (names may repeat, e.g. during a rotation); false if no active key has it. */
    revoke(id: number): Promise<boolean>;
    /**
     * Replaces an active key, in one transaction: a new key with its name,
     * scope and council, and the old one working until `oldUntil` (revoked at
     * once when that is not after `now`). Undefined if no active key has the id
     * (a second rotation of the same key at once finds it replaced).
     */
    rotate(id: number, next: { hash: string; prefix: string }, oldUntil: Date, now: Date): Promise<{ old: ApiKey; key: ApiKey } | undefined>;
  };
  media: {
    put(media: StoredMedia): Promise<void>;
    get(id: string): Promise<StoredMedia | undefined>;
  };
  /** Resident web sessions: a JSON object per random id, gone once expired. */
  webSessions: {
    get(id: string): Promise<{ data: Record<string, unknown>; expiresAt: Date } | undefined>;
    put(id: string, data: Record<string, unknown>, expiresAt: Date): Promise<void>;
    delete(id: string): Promise<void>;
    /** Deletes expired sessions; returns how many. */
    purgeExpired(now?: Date): Promise<number>;
  };
  /** Migrations the database has, those this version would still apply, and any it does not know (a newer Pipework's). */
  schemaState(): Promise<{ applied: string[]; pending: string[]; unknown: string[] }>;
  /** Retention, legal holds, subject access and erasure (src/core/records/). */
  records: RecordsStore;
  /** The council's imported gazetteer (src/web/addresses/). */
  addresses: AddressStore;
  /** What the resident web reads beyond requests: the key of resident references, open reports near a point. */
  residentWeb: {
    /** `numericUntil`: the highest request id made before references existed; those numbers still find their report. */
    referenceSecret(): Promise<{ secret: string; numericUntil: number }>;
    nearby(query: NearbyQuery): Promise<NearbyReport[]>;
  };
  /**
   * Hits per key in fixed windows, counted in the database so every process
   * and machine serving one PostgreSQL database shares each limit. Absent on
   * SQLite, which one process serves: limits are counted in its memory.
   */
  rateLimits?: RateLimitCounter;
  erasures: ErasureStore;
  messageTemplates: MessageTemplateStore;
  /** Councils' reply templates for the staff console's public reply (src/core/replies/). */
  replyTemplates: ReplyTemplateStore;
  /** True when the database answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Counts one hit of a key (a client address and a route) in its current window.
 *
 * @example const { hits, resetAt } = await store.rateLimits.hit('GET /track|203.0.113.9', 60_000, clock.now());
 */
export interface RateLimitCounter {
  /** The hits in the key's current window, this one included, and when that window ends. */
  hit(key: string, windowMs: number, now: Date): Promise<{ hits: number; resetAt: Date }>;
}
