import type { Generated } from 'kysely';
import type { DeliveryTables } from './schema-delivery.ts';
import type { NotifyTables } from './schema-notify.ts';
import type { DirectoryTables } from './schema-directory.ts';
import type { ResidentWebTables } from './schema-web.ts';
import type { RecordsTables } from './schema-records.ts';
import type { SharingTables } from './schema-sharing.ts';

/**
 * Table shapes as stored. Times are epoch milliseconds (BIGINT) and JSON is
 * text in both dialects, so one query layer serves SQLite and PostgreSQL.
 */
export interface Database extends DeliveryTables, NotifyTables, DirectoryTables, RecordsTables, SharingTables, ResidentWebTables {
  /** `welsh_name`, `settings` (JSON) and `version` since 0014. */
  jurisdictions: { id: string; name: string; created_at: number; welsh_name: string | null; settings: Generated<string>; version: Generated<number> };
  /** Migration 0021: one fixed window per key, shared by every process on PostgreSQL. */
  rate_limit_windows: { key: string; window_start: number; hits: number };
  /** The web addresses that serve each council (0014). */
  council_hosts: { host: string; jurisdiction_id: string };
  /** One row once the first council exists, made on the first-run page (0014). */
  install_state: { id: number; first_council_id: string; created_at: number };
  /** First-run set-up tokens, as SHA-256 (0014). */
  setup_tokens: { hash: string; expires_at: number; created_at: number };
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
    /** The service's Welsh wording as JSON (0015). */
    welsh?: string | null;
  };
  service_requests: {
    id: Generated<number>;
    jurisdiction_id: string;
    service_code: string;
    token: string | null;
    /** The client's Idempotency-Key, unique per jurisdiction and client (0007). */
    idempotency_key: string | null;
    /** Who sent the key (0007): the API key's id for Open311, '' when the front end names none. */
    idempotency_client?: string | null;
    /** A hash of what was submitted under the key (0007), so a re-send with a different body is refused. */
    submission_hash?: string | null;
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
    /** Records (0013): why retention must leave this request alone, and when it erased or anonymised it. */
    legal_hold?: string | null;
    contact_erased_at?: number | null;
    anonymised_at?: number | null;
  };
  retention_runs: { id: Generated<number>; jurisdiction_id: string; started_at: number; finished_at: number; dry_run: number; summary: string };
  access_requests: {
    id: Generated<number>;
    jurisdiction_id: string;
    kind: string;
    email: string | null;
    phone: string | null;
    request_ids: string;
    received_at: number;
    due_at: number;
    by: string;
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
    /** 1 for a staff-only note (0008). */
    internal?: number | null;
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
    /** The one council the key may act for; null: every council (0014). */
    jurisdiction_id: string | null;
    /** A rotated key works until then (0014). */
    expires_at: number | null;
    replaced_by: number | null;
    /** The first key of its rotation chain; null: itself (0014). */
    family_id: number | null;
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
  /** The staff console (0008). */
  staff_users: {
    id: Generated<number>;
    email: string;
    name: string;
    password_hash: string | null;
    totp_secret: string | null;
    failed_attempts: number;
    locked_until: number | null;
    setup_token_hash: string | null;
    setup_expires_at: number | null;
    created_at: number;
    disabled_at: number | null;
    last_sign_in_at: number | null;
  };
  /** `service_groups` since 0019, `team` since 0014. */
  staff_roles: { user_id: number; jurisdiction_id: string; role: string; granted_at: number; service_groups: string | null; team: string | null };
  staff_sessions: { id: string; user_id: number | null; data: string; created_at: number; expires_at: number };
  staff_audit: {
    id: Generated<number>;
    at: number;
    jurisdiction_id: string | null;
    user_id: number | null;
    actor: string;
    action: string;
    request_id: number | null;
    before: string | null;
    after: string | null;
    reason: string | null;
  };
  request_assignments: { request_id: number; jurisdiction_id: string; user_id: number; assigned_at: number };
  staff_saved_views: { id: Generated<number>; user_id: number; jurisdiction_id: string; name: string; query: string; created_at: number };
  request_duplicates: { request_id: number; jurisdiction_id: string; original_id: number; linked_at: number };
}
