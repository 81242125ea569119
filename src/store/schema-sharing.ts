/** Tables of migration 0017 (pattern sharing), as stored. */
export interface SharingTables {
  pattern_keys: { jurisdiction_id: string; key_id: string; public_key: string; private_key: string; created_at: number };
  pattern_subscriptions: {
    id: string;
    jurisdiction_id: string;
    url: string;
    publishers: string;
    created_at: number;
    last_fetched_at: number | null;
    last_ok_at: number | null;
    last_error: string | null;
  };
  pattern_seen_versions: {
    subscription_id: string;
    publisher_id: string;
    publisher_name: string;
    id: string;
    version: string;
    licence: string;
    published_at: string;
    document: string;
    digest: string;
    signature: string;
    key_id: string;
    url: string;
    running: number;
    first_seen_at: number;
  };
  pattern_feed_refusals: { subscription_id: string; ref: string; reason: string; detail: string; first_at: number; last_at: number; count: number };
}
