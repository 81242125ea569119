import type { Generated } from 'kysely';

/** Tables of migration 0002 (back-ends, routing, the delivery outbox), as stored. */
export interface DeliveryTables {
  backends: { name: string; kind: string; config: string; jurisdiction_id: string | null; created_at: number; updated_at: number; updated_by: string };
  routes: {
    jurisdiction_id: string;
    service_code: string;
    primary_backend: string;
    shadow_backend: string | null;
    canary_backend: string | null;
    canary_percent: number;
    updated_at: number;
    updated_by: string;
  };
  route_changes: {
    id: Generated<number>;
    jurisdiction_id: string;
    service_code: string;
    action: string;
    before: string | null;
    after: string | null;
    actor: string;
    at: number;
  };
  deliveries: {
    id: Generated<number>;
    request_id: number;
    jurisdiction_id: string;
    service_code: string;
    backend: string;
    role: string;
    kind: string;
    update_id: number | null;
    idempotency_key: string;
    state: string;
    attempts: number;
    due_at: number;
    locked_by: string | null;
    external_ref: string | null;
    last_error: string | null;
    created_at: number;
    delivered_at: number | null;
    /** 0016: what was off about a delivery that still succeeded. */
    note?: string | null;
    suspect_duplicate?: number;
    /** 0016: when a pulling back-end last read this request's status. */
    checked_at?: number | null;
  };
  delivery_attempts: {
    id: Generated<number>;
    delivery_id: number;
    worker: string;
    started_at: number;
    finished_at: number;
    outcome: string;
    error: string | null;
  };
  backend_events: {
    id: Generated<number>;
    request_id: number;
    jurisdiction_id: string;
    backend: string;
    role: string;
    external_code: string;
    status: string;
    known: number;
    external_id: string;
    description: string;
    at: number;
    received_at: number;
  };
  relay_leases: { name: string; holder: string; expires_at: number };
  pull_cursors: { backend: string; cursor: string; updated_at: number };
  /** 0016: `routes move-open`, resumable. */
  open_moves: { id: Generated<number>; jurisdiction_id: string; service_code: string; to_backend: string; actor: string; created_at: number; finished_at: number | null };
  open_move_items: {
    move_id: number;
    request_id: number;
    from_backend: string;
    from_delivery_id: number;
    state: string;
    attempts: Generated<number>;
    new_delivery_id: number | null;
    error: string | null;
    updated_at: number;
  };
}
