import { createHash, randomBytes } from 'node:crypto';
import type { ApiKey, KeyScope, Store } from '../store.ts';
import { PipeworkError } from '../errors.ts';

// Keys are 32 random bytes, so a fast hash is enough: there is nothing to brute-force.
export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** Creates a key; the plain key is returned once and only its hash is stored. */
export async function createApiKey(store: Store, name: string, scope: KeyScope = 'client'): Promise<{ key: string; record: ApiKey }> {
  if (!name.trim()) throw new PipeworkError('INVALID_INPUT', 'A key needs a name, such as the client it is for');
  const key = `pw_${randomBytes(32).toString('base64url')}`;
  const record = await store.apiKeys.create(name.trim(), hashKey(key), key.slice(0, 7), scope);
  return { key, record };
}

/**
 * Throws API_KEY_INVALID (403) unless `key` is a current key with the scope
 * asked for. An admin key also works where a client key is asked for.
 */
export async function requireApiKey(store: Store, key: string | undefined, scope: KeyScope = 'client'): Promise<ApiKey> {
  if (!key?.trim()) throw new PipeworkError('API_KEY_INVALID', 'api_key is missing');
  const found = await activeKey(store, hashKey(key.trim()));
  if (!found) throw new PipeworkError('API_KEY_INVALID', 'api_key is invalid or has been revoked');
  if (scope === 'admin' && found.scope !== 'admin') throw new PipeworkError('API_KEY_INVALID', 'This key may not use the admin API');
  return found;
}

/**
 * How long a key found valid is trusted without asking the store again. Every
 * write request checks its key; this keeps that check off the database while
 * a revoked key still stops working within a second, in every process
 * (docs/decisions/0041). Unknown keys are never cached, so a new key works at once.
 */
export const KEY_TRUST_MS = 1000;
const trusted = new WeakMap<Store, Map<string, { key: ApiKey; at: number }>>();

async function activeKey(store: Store, hash: string): Promise<ApiKey | undefined> {
  let cache = trusted.get(store);
  if (!cache) trusted.set(store, (cache = new Map()));
  const now = Date.now();
  const hit = cache.get(hash);
  if (hit && now - hit.at < KEY_TRUST_MS) return hit.key;
  const found = await store.apiKeys.findActiveByHash(hash);
  if (found) {
    if (cache.size >= 10_000) cache.clear();
    cache.set(hash, { key: found, at: now });
  } else cache.delete(hash);
  return found;
}
