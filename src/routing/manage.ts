import type { Store } from '../core/store.ts';
import { PipeworkError } from '../core/errors.ts';
import type { Route, RouteChange } from '../core/routing/route.ts';
import { BUILTIN_BACKEND } from '../core/routing/decide.ts';
import { actingCouncil, actorName, canChange, canSee, type Acting } from '../core/routing/owners.ts';
import { checkBackend } from '../backends/registry.ts';
import { keepSecrets } from './mask.ts';

/** Which route: a service of a jurisdiction, or '*' for the jurisdiction's default. */
export interface RouteKey {
  jurisdictionId: string;
  serviceCode: string;
}

type RouteBody = Omit<Route, 'updatedAt' | 'updatedBy'>;

async function checkKey(store: Store, key: RouteKey, by: Acting) {
  const council = actingCouncil(by);
  if ((council !== undefined && council !== key.jurisdictionId) || !(await store.jurisdictions.list()).some((j) => j.id === key.jurisdictionId)) {
    throw new PipeworkError('JURISDICTION_NOT_FOUND', `jurisdiction "${key.jurisdictionId}" was not found`);
  }
  if (key.serviceCode !== '*' && !(await store.services.get(key.jurisdictionId, key.serviceCode))) {
    throw new PipeworkError('SERVICE_NOT_FOUND', `service_code "${key.serviceCode}" was not found in ${key.jurisdictionId}`);
  }
}

/** The back-ends `by` sees: a council its own and the install-wide ones; the install all of them. */
export async function listBackends(store: Store, by: Acting) {
  return (await store.routing.backends()).filter((b) => canSee(by, b));
}

/** The back-end named, if `by` sees it; another council's is not there (decision 0178). */
export async function findBackend(store: Store, name: string, by: Acting) {
  const b = await store.routing.backend(name);
  return b && canSee(by, b) ? b : undefined;
}

/** As findBackend, or BACKEND_NOT_FOUND; the built-in store is always there. */
export async function requireBackend(store: Store, name: string, by: Acting) {
  if (name !== BUILTIN_BACKEND && !(await findBackend(store, name, by))) throw new PipeworkError('BACKEND_NOT_FOUND', `No back-end "${name}" is configured`);
}

async function checkBackendName(store: Store, name: string, by: Acting) {
  if (name !== BUILTIN_BACKEND && !(await findBackend(store, name, by))) {
    throw new PipeworkError('BACKEND_NOT_FOUND', `No back-end "${name}" is configured (add it with: npx pipework routes backend NAME --kind KIND --config JSON)`);
  }
}

async function current(store: Store, key: RouteKey): Promise<RouteBody> {
  const r = await store.routing.get(key.jurisdictionId, key.serviceCode);
  return r ? { ...key, primary: r.primary, shadow: r.shadow, canary: r.canary, canaryPercent: r.canaryPercent } : { ...key, primary: BUILTIN_BACKEND, canaryPercent: 0 };
}

/** Sends the service's new requests to `backend`. Takes effect for the next request, no restart. */
export async function setPrimary(store: Store, key: RouteKey, backend: string, by: Acting): Promise<RouteChange> {
  await checkKey(store, key, by);
  await checkBackendName(store, backend, by);
  const r = await current(store, key);
  return store.routing.save(key, { ...r, primary: backend, shadow: r.shadow === backend ? undefined : r.shadow, canary: r.canary === backend ? undefined : r.canary }, { action: 'set', actor: actorName(by) });
}

/** Also delivers every new request to `backend` (or stops, with undefined); its results are compared, never shown. */
export async function setShadow(store: Store, key: RouteKey, backend: string | undefined, by: Acting): Promise<RouteChange> {
  await checkKey(store, key, by);
  const r = await current(store, key);
  if (backend) {
    await checkBackendName(store, backend, by);
    if (backend === r.primary) throw new PipeworkError('INVALID_INPUT', `"${backend}" is already the primary back-end; a shadow must be another one`);
  }
  return store.routing.save(key, { ...r, shadow: backend }, { action: 'shadow', actor: actorName(by) });
}

/** Sends `percent`% of new requests to `backend` instead of the primary (or stops, with undefined). */
export async function setCanary(store: Store, key: RouteKey, backend: string | undefined, percent: number, by: Acting): Promise<RouteChange> {
  await checkKey(store, key, by);
  const r = await current(store, key);
  if (backend) {
    await checkBackendName(store, backend, by);
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
      throw new PipeworkError('INVALID_INPUT', `the canary percentage must be a whole number from 0 to 100, got ${percent}`, [{ field: 'percent', message: 'must be 0–100' }]);
    }
    if (backend === r.primary) throw new PipeworkError('INVALID_INPUT', `"${backend}" is already the primary back-end`);
  }
  return store.routing.save(key, { ...r, canary: backend, canaryPercent: backend ? percent : 0 }, { action: 'canary', actor: actorName(by) });
}

/**
 * Makes the new back-end the primary: the canary if there is one, else the
 * shadow. Requests already delivered stay with the back-end that holds them.
 */
export async function promote(store: Store, key: RouteKey, by: Acting): Promise<RouteChange> {
  await checkKey(store, key, by);
  const r = await current(store, key);
  const next = r.canary ?? r.shadow;
  if (!next) throw new PipeworkError('INVALID_INPUT', `${key.serviceCode} has no canary or shadow back-end to promote`);
  return store.routing.save(key, { ...r, primary: next, canary: undefined, canaryPercent: 0, shadow: r.shadow === next ? undefined : r.shadow }, { action: 'promote', actor: actorName(by) });
}

/** Removes the route: new requests go to the '*' default, or the built-in case store. */
export async function clearRoute(store: Store, key: RouteKey, by: Acting): Promise<RouteChange> {
  await checkKey(store, key, by);
  return store.routing.save(key, undefined, { action: 'clear', actor: actorName(by) });
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

// Names are install-wide: say only that it is taken, nothing of whose it is or what it holds.
const nameInUse = (name: string) => {
  const message = `The name "${name}" is already in use on this install; choose another`;
  return new PipeworkError('INVALID_INPUT', message, [{ field: 'name', message }]);
};

/** That `by` may save a back-end of this name (add it, or change its own); the one saved now, if any. */
export async function checkCanSave(store: Store, name: string, by: Acting) {
  const existing = await store.routing.backend(name);
  if (existing && !canSee(by, existing)) throw nameInUse(name);
  if (existing && !canChange(by, existing)) {
    throw new PipeworkError('FORBIDDEN', `"${name}" is an install-wide back-end: only the install changes it (npx pipework routes backend, or an install-wide admin key)`);
  }
  return existing;
}

/**
 * Adds or changes a back-end instance; its adapter's schema checks the config first. A secret given as the mask keeps the saved one.
 * A new one belongs to the council acting (install-wide when the install acts); a council changes only its own (decision 0178).
 * The install may give it to a council (`owner`); a change without one keeps the owner it has.
 */
export async function saveBackend(store: Store, given: { name: string; kind: string; config: unknown }, by: Acting, owner?: { council: string }) {
  const existing = await checkCanSave(store, given.name, by);
  if (owner && actingCouncil(by) !== undefined) throw new PipeworkError('FORBIDDEN', 'Only the install gives a back-end to a council');
  if (owner && !(await store.jurisdictions.list()).some((j) => j.id === owner.council)) {
    throw new PipeworkError('JURISDICTION_NOT_FOUND', `jurisdiction "${owner.council}" was not found`);
  }
  if (owner && existing) {
    // Giving it to one council would let that council change where the others' requests go.
    const named = (r: Route) => [r.primary, r.shadow, r.canary].includes(given.name);
    const others = [...new Set((await store.routing.list()).filter((r) => r.jurisdictionId !== owner.council && named(r)).map((r) => r.jurisdictionId))];
    if (others.length) throw new PipeworkError('INVALID_INPUT', `"${given.name}" is routed to by ${others.join(', ')}: route them elsewhere before giving it to ${owner.council}`, [{ field: 'council', message: `routed to by ${others.join(', ')}` }]);
  }
  const stored = given.config && typeof given.config === 'object' && !Array.isArray(given.config) ? existing : undefined;
  const b = stored ? { ...given, config: keepSecrets(given.config as Record<string, unknown>, stored.config) } : given;
  const problems = [
    ...(NAME.test(b.name) ? [] : [{ field: 'name', message: `name must be lower-case letters, digits, - or _ (up to 63), got "${b.name}"` }]),
    ...(b.name === BUILTIN_BACKEND && b.kind !== 'builtin' ? [{ field: 'name', message: '"builtin" is the built-in case store; choose another name' }] : []),
    ...checkBackend(b.kind, b.config),
  ];
  if (problems.length) throw new PipeworkError('INVALID_INPUT', problems.map((p) => p.message).join('; '), problems);
  const council = actingCouncil(by);
  const saved = await store.routing.saveBackend(
    { name: b.name, kind: b.kind, config: (b.config ?? {}) as Record<string, unknown>, jurisdictionId: owner?.council ?? council ?? (existing ? undefined : null) },
    actorName(by),
    council,
  );
  // Another council (or the install) took the name between the check and the write.
  if (!saved) throw nameInUse(b.name);
  return saved;
}
