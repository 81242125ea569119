import type { Store } from '../../core/store.ts';
import type { PatternKey } from '../../core/patterns/sharing.ts';
import { newKeyPair } from '../../core/patterns/signing.ts';

/**
 * The council's Ed25519 key pair for signing its feed entries: made once
 * (`npx pipework patterns keys`) and kept; asking again gives the same key.
 * A council without a key publishes nothing: making one is the opt-in.
 */
export async function ensurePatternKey(store: Store, jurisdictionId: string, now = new Date()): Promise<{ key: PatternKey; created: boolean }> {
  const existing = await store.patternSharing.key(jurisdictionId);
  if (existing) return { key: existing, created: false };
  const pair = newKeyPair();
  const created = await store.patternSharing.createKey({ jurisdictionId, ...pair, createdAt: now });
  // Two at once: the first stored wins, and both callers see that one.
  return { key: (await store.patternSharing.key(jurisdictionId))!, created };
}
