import type { Generated } from 'kysely';
import type { DeliveryTables } from './schema-delivery.ts';
import type { DirectoryTables } from './schema-directory.ts';

/**
 * Table shapes as stored. Times are epoch milliseconds (BIGINT) and JSON is
 * text in both dialects, so one query layer serves SQLite and PostgreSQL.
 */
export interface Database extends DeliveryTables, DirectoryTables {
  jurisdictions: { id: string; name: string; created_at: number };
  services: {
    jurisdiction_id: string;
    code: string;
    name: string;
    description: string;
    groups: string;
    keywords: string;
    type: string;
    lgsl_code: number | null;
    attributes: string;
    active: number;
    visibility: string;
    agency_responsible: string | null;
    service_notice: string | null;
    updated_at: number;
    /** The pattern version this service is bound to (0003), and its council status labels as JSON. */
    pattern_id?: string | null;
    pattern_version?: string | null;
    status_labels?: string | null;
  };
  service_requests: {
    id: Generated<number>;
    jurisdiction_id: string;
    service_code: string;
    token: string | null;
    /** The client's Idempotency-Key, unique per jurisdiction. */
    idempotency_key: string | null;
    status: string;
    status_notes: string | null;
    description: string | null;
    attributes: string;
    lat: number | null;
    long: number | null;
    address: string | null;
    address_id: string | null;
    zipcode: string | null;
    uprn: string | null;
    easting: number | null;
    northing: number | null;
    account_id: string | null;
    device_id: string | null;
    media_urls: string;
    agency_responsible: string | null;
    service_notice: string | null;
    source: string;
    requested_at: number;
    updated_at: number;
    expected_at: number | null;
    /** The pattern version the request was created under (0003); its process applies for the request's life. */
    pattern_id?: string | null;
    pattern_version?: string | null;
  };
  request_contacts: {
    request_id: number;
    first_name: string | null;
    last_name: string | null;
    email: string | null;
    phone: string | null;
  };
  request_updates: {
    id: Generated<number>;
    request_id: number;
    jurisdiction_id: string;
    status: string;
    description: string;
    media_urls: string;
    external_status_code: string | null;
    external_id: string | null;
    author_kind: string;
    contact: string;
    updated_at: number;
    /** Why this update's status change was not applied (0003): the pattern does not allow it. */
    flag?: string | null;
    /** 1 when the pattern says this change tells the resident. */
    notify_resident?: number | null;
  };
  api_keys: {
    id: Generated<number>;
    name: string;
    hash: string;
    prefix: string;
    /** `client`: Open311 writes. `admin`: also the admin API. */
    scope: string;
    created_at: number;
    revoked_at: number | null;
  };
  media: { id: string; content_type: string; bytes: Buffer; created_at: number };
  /** Each council's library of service pattern versions (0003); `document` is the pattern as JSON text. */
  service_patterns: {
    jurisdiction_id: string;
    id: string;
    version: string;
    lifecycle: string;
    name: string;
    document: string;
    created_at: number;
    published_at: number | null;
  };
  /** Resident web sessions (0004): JSON text, epoch-ms expiry. */
  web_sessions: { id: string; data: string; expires_at: number };
}
