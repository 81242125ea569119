import { createHash, randomBytes } from 'node:crypto';
import type { ApiKey, KeyScope, Store } from '../store.ts';
import { PipeworkError } from '../errors.ts';

// Keys are 32 random bytes, so a fast hash is enough: there is nothing to brute-force.
export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

const newKey = () => {
  const key = `pw_${randomBytes(32).toString('base64url')}`;
  return { key, hash: hashKey(key), prefix: key.slice(0, 7) };
};

/** Who acts on keys, for the audit log: an email, `cli` or `api:NAME`. */
export interface KeyActor {
  by: string;
  userId?: string;
}

/**
 * Creates a key; the plain key is returned once and only its hash is stored.
 * With `jurisdictionId` it may act for that council only. With `actor` the
 * creation is written to the audit log.
 *
 * @example const { key } = await createApiKey(store, 'fixmystreet', 'client', { jurisdictionId: 'westshire', actor: { by: 'cli' } })
 */
export async function createApiKey(store: Store, name: string, scope: KeyScope = 'client', opts: { jurisdictionId?: string; actor?: KeyActor } = {}): Promise<{ key: string; record: ApiKey }> {
  if (!name.trim()) throw new PipeworkError('INVALID_INPUT', 'A key needs a name, such as the client it is for', [{ field: 'name', message: 'Enter a name for the key, such as the client it is for' }]);
  if (name.trim().length > 100) throw new PipeworkError('INVALID_INPUT', 'A key name must be 100 characters or fewer', [{ field: 'name', message: 'A key name must be 100 characters or fewer' }]);
  if (opts.jurisdictionId && !(await store.councils.get(opts.jurisdictionId))) throw new PipeworkError('INVALID_INPUT', `No council "${opts.jurisdictionId}"`, [{ field: 'council', message: `No council "${opts.jurisdictionId}"` }]);
  const { key, hash, prefix } = newKey();
  const record = await store.apiKeys.create({ name: name.trim(), hash, prefix, scope, jurisdictionId: opts.jurisdictionId });
  if (opts.actor) await store.staff.audit.append({ actor: opts.actor.by, userId: opts.actor.userId, jurisdictionId: record.jurisdictionId, action: 'key.create', after: describe(record) });
  return { key, record };
}

/** The longest grace period a rotated key may have. */
export const MAX_GRACE_HOURS = 24 * 30;

const describe = (k: ApiKey) => `${k.id} "${k.name}" ${k.scope}${k.jurisdictionId ? ` for ${k.jurisdictionId}` : ' for every council'}`;

/**
 * Rotates a key: a new key (shown once) with the same name, scope and
 * council, while the old one keeps working for `graceHours` so a client can
 * switch without a failed call (0: the old one stops at once). The client
 * keeps its identity (`familyId`), so its Idempotency-Keys still match.
 *
 * @example const { key, old } = await rotateApiKey(store, 7, 24, { by: 'cli' })
 */
export async function rotateApiKey(store: Store, id: number, graceHours: number, actor: KeyActor, now = new Date()): Promise<{ key: string; record: ApiKey; old: ApiKey }> {
  if (!Number.isFinite(graceHours) || graceHours < 0 || graceHours > MAX_GRACE_HOURS) {
    throw new PipeworkError('INVALID_INPUT', `The grace period must be 0 to ${MAX_GRACE_HOURS} hours`, [{ field: 'graceHours', message: `Enter a grace period from 0 to ${MAX_GRACE_HOURS} hours` }]);
  }
  const { key, hash, prefix } = newKey();
  const done = await store.apiKeys.rotate(id, { hash, prefix }, new Date(now.getTime() + graceHours * 3600_000), now);
  if (!done) throw new PipeworkError('NOT_FOUND', `No active key with ID ${id} that has not already been rotated (see keys list)`);
  forget(store, done.old);
  await store.staff.audit.append({
    actor: actor.by,
    userId: actor.userId,
    jurisdictionId: done.old.jurisdictionId,
    action: 'key.rotate',
    before: describe(done.old),
    after: `${describe(done.key)}; old key ${done.old.expiresAt ? `works until ${done.old.expiresAt.toISOString()}` : 'revoked'}`,
  });
  return { key, record: done.key, old: done.old };
}

/** Revokes a key by id, audited; false when no active key has it. */
export async function revokeApiKey(store: Store, id: number, actor: KeyActor): Promise<boolean> {
  const before = await store.apiKeys.get(id);
  if (!before || !(await store.apiKeys.revoke(id))) return false;
  forget(store, before);
  await store.staff.audit.append({ actor: actor.by, userId: actor.userId, jurisdictionId: before.jurisdictionId, action: 'key.revoke', before: describe(before) });
  return true;
}

/** May this key act for this council? A key bound to one council may not act for another. */
export function keyMayActFor(key: ApiKey, jurisdictionId: string): boolean {
  return !key.jurisdictionId || key.jurisdictionId === jurisdictionId;
}

/** Throws API_KEY_INVALID (the spec's 403) when the key is bound to another council. */
export function requireKeyFor(key: ApiKey, jurisdictionId: string): void {
  if (!keyMayActFor(key, jurisdictionId)) throw new PipeworkError('API_KEY_INVALID', `This api_key may not act for jurisdiction_id "${jurisdictionId}"`);
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

/** A key changed in this process is asked about again at once. */
function forget(store: Store, key: ApiKey) {
  const cache = trusted.get(store);
  if (!cache) return;
  for (const [hash, hit] of cache) if (hit.key.id === key.id) cache.delete(hash);
}

async function activeKey(store: Store, hash: string): Promise<ApiKey | undefined> {
  let cache = trusted.get(store);
  if (!cache) trusted.set(store, (cache = new Map()));
  const now = Date.now();
  const hit = cache.get(hash);
  // A rotated key's grace period ends on time, trusted or not.
  if (hit && now - hit.at < KEY_TRUST_MS && !(hit.key.expiresAt && hit.key.expiresAt.getTime() <= now)) return hit.key;
  const found = await store.apiKeys.findActiveByHash(hash, new Date(now));
  if (found) {
    if (cache.size >= 10_000) cache.clear();
    cache.set(hash, { key: found, at: now });
  } else cache.delete(hash);
  return found;
}
