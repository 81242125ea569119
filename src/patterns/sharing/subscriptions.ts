import { randomUUID } from 'node:crypto';
import type { Store } from '../../core/store.ts';
import type { FeedSubscription } from '../../core/patterns/sharing.ts';
import type { SignedEntry } from '../../core/patterns/signing.ts';
import { judgeEntry } from '../../core/patterns/feed-rules.ts';
import { PipeworkError } from '../../core/errors.ts';
import { validatePattern } from '../validate.ts';
import { fetchBounded, type FetchBounds } from './fetch.ts';
import { FEED_FORMAT } from './feed.ts';

/** Feed fetching bounds from configuration; redirects are fixed at a few. */
export const boundsFrom = (c: { patternFeedsMaxBytes: number; patternFeedsTimeoutMs: number; patternFeedsAllowPrivate: boolean }): FetchBounds => ({
  maxBytes: c.patternFeedsMaxBytes,
  timeoutMs: c.patternFeedsTimeoutMs,
  maxRedirects: 3,
  allowPrivate: c.patternFeedsAllowPrivate,
});

export async function subscribe(store: Store, jurisdictionId: string, url: string, now = new Date()): Promise<FeedSubscription> {
  let u: URL | undefined;
  try {
    u = new URL(url);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
    throw new PipeworkError('INVALID_INPUT', `${url} is not an http(s) URL of a pattern feed`, [{ field: 'url', message: 'must be an http or https URL' }]);
  }
  return store.patternSharing.subscribe({ id: randomUUID(), jurisdictionId, url: u.toString(), at: now });
}

export interface FetchReport {
  subscriptionId: string;
  url: string;
  added: string[];
  unchanged: number;
  refused: { ref: string; reason: string; detail: string }[];
  error?: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const text = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 2000 ? v : undefined);

/**
 * Fetches one subscription's feed, within bounds, and keeps each entry that
 * checks out (judgeEntry); every refusal is recorded with its reason, and a
 * fetch that fails as a whole is recorded on the subscription. Nothing
 * refused is ever applied; versions seen before are never replaced.
 */
export async function fetchSubscription(store: Store, sub: FeedSubscription, bounds: FetchBounds, now = new Date()): Promise<FetchReport> {
  const report: FetchReport = { subscriptionId: sub.id, url: sub.url, added: [], unchanged: 0, refused: [] };
  const refuse = async (ref: string, reason: Parameters<Store['patternSharing']['refuse']>[0]['reason'], detail: string) => {
    report.refused.push({ ref, reason, detail });
    await store.patternSharing.refuse({ subscriptionId: sub.id, ref, reason, detail, at: now });
  };
  let feed: unknown;
  try {
    feed = JSON.parse((await fetchBounded(sub.url, bounds)).body);
    if (!isObj(feed) || feed.feed !== FEED_FORMAT || !Array.isArray(feed.entries) || !Array.isArray(feed.publishers)) throw new Error(`not a ${FEED_FORMAT} document`);
  } catch (err) {
    report.error = (err as Error).message;
    await store.patternSharing.recordFetch(sub.id, now, report.error);
    return report;
  }
  const feedKeys = new Map<string, string>();
  for (const p of feed.publishers as unknown[]) if (isObj(p) && text(p.id) && text(p.public_key)) feedKeys.set(p.id as string, p.public_key as string);
  const running = new Map<string, { id: string; version: string }[]>();
  let pinned = { ...sub.publishers };

  for (const raw of feed.entries as unknown[]) {
    const e = isObj(raw) ? raw : {};
    const publisher = isObj(e.publisher) ? { id: text(e.publisher.id), name: text(e.publisher.name) } : { id: undefined, name: undefined };
    const [id, version, licence, publishedAt, url] = [text(e.id), text(e.version), text(e.licence), text(e.published_at), text(e.url)];
    const ref = `${publisher.id ?? '?'}/${id ?? '?'}@${version ?? '?'}`;
    if (!publisher.id || !publisher.name || !id || !version || !licence || !publishedAt || !url || !isObj(e.document)) {
      await refuse(ref, 'invalid', 'the entry lacks publisher, id, version, licence, published_at, url or document');
      continue;
    }
    const entry: SignedEntry = { publisher: { id: publisher.id, name: publisher.name }, id, version, licence, published_at: publishedAt, document: e.document };
    const seen = await store.patternSharing.seen(sub.id, publisher.id, id, version);
    const verdict = judgeEntry({ entry, signature: isObj(e.signature) ? e.signature : undefined, feedKey: feedKeys.get(publisher.id), pinnedKey: pinned[publisher.id], seenDigest: seen?.digest });
    if (!verdict.accept) {
      await refuse(ref, verdict.reason, verdict.detail);
      continue;
    }
    if (e.running === true) running.set(publisher.id, [...(running.get(publisher.id) ?? []), { id, version }]);
    if (verdict.already) {
      report.unchanged++;
      continue;
    }
    // Signed is not enough: the document must be a valid, published pattern that names itself as the entry does.
    const checked = validatePattern(e.document);
    const doc = checked.pattern;
    if (!doc || doc.id !== id || doc.version !== version || doc.lifecycle !== 'published' || doc.provenance.licence !== licence) {
      const why = checked.problems.length ? checked.problems.slice(0, 3).map((p) => `${p.path}: ${p.message}`).join('; ') : 'the document is not this published id@version with this licence';
      await refuse(ref, 'invalid', why);
      continue;
    }
    if (verdict.pin) {
      // Compare-and-set: a fetch running at the same time may have pinned first; its key then decides.
      if (!(await store.patternSharing.pinPublisher(sub.id, publisher.id, verdict.pin, pinned))) {
        pinned = (await store.patternSharing.subscription(sub.id))?.publishers ?? pinned;
        if (pinned[publisher.id] !== verdict.pin) {
          await refuse(ref, 'key_changed', `another key was pinned for ${publisher.id} at the same time`);
          continue;
        }
      } else pinned = { ...pinned, [publisher.id]: verdict.pin };
    }
    const signature = (e.signature as { value: string; key_id?: string });
    const outcome = await store.patternSharing.addSeen({
      subscriptionId: sub.id, publisherId: publisher.id, publisherName: publisher.name, id, version, licence, publishedAt,
      document: e.document, digest: verdict.digest, signature: signature.value, keyId: String(signature.key_id ?? ''), url, running: e.running === true, firstSeenAt: now,
    });
    if (outcome === 'added') report.added.push(ref);
    else {
      // Another fetch kept it first: it must be the same bytes, or this one is refused like any changed version.
      const first = await store.patternSharing.seen(sub.id, publisher.id, id, version);
      if (first?.digest !== verdict.digest) await refuse(ref, 'changed', `${id}@${version} was kept with different content by a fetch at the same time`);
      else report.unchanged++;
    }
  }
  for (const p of new Set([...Object.keys(pinned)])) await store.patternSharing.setRunning(sub.id, p, running.get(p) ?? []);
  await store.patternSharing.recordFetch(sub.id, now);
  return report;
}

/** Fetches every subscription (of one council, or of all): the scheduled round and `patterns fetch`. */
export async function fetchAll(store: Store, bounds: FetchBounds, jurisdictionId?: string, now = new Date()): Promise<FetchReport[]> {
  const out: FetchReport[] = [];
  for (const s of await store.patternSharing.subscriptions(jurisdictionId)) out.push(await fetchSubscription(store, s, bounds, now));
  return out;
}
