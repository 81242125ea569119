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
  const found = await store.apiKeys.findActiveByHash(hashKey(key.trim()));
  if (!found) throw new PipeworkError('API_KEY_INVALID', 'api_key is invalid or has been revoked');
  if (scope === 'admin' && found.scope !== 'admin') throw new PipeworkError('API_KEY_INVALID', 'This key may not use the admin API');
  return found;
}
