import { createHash, randomUUID } from 'node:crypto';
import type { Route } from './route.ts';
import type { NewDelivery } from '../delivery/outbox.ts';

/** The back-end every request goes to when its service has no route: Pipework's own case store. */
export const BUILTIN_BACKEND = 'builtin';

/**
 * A number in [0, 100) from a request's content. The same submission always
 * lands in the same bucket, so a client retrying a POST reaches the same
 * back-end whatever the canary percentage, and two different requests spread
 * evenly.
 */
export function canaryBucket(parts: unknown): number {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest();
  return (digest.readUInt32BE(0) / 0x1_0000_0000) * 100;
}

/**
 * Which back-ends receive a new request, decided by the core from the route
 * alone (pure apart from the fresh idempotency keys):
 * - no route → the built-in case store;
 * - canary → that back-end instead of the primary for `canaryPercent`% of requests (by bucket);
 * - shadow → a copy as well, never the owner.
 * The built-in case store is Pipework itself: its job is done as the request
 * is written (`deliveredOnWrite`), with no relay round trip (decision 0052).
 *
 * @example deliveriesFor({ primary: 'builtin', canary: 'hook', canaryPercent: 50, … }, 12.5)
 *   // → [{ backend: 'hook', role: 'canary', kind: 'request', idempotencyKey: '…' }]
 */
export function deliveriesFor(route: Pick<Route, 'primary' | 'shadow' | 'canary' | 'canaryPercent'> | undefined, bucket: number): NewDelivery[] {
  const job = (backend: string, role: NewDelivery['role']): NewDelivery => ({
    backend,
    role,
    kind: 'request',
    idempotencyKey: randomUUID(),
    ...(backend === BUILTIN_BACKEND ? { deliveredOnWrite: true } : {}),
  });
  if (!route) return [job(BUILTIN_BACKEND, 'primary')];
  const owner = route.canary && bucket < route.canaryPercent ? job(route.canary, 'canary') : job(route.primary, 'primary');
  const out = [owner];
  if (route.shadow && route.shadow !== owner.backend) out.push(job(route.shadow, 'shadow'));
  return out;
}

/**
 * A resident's comment goes to every back-end that holds the request (owner
 * and shadow), each with its own key; not to the built-in case store, whose
 * history the comment is already in.
 */
export function updateDeliveriesFor(requestJobs: { backend: string; role: NewDelivery['role']; kind: string }[]): NewDelivery[] {
  return requestJobs
    .filter((d) => d.kind === 'request' && d.backend !== BUILTIN_BACKEND && d.role !== 'former')
    .map((d) => ({ backend: d.backend, role: d.role, kind: 'update' as const, idempotencyKey: randomUUID() }));
}
