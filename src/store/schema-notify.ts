import type { Generated } from 'kysely';

/** Tables of migration 0011 (the event log, residents' notices and their outbox), as stored. */
export interface NotifyTables {
  events: {
    id: Generated<number>;
    /** Null until the sequencer gives it its place in commit order (decision 0080). */
    seq: number | null;
    event_id: string;
    type: string;
    jurisdiction_id: string;
    service_code: string | null;
    request_id: number | null;
    data: string;
    time: number;
  };
  resident_notices: {
    request_id: number;
    language: string;
    email: number;
    sms: number;
    stop_token: string;
    stopped_at: number | null;
  };
  event_subscriptions: {
    id: string;
    url: string;
    /** JSON arrays; empty: every type, every council. */
    types: string;
    councils: string;
    secret: string;
    state: string;
    cursor: number;
    attempts: number;
    next_at: number;
    failing_since: number | null;
    last_error: string | null;
    delivered_at: number | null;
    created_at: number;
    updated_at: number;
  };
  notifications: {
    id: Generated<number>;
    request_id: number;
    jurisdiction_id: string;
    update_id: number | null;
    kind: string;
    channel: string;
    idempotency_key: string;
    state: string;
    attempts: number;
    due_at: number;
    locked_by: string | null;
    sender: string | null;
    external_ref: string | null;
    last_error: string | null;
    receipt: string | null;
    receipt_at: number | null;
    created_at: number;
    sent_at: number | null;
    /** Migration 0026: the joiner a job tells; null for the reporter. */
    joiner_id?: number | null;
  };
  /** Migration 0026: residents who joined an existing report (decision 0160). */
  request_joiners: {
    id: Generated<number>;
    request_id: number;
    jurisdiction_id: string;
    first_name: string | null;
    last_name: string | null;
    email: string | null;
    phone: string | null;
    language: string;
    email_updates: number;
    sms_updates: number;
    stop_token: string;
    stopped_at: number | null;
    join_key: string;
    joined_at: number;
  };
}
