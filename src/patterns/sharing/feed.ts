import type { Store } from '../../core/store.ts';
import type { StoredPattern } from '../../core/patterns/stored.ts';
import type { PatternKey } from '../../core/patterns/sharing.ts';
import { signEntry, type SignedEntry } from '../../core/patterns/signing.ts';
import { exportPattern } from '../export.ts';
import { asServicePattern } from '../schema.ts';

export const FEED_FORMAT = 'pipework-pattern-feed/1';

/** One published version as a feed carries it: the signed part, where it lives, and its signature. */
export interface FeedEntry extends SignedEntry {
  url: string;
  /** Not signed (it changes): one of the publisher's services runs this version now. */
  running: boolean;
  signature: { alg: 'Ed25519'; key_id: string; value: string };
}

export interface FeedPublisher {
  id: string;
  name: string;
  alg: 'Ed25519';
  key_id: string;
  public_key: string;
}

export interface Feed {
  feed: typeof FEED_FORMAT;
  url: string;
  generated_at: string;
  publishers: FeedPublisher[];
  entries: FeedEntry[];
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
export const entryPath = (publisher: string, id: string, version: string) =>
  `/patterns/${encodeURIComponent(publisher)}/${encodeURIComponent(id)}/${encodeURIComponent(version)}.json`;

export const publisherOf = (key: PatternKey, name: string): FeedPublisher => ({ id: key.jurisdictionId, name, alg: 'Ed25519', key_id: key.keyId, public_key: key.publicKey });

/** Signs one stored, published version with its council's key. */
export function feedEntry(p: StoredPattern, key: PatternKey, publisherName: string, base: string, running: boolean): FeedEntry {
  const doc = exportPattern(p);
  const signed: SignedEntry = {
    publisher: { id: p.jurisdictionId, name: publisherName },
    id: p.id,
    version: p.version,
    licence: asServicePattern(doc).provenance.licence,
    published_at: iso(p.publishedAt ?? p.createdAt),
    document: doc,
  };
  return { ...signed, url: base + entryPath(p.jurisdictionId, p.id, p.version), running, signature: { alg: 'Ed25519', key_id: key.keyId, value: signEntry(signed, key.privateKey) } };
}

/**
 * What one council shares: its published versions, never a draft, and never a
 * pattern one of its services keeps private or staff-only. The versions its
 * services run now are marked `running`.
 */
export async function sharedVersions(store: Store, jurisdictionId: string): Promise<{ pattern: StoredPattern; running: boolean }[]> {
  const services = await store.services.list(jurisdictionId);
  const hidden = new Set(services.filter((s) => s.pattern && s.visibility !== 'public').map((s) => s.pattern!.id));
  const running = new Set(services.filter((s) => s.pattern && s.active).map((s) => `${s.pattern!.id}@${s.pattern!.version}`));
  return (await store.patterns.list(jurisdictionId))
    .filter((p) => p.lifecycle === 'published' && !hidden.has(p.id))
    .map((pattern) => ({ pattern, running: running.has(`${pattern.id}@${pattern.version}`) }));
}

/** The install's library feed: every council that made a signing key, each entry signed by its own council. */
export async function buildFeed(store: Store, base: string, now = new Date()): Promise<Feed> {
  const names = new Map((await store.jurisdictions.list()).map((j) => [j.id, j.name]));
  const publishers: FeedPublisher[] = [];
  const entries: FeedEntry[] = [];
  for (const key of await store.patternSharing.keys()) {
    const name = names.get(key.jurisdictionId);
    if (name === undefined) continue;
    publishers.push(publisherOf(key, name));
    for (const { pattern, running } of await sharedVersions(store, key.jurisdictionId)) entries.push(feedEntry(pattern, key, name, base, running));
  }
  return { feed: FEED_FORMAT, url: `${base}/patterns/feed.json`, generated_at: iso(now), publishers, entries };
}

/** One version at its own immutable URL, or undefined when it is not shared (unknown, draft, private). */
export async function oneEntry(store: Store, base: string, publisher: string, id: string, version: string): Promise<{ publisher: FeedPublisher; entry: FeedEntry } | undefined> {
  const key = await store.patternSharing.key(publisher);
  const name = (await store.jurisdictions.list()).find((j) => j.id === publisher)?.name;
  if (!key || name === undefined) return undefined;
  const found = (await sharedVersions(store, publisher)).find((v) => v.pattern.id === id && v.pattern.version === version);
  return found && { publisher: publisherOf(key, name), entry: feedEntry(found.pattern, key, name, base, found.running) };
}
