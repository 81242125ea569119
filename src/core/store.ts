import type { Jurisdiction, Service } from './services/service.ts';
import type { AuthorKind, Contact, NewRequestUpdate, NewServiceRequest, RequestUpdate, ServiceRequest } from './requests/request.ts';
import type { Status } from './statuses.ts';
import type { PatternStore } from './patterns/stored.ts';
import type { DeliveryStore } from './delivery/outbox.ts';
import type { RoutingStore } from './routing/route.ts';
import type { DirectoryStore } from './directory/port.ts';

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
  services: {
    list(jurisdictionId: string): Promise<Service[]>;
    get(jurisdictionId: string, code: string): Promise<Service | undefined>;
    upsert(service: Service): Promise<void>;
  };
  requests: {
    create(input: NewServiceRequest): Promise<ServiceRequest>;
    get(jurisdictionId: string, id: string): Promise<ServiceRequest | undefined>;
    getByToken(jurisdictionId: string, token: string): Promise<ServiceRequest | undefined>;
    getByIdempotencyKey(jurisdictionId: string, key: string): Promise<ServiceRequest | undefined>;
    contact(jurisdictionId: string, id: string): Promise<Contact | undefined>;
    search(query: RequestQuery): Promise<ServiceRequest[]>;
    /** Records an update and, unless its status is `unchanged`, moves the request to it, in one transaction. */
    addUpdate(update: NewRequestUpdate): Promise<RequestUpdate>;
    findUpdateByExternalId(jurisdictionId: string, requestId: string, externalId: string): Promise<RequestUpdate | undefined>;
    updates(query: UpdateQuery): Promise<RequestUpdate[]>;
    history(jurisdictionId: string, requestId: string): Promise<RequestUpdate[]>;
  };
  /** The delivery outbox, its attempts and back-end status events (src/delivery/). */
  deliveries: DeliveryStore;
  /** Back-end instances and per-service routes (src/routing/). */
  routing: RoutingStore;
  /** Each council's library of service pattern versions (src/patterns/). */
  patterns: PatternStore;
  /** The Open Referral UK directory: organisations, services, locations, taxonomies (src/standards/openreferral/). */
  directory: DirectoryStore;
  apiKeys: {
    create(name: string, hash: string, prefix: string, scope: KeyScope): Promise<ApiKey>;
    findActiveByHash(hash: string): Promise<ApiKey | undefined>;
    list(): Promise<ApiKey[]>;
    revoke(idOrName: string): Promise<boolean>;
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
  /** True when the database answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
