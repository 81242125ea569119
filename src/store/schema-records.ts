import type { Generated } from 'kysely';

/** Tables of migration 0018 (erasure acknowledgements, retention overrides, message templates), as stored. */
export interface RecordsTables {
  erasure_acks: {
    id: Generated<number>;
    access_id: number;
    jurisdiction_id: string;
    /** `backend` or `subscriber`. */
    target: string;
    name: string;
    /** '' for one acknowledgement of the whole erasure (a subscriber's). */
    request_id: string;
    /** The comment a back-end is told to erase (migration 0024); '' for a whole request. */
    update_id: Generated<string>;
    delivery_id: number | null;
    state: string;
    detail: string | null;
    created_at: number;
    acked_at: number | null;
  };
  retention_overrides: {
    jurisdiction_id: string;
    service_code: string;
    contact_after_closure: string | null;
    anonymise_after_closure: string | null;
    reason: string | null;
    updated_at: number;
    by: string;
  };
  notification_templates: {
    jurisdiction_id: string;
    service_code: string;
    kind: string;
    channel: string;
    language: string;
    subject: string | null;
    body: string;
    updated_at: number;
    by: string;
  };
}
