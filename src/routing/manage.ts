import type { Store } from '../core/store.ts';
import { PipeworkError } from '../core/errors.ts';
import type { Route, RouteChange } from '../core/routing/route.ts';
import { BUILTIN_BACKEND } from '../core/routing/decide.ts';
import { checkBackend } from '../backends/registry.ts';
import { keepSecrets } from './mask.ts';

/** Which route: a service of a jurisdiction, or '*' for the jurisdiction's default. */
export interface RouteKey {
  jurisdictionId: string;
  serviceCode: string;
}

type RouteBody = Omit<Route, 'updatedAt' | 'updatedBy'>;

async function checkKey(store: Store, key: RouteKey) {
  if (!(await store.jurisdictions.list()).some((j) => j.id === key.jurisdictionId)) {
    throw new PipeworkError('JURISDICTION_NOT_FOUND', `jurisdiction "${key.jurisdictionId}" was not found`);
  }
  if (key.serviceCode !== '*' && !(await store.services.get(key.jurisdictionId, key.serviceCode))) {
    throw new PipeworkError('SERVICE_NOT_FOUND', `service_code "${key.serviceCode}" was not found in ${key.jurisdictionId}`);
  }
}

async function checkBackendName(store: Store, name: string) {
  if (name !== BUILTIN_BACKEND && !(await store.routing.backend(name))) {
    throw new PipeworkError('BACKEND_NOT_FOUND', `No back-end "${name}" is configured (add it with: npx pipework routes backend NAME --kind KIND --config JSON)`);
  }
}

async function current(store: Store, key: RouteKey): Promise<RouteBody> {
  const r = await store.routing.get(key.jurisdictionId, key.serviceCode);
  return r ? { ...key, primary: r.primary, shadow: r.shadow, canary: r.canary, canaryPercent: r.canaryPercent } : { ...key, primary: BUILTIN_BACKEND, canaryPercent: 0 };
}

/** Sends the service's new requests to `backend`. Takes effect for the next request, no restart. */
export async function setPrimary(store: Store, key: RouteKey, backend: string, actor: string): Promise<RouteChange> {
  await checkKey(store, key);
  await checkBackendName(store, backend);
  const r = await current(store, key);
  return store.routing.save(key, { ...r, primary: backend, shadow: r.shadow === backend ? undefined : r.shadow, canary: r.canary === backend ? undefined : r.canary }, { action: 'set', actor });
}

/** Also delivers every new request to `backend` (or stops, with undefined); its results are compared, never shown. */
export async function setShadow(store: Store, key: RouteKey, backend: string | undefined, actor: string): Promise<RouteChange> {
  await checkKey(store, key);
  const r = await current(store, key);
  if (backend) {
    await checkBackendName(store, backend);
    if (backend === r.primary) throw new PipeworkError('INVALID_INPUT', `"${backend}" is already the primary back-end; a shadow must be another one`);
  }
  return store.routing.save(key, { ...r, shadow: backend }, { action: 'shadow', actor });
}

/** Sends `percent`% of new requests to `backend` instead of the primary (or stops, with undefined). */
export async function setCanary(store: Store, key: RouteKey, backend: string | undefined, percent: number, actor: string): Promise<RouteChange> {
  await checkKey(store, key);
  const r = await current(store, key);
  if (backend) {
    await checkBackendName(store, backend);
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
      throw new PipeworkError('INVALID_INPUT', `the canary percentage must be a whole number from 0 to 100, got ${percent}`, [{ field: 'percent', message: 'must be 0–100' }]);
    }
    if (backend === r.primary) throw new PipeworkError('INVALID_INPUT', `"${backend}" is already the primary back-end`);
  }
  return store.routing.save(key, { ...r, canary: backend, canaryPercent: backend ? percent : 0 }, { action: 'canary', actor });
}

/**
 * Makes the new back-end the primary: the canary if there is one, else the
 * shadow. Requests already delivered stay with the back-end that holds them.
 */
export async function promote(store: Store, key: RouteKey, actor: string): Promise<RouteChange> {
  await checkKey(store, key);
  const r = await current(store, key);
  const next = r.canary ?? r.shadow;
  if (!next) throw new PipeworkError('INVALID_INPUT', `${key.serviceCode} has no canary or shadow back-end to promote`);
  return store.routing.save(key, { ...r, primary: next, canary: undefined, canaryPercent: 0, shadow: r.shadow === next ? undefined : r.shadow }, { action: 'promote', actor });
}

/** Removes the route: new requests go to the '*' default, or the built-in case store. */
export async function clearRoute(store: Store, key: RouteKey, actor: string): Promise<RouteChange> {
  await checkKey(store, key);
  return store.routing.save(key, undefined, { action: 'clear', actor });
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Adds or changes a back-end instance; its adapter's schema checks the config first. A secret given as the mask keeps the saved one. */
export async function saveBackend(store: Store, given: { name: string; kind: string; config: unknown }, actor: string) {
  const stored = given.config && typeof given.config === 'object' && !Array.isArray(given.config) ? await store.routing.backend(given.name) : undefined;
  const b = stored ? { ...given, config: keepSecrets(given.config as Record<string, unknown>, stored.config) } : given;
  const problems = [
    ...(NAME.test(b.name) ? [] : [{ field: 'name', message: `name must be lower-case letters, digits, - or _ (up to 63), got "${b.name}"` }]),
    ...(b.name === BUILTIN_BACKEND && b.kind !== 'builtin' ? [{ field: 'name', message: '"builtin" is the built-in case store; choose another name' }] : []),
    ...checkBackend(b.kind, b.config),
  ];
  if (problems.length) throw new PipeworkError('INVALID_INPUT', problems.map((p) => p.message).join('; '), problems);
  return store.routing.saveBackend({ name: b.name, kind: b.kind, config: (b.config ?? {}) as Record<string, unknown> }, actor);
}
