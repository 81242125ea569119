import { entryDigest, keyIdOf, verifyEntry, type SignedEntry } from './signing.ts';
import type { FeedRefusal } from './sharing.ts';

export type EntryVerdict =
  | { accept: true; digest: string; pin?: string; already: boolean }
  | { accept: false; reason: FeedRefusal['reason']; detail: string };

/**
 * Whether one feed entry may be kept (decision 0121). The key is the one
 * pinned for the publisher when it was first seen (else the feed's, which is
 * then pinned); the signature must be that key's over exactly these bytes;
 * and a version seen before must be byte-for-byte what was seen then, since a
 * published version never changes. Anything else is refused, never applied.
 */
export function judgeEntry(input: {
  entry: SignedEntry;
  signature: { alg?: unknown; key_id?: unknown; value?: unknown } | undefined;
  feedKey: string | undefined;
  pinnedKey: string | undefined;
  seenDigest: string | undefined;
}): EntryVerdict {
  const { entry, signature, feedKey, pinnedKey, seenDigest } = input;
  if (!feedKey && !pinnedKey) return { accept: false, reason: 'signature', detail: `the feed gives no public key for publisher ${entry.publisher.id}` };
  if (pinnedKey && feedKey && feedKey !== pinnedKey) {
    return { accept: false, reason: 'key_changed', detail: `publisher ${entry.publisher.id} now shows key ${keyIdOf(feedKey)}, not ${keyIdOf(pinnedKey)} first seen; subscribe again to trust a new key` };
  }
  const key = pinnedKey ?? feedKey!;
  if (!signature || signature.alg !== 'Ed25519' || typeof signature.value !== 'string' || !verifyEntry(entry, signature.value, key)) {
    return { accept: false, reason: 'signature', detail: `the signature does not match the entry under key ${keyIdOf(key)}: changed after signing, or not signed by the publisher` };
  }
  const digest = entryDigest(entry);
  if (seenDigest && seenDigest !== digest) {
    return { accept: false, reason: 'changed', detail: `${entry.id}@${entry.version} was published before with different content (${seenDigest}); the version seen first is kept` };
  }
  return { accept: true, digest, pin: pinnedKey ? undefined : key, already: !!seenDigest };
}
